"""`sitegen serve`: live preview that rebuilds on save, reloads the browser, survives bad saves."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from datetime import date

import pytest
from tornado.websocket import websocket_connect

from conftest import ROOT, fixture_project
from generator.serve.preview import Preview

pytestmark = [pytest.mark.build, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path)  # sent as written: no client-side normalisation of '..'
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def wait_for(condition, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture
def server(tmp_path, request):
    """`sitegen serve` on the basic fixture; parametrize indirectly with extra arguments (["--poll"])."""
    project = fixture_project(tmp_path / "site", "basic")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(project.root), "serve", "--port", str(port),
         "--now", "2024-06-15", *getattr(request, "param", [])], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(lambda: _up(port), 30)
        yield project, port, process
    finally:
        process.terminate()
        process.wait(10)


def _up(port: int) -> bool:
    try:
        return get(port, "/en/")[0] == 200
    except OSError:
        return False


async def _reload_message(port: int, action, seconds: float = 10.0) -> dict:
    """Connect as livereload.js does, run `action`, return the next message the server pushes."""
    socket_ = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    socket_.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    hello = json.loads(await socket_.read_message())
    assert hello["command"] == "hello"
    # livereload.js then says which page it shows; only then does the server push reloads to it.
    socket_.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/en/events/workshop/"}))
    await asyncio.sleep(0.2)
    await asyncio.get_running_loop().run_in_executor(None, action)
    message = await asyncio.wait_for(socket_.read_message(), seconds)
    socket_.close()
    return json.loads(message)


@pytest.mark.build
@pytest.mark.parametrize("server", [[], ["--poll"]], ids=["notified", "polled"], indirect=True)
def test_save_rebuilds_and_reloads_the_browser(server):
    project, port, process = server
    if "--poll" in process.args:  # watchfiles polls: the server holds no inotify instance
        assert inotify_instances(process.pid) == 0
    page = get(port, "/en/events/workshop/")[1]
    assert "Workshop over three days" in page
    # The fixture publishes below /calendar/; the preview serves it at the root, links included.
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    assert stylesheet.startswith("/assets/") and get(port, stylesheet)[0] == 200
    source = project.content / "events" / "workshop.md"

    def save():
        source.write_text(source.read_text().replace("Workshop over three days", "Workshop, three full days"))

    message = asyncio.run(_reload_message(port, save))
    assert message["command"] == "reload"
    assert "Workshop, three full days" in get(port, "/en/events/workshop/")[1]


BROKEN_WHEN = "when: next <img src=x onerror=alert(1)> autumn"
"""A broken save whose error message quotes markup the editor typed."""


@pytest.mark.build
def test_a_bad_save_keeps_the_last_good_page_with_the_errors_over_it(server):
    project, port, process = server
    source = project.content / "events" / "workshop.md"
    good = source.read_text()

    def break_it():
        source.write_text(good.replace("when: 2024-09-19/2024-09-21", BROKEN_WHEN))

    assert asyncio.run(_reload_message(port, break_it))["command"] == "reload"  # to show the errors
    status, page = get(port, "/en/events/workshop/")
    assert status == 200 and "Workshop over three days" in page  # the last good page
    overlay = page[page.index('<section id="sitegen-errors"'):]
    assert 'role="alert"' in overlay and 'tabindex="-1"' in overlay
    assert ("<strong>content/events/workshop.md:6</strong>: when: &#x27;next &lt;img src=x onerror=alert(1)&gt; "
            "autumn&#x27; is not a date") in overlay
    assert "<img src=x" not in page  # the editor's text is escaped
    assert 'src="/livereload.js' in page  # the browser reloads by itself once fixed
    assert "sitegen-errors" in get(port, "/en/")[1]  # over every page
    assert get(port, "/en/no-such-page/")[0] == 404 and "sitegen-errors" in get(port, "/en/no-such-page/")[1]
    assert get(port, "/robots.txt") == (200, (project.root / ".cache/preview/robots.txt").read_text())
    built = (project.root / ".cache/preview/en/events/workshop/index.html").read_text()
    assert "sitegen-errors" not in built and "livereload" not in built  # added when served, never written
    assert process.poll() is None  # still serving

    assert asyncio.run(_reload_message(port, lambda: source.write_text(good)))["command"] == "reload"
    status, page = get(port, "/en/events/workshop/")
    assert status == 200 and "sitegen-errors" not in page and 'src="/livereload.js' in page


@pytest.mark.build
def test_a_first_build_that_fails_still_serves_the_errors(tmp_path):
    """No last good build at all (a broken file before the first start): every address shows the errors."""
    project = fixture_project(tmp_path / "site", "basic")
    source = project.content / "events" / "workshop.md"
    source.write_text(source.read_text().replace("when: 2024-09-19/2024-09-21", BROKEN_WHEN))
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(project.root), "serve", "--port", str(port),
         "--now", "2024-06-15"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        status, page = wait_for(lambda: _answer(port, "/en/"), 30)
        assert status == 404 and "<strong>content/events/workshop.md:6</strong>: when:" in page
        assert "Not built yet" in page and 'src="/livereload.js' in page
    finally:
        process.terminate()
        process.wait(10)


def _answer(port: int, path: str) -> tuple[int, str] | None:
    try:
        return get(port, path)
    except OSError:
        return None


@pytest.mark.build
def test_the_reload_channel_refuses_pages_of_other_origins(server):
    """Another site open in the browser cannot connect to the preview's reload channel."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    _, port, _ = server

    async def connect(origin: str):
        request = HTTPRequest(f"ws://127.0.0.1:{port}/livereload", headers={"Origin": origin})
        (await websocket_connect(request)).close()

    asyncio.run(connect(f"http://127.0.0.1:{port}"))
    with pytest.raises(HTTPClientError, match="403"):
        asyncio.run(connect("https://attacker.example"))


def test_many_quick_saves_end_in_the_last_state(server):
    project, port, _ = server
    source = project.content / "events" / "workshop.md"
    text = source.read_text()
    for n in range(8):
        source.write_text(text.replace("Workshop over three days", f"Workshop draft {n}"))
        time.sleep(0.01)
    wait_for(lambda: "Workshop draft 7" in get(port, "/en/events/workshop/")[1])


@pytest.mark.parametrize("path", ["/../site.toml", "/%2e%2e/site.toml", "/%252e%252e/site.toml",
                                  "/assets/..%2f..%2fsite.toml", "/en/../../site.toml", "/..%5csite.toml"])
def test_only_files_of_the_built_site_are_served(server, path):
    _, port, _ = server
    status, body = get(port, path)
    assert status == 404
    assert "base_url" not in body


def test_one_edit_re_renders_only_what_shows_the_item(tmp_path):
    project = fixture_project(tmp_path / "site", "basic")
    preview = Preview(project, tmp_path / "out", date(2024, 6, 15), drafts=False)
    assert not preview.rebuild().errors
    assert preview.rebuild().written == ()  # nothing changed, nothing written
    source = project.content / "events" / "forum.md"
    source.write_text(source.read_text().replace("Cancelled forum", "Cancelled spring forum"))
    written = set(preview.rebuild().written)
    assert {"en/events/forum/index.html", "ko/events/forum/index.html", "en/2024/index.html",
            "en/regions/europe-mediterranean/index.html", "en/categories/networking/index.html"} <= written
    untouched = {"en/events/workshop/index.html", "en/about/index.html", "en/regions/africa/index.html",
                 "en/categories/prize/index.html", "en/programs/prize/index.html"}
    assert not untouched & written


def environments_made(monkeypatch) -> list:
    """A weak reference to each Jinja2 environment made from now on (a rebuild makes its own)."""
    import weakref
    import jinja2

    made = []
    real_init = jinja2.Environment.__init__

    def tracked_init(env, *args, **kwargs):
        real_init(env, *args, **kwargs)
        made.append(weakref.ref(env))

    monkeypatch.setattr(jinja2.Environment, "__init__", tracked_init)
    return made


def test_a_long_preview_session_frees_each_rebuilds_garbage(tmp_path, monkeypatch):
    """Rebuilds freeze what survives them (gc.freeze); the cycles a rebuild leaves behind (its
    Jinja2 environments) must still be collected once the frozen set has grown enough."""
    import gc
    from generator.serve import preview as serve

    made = environments_made(monkeypatch)
    monkeypatch.setattr(serve, "FROZEN_GROWTH", 0.0)  # collect after every rebuild that froze more
    project = fixture_project(tmp_path / "site", "basic")
    preview = Preview(project, tmp_path / "out", date(2024, 6, 15), drafts=False)
    assert not preview.rebuild().errors
    source = project.content / "events" / "forum.md"
    text = source.read_text()
    for n in range(6):
        source.write_text(text.replace("Cancelled forum", f"Cancelled forum {n}"))
        assert not preview.rebuild({source}).errors
    alive = sum(1 for ref in made if ref() is not None)
    assert len(made) >= 7 * 2 and alive <= len(made) // 3, (alive, len(made))
    gc.unfreeze()


def test_a_rebuild_collects_what_it_left_before_freezing(tmp_path, monkeypatch):
    """A rebuild runs without the collector (build.uncollected): the cycles it made and dropped
    (its Jinja2 environments) are collected when it ends, not frozen for the next full collection."""
    import gc
    from generator.serve import preview as serve

    made = environments_made(monkeypatch)
    monkeypatch.setattr(serve, "FROZEN_GROWTH", 1e9)  # never the full collection
    project = fixture_project(tmp_path / "site", "basic")
    preview = Preview(project, tmp_path / "out", date(2024, 6, 15), drafts=False)
    assert not preview.rebuild().errors
    assert gc.isenabled()
    source = project.content / "events" / "forum.md"
    text = source.read_text()
    for n in range(6):
        source.write_text(text.replace("Cancelled forum", f"Cancelled forum {n}"))
        assert not preview.rebuild({source}).errors
        assert gc.isenabled()
    alive = sum(1 for ref in made if ref() is not None)
    assert len(made) >= 7 * 2 and alive <= len(made) // 3, (alive, len(made))
    gc.unfreeze()


def test_a_preview_forgets_earlier_versions_of_edited_files(tmp_path):
    project = fixture_project(tmp_path / "site", "basic")
    preview = Preview(project, tmp_path / "out", date(2024, 6, 15), drafts=False)
    assert not preview.rebuild().errors
    remembered = len(preview.kept.checked)  # each file's checked result
    source = project.content / "events" / "forum.md"
    text = source.read_text()
    for n in range(3):
        source.write_text(text.replace("Cancelled forum", f"Cancelled forum {n}"))
        assert not preview.rebuild({source}).errors
    assert len(preview.kept.checked) == remembered


def test_a_settings_change_reaches_every_check_and_page(tmp_path):
    project = fixture_project(tmp_path / "site", "basic")
    preview = Preview(project, tmp_path / "out", date(2024, 6, 15), drafts=False)
    assert not preview.rebuild().errors
    settings = project.config_file.read_text()
    project.config_file.write_text(settings.replace('name = "Central Asia"', 'name = "Central Asia & Caucasus"'))
    assert not preview.rebuild().errors
    assert "Central Asia &amp; Caucasus" in (tmp_path / "out/en/regions/central-asia/index.html").read_text()
    project.config_file.write_text(settings.replace('key = "capacity-building"', 'key = "training"'))
    errors = [str(e) for e in preview.rebuild().errors]
    assert any(e.startswith("content/events/workshop.md:4: category: 'capacity-building' is not a category")
               for e in errors), errors


def inotify_instances(pid: int | str = "self") -> int:
    """Inotify instances a process holds (Linux names each open one anon_inode:inotify)."""
    return sum(1 for fd in os.listdir(f"/proc/{pid}/fd") if _link(f"/proc/{pid}/fd/{fd}") == "anon_inode:inotify")


def _link(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


@pytest.mark.unit
@pytest.mark.parametrize("polling", [None, True], ids=["notified", "polled"])
def test_the_watcher_reports_each_settled_batch_of_saves(tmp_path, polling):
    """Told by the OS, or by watchfiles' polling (force_polling, for file systems that cannot
    tell): saves, and atomic replaces of site.toml one after another (each ends the OS's watch
    on the file it replaced), reach the rebuild as one batch per burst naming the files;
    dot-files (editors' swap files) do not."""
    from generator.serve.watcher import Watcher
    content, settings = tmp_path / "content", tmp_path / "site.toml"
    (content / "events").mkdir(parents=True)
    settings.write_text("a")
    # Saved long before, as a project's site.toml is: polling compares modification times to
    # the second (watchfiles issue #319), so a replace within the second of this write, before
    # the watcher reported the file once, would go unseen (_SameSecondSaves covers reported files).
    os.utime(settings, (time.time() - 3600, time.time() - 3600))
    batches, seen = [], threading.Event()
    before = inotify_instances()
    watcher = Watcher([content, settings], lambda changed: (batches.append(set(changed)), seen.set()),
                      force_polling=polling)
    watcher.start()
    try:
        # An earlier test's watcher may still be closing its instance: polling opens none of
        # its own, a notified watcher at least one.
        now = inotify_instances()
        assert now <= before if polling else now >= 1, (before, now)
        (content / "events" / ".excom.md.swp").write_text("swap")
        for n in range(3):  # a burst of saves: one batch
            (content / "events" / "excom.md").write_text(f"save {n}")
        assert seen.wait(5)
        time.sleep(0.5)
        assert batches == [{content / "events" / "excom.md"}]
        for n in range(2):
            seen.clear()
            replacement = tmp_path / "site.toml.new"
            replacement.write_text(f"b{n}")
            os.replace(replacement, settings)  # how many editors save
            assert seen.wait(5), f"replace {n} not seen"
            assert batches[-1] == {settings}
            time.sleep(0.5)
        seen.clear()
        (content / "events" / "excom.md").write_text("after")
        assert seen.wait(5) and batches[-1] == {content / "events" / "excom.md"}
        # Two saves within one second: polling compares modification times to the second.
        page, second = content / "events" / "excom.md", (time.time_ns() // 10**9 + 60) * 10**9  # later than now
        for n, text in enumerate(["same second A", "same second B"]):
            time.sleep(0.5)
            seen.clear()
            page.write_text(text)
            os.utime(page, ns=(second + n, second + n))
            assert seen.wait(5), f"save {text} not seen"
            assert batches[-1] == {page}
    finally:
        watcher.stop()


@pytest.mark.unit
def test_the_watcher_polls_where_notifications_cannot_be_had(tmp_path, monkeypatch):
    """A full inotify table (or a file system without notifications) makes watchfiles raise
    OSError: the watcher then asks watchfiles to poll, and saves are still reported."""
    import watchfiles

    from generator.serve.watcher import Watcher
    real = watchfiles.watch

    def no_inotify(*paths, force_polling=None, **options):  # a generator, as watchfiles.watch is
        if not force_polling:
            raise OSError(28, "OS file watch limit reached")
        yield from real(*paths, force_polling=force_polling, **options)

    monkeypatch.setattr(watchfiles, "watch", no_inotify)
    content = tmp_path / "content"
    content.mkdir()
    batches, seen = [], threading.Event()
    watcher = Watcher([content], lambda changed: (batches.append(set(changed)), seen.set()))
    watcher.start()
    try:
        assert watcher.force_polling is True
        (content / "a.md").write_text("saved")
        assert seen.wait(5) and batches == [{content / "a.md"}]
    finally:
        watcher.stop()


@pytest.mark.unit
def test_a_save_during_a_rebuild_triggers_exactly_one_more(tmp_path):
    """Saves made while the rebuild runs are collected meanwhile: one more rebuild, with all of them."""
    from generator.serve.watcher import Watcher
    content = tmp_path / "content"
    content.mkdir()
    batches, first, done = [], threading.Event(), threading.Event()

    def rebuild(changed):
        batches.append(set(changed))
        if len(batches) == 1:
            first.set()
            time.sleep(0.5)  # a slow rebuild, saved over twice meanwhile
        else:
            done.set()

    watcher = Watcher([content], rebuild)
    watcher.start()
    try:
        (content / "a.md").write_text("1")
        assert first.wait(5)
        (content / "a.md").write_text("2")
        time.sleep(0.1)
        (content / "b.md").write_text("1")
        assert done.wait(5)
        time.sleep(0.5)
        assert batches == [{content / "a.md"}, {content / "a.md", content / "b.md"}]
    finally:
        watcher.stop()


@pytest.mark.browser
def test_the_errors_over_a_page_are_accessible_and_keep_its_content_security_policy(server):
    """In Chromium, under the page's own policy: the overlay loads its style and script from the
    preview (no violation), takes the focus, passes axe-core, fits a 390 px screen and is dismissed."""
    from checkers import browser, run_axe
    project, port, _ = server
    source = project.content / "events" / "workshop.md"
    source.write_text(source.read_text().replace("when: 2024-09-19/2024-09-21", BROKEN_WHEN))
    wait_for(lambda: "sitegen-errors" in get(port, "/en/events/workshop/")[1])
    with browser() as chromium:
        for width, height in ((390, 844), (1280, 900)):
            page = chromium.new_page(viewport={"width": width, "height": height})
            refused = []
            page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
            page.goto(f"http://127.0.0.1:{port}/en/events/workshop/", wait_until="networkidle")
            overlay = page.locator("#sitegen-errors")
            assert overlay.is_visible() and overlay.evaluate("e => getComputedStyle(e).position") == "fixed"
            assert page.evaluate("document.activeElement.id") == "sitegen-errors"
            assert "content/events/workshop.md:6: when:" in overlay.inner_text()
            box = overlay.bounding_box()
            assert box["width"] <= width and page.evaluate("document.documentElement.scrollWidth") <= width
            assert run_axe(page) == []
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.id") == "sitegen-errors-dismiss"
            page.keyboard.press("Enter")
            assert not overlay.is_visible()
            page.reload(wait_until="networkidle")
            page.keyboard.press("Escape")
            assert not overlay.is_visible()
            assert refused == []
            page.close()


def test_a_browser_reloads_as_soon_as_its_page_is_written(tmp_path):
    """The edited event's pages are written and reported first, holding the edit, before the
    other pages the save changes (the lists that show the event) are planned."""
    project = fixture_project(tmp_path / "site", "basic")
    out = tmp_path / "out"
    preview = Preview(project, out, date(2024, 6, 15), drafts=False)
    assert not preview.rebuild().errors
    source = project.content / "events" / "forum.md"
    source.write_text(source.read_text().replace("Cancelled forum", "Cancelled spring forum"))
    told = []

    def page_written(address: str) -> None:
        told.append((address, (out / address.lstrip("/") / "index.html").read_bytes()))

    outcome = preview.rebuild({source}, on_pages=lambda: told.append(("every page", b"")), on_page=page_written)
    pages = [address for address, _ in told[:-1]]
    assert told[-1][0] == "every page"
    assert b"Cancelled spring forum" in dict(told)["/en/events/forum/"]
    for address, then in told[:-1]:  # each page already written, whole, when reported
        assert then == (out / address.lstrip("/") / "index.html").read_bytes()
    assert {"/en/events/forum/", "/ko/events/forum/", "/en/2024/", "/en/categories/networking/"} <= set(pages)
    # The edited item's own pages first, before the rest of the site is even planned; each once.
    assert set(pages[:2]) == {"/en/events/forum/", "/ko/events/forum/"}
    assert len(pages) == len(set(pages))
    # Every page written is reported (and those re-rendered to the same bytes, left as they were).
    assert {"/" + p[:-len("index.html")] for p in outcome.written if p.endswith("index.html")} <= set(pages)


def test_the_server_reloads_a_browser_once_per_save(tmp_path):
    """A browser told early (its page was written) is not told again when the others are."""
    from generator.serve.server import PreviewServer
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>t</title><body></body>")
    server, port = PreviewServer(tmp_path, lambda: ()), free_port()
    threading.Thread(target=server.run, args=("127.0.0.1", port), daemon=True).start()
    wait_for(lambda: _up_at(port))

    async def browsers() -> tuple[list, list]:
        sockets = []
        for url in (f"http://127.0.0.1:{port}/en/events/forum/index.html#map", f"http://127.0.0.1:{port}/en/about/"):
            socket_ = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
            socket_.write_message(json.dumps({"command": "hello", "protocols": []}))
            await socket_.read_message()
            socket_.write_message(json.dumps({"command": "info", "url": url}))
            sockets.append(socket_)
        await asyncio.sleep(0.3)
        server.reload_showing("/en/events/forum/")  # its page is written
        server.reload()                              # every page is: the others
        server.reload()                              # the next save: everyone
        server.reload_showing("/en/events/forum/")   # a third save's page is written...
        server.reload(everyone=True)                 # ...but another page broke: everyone sees the errors
        await asyncio.sleep(0.5)
        received = []
        for socket_ in sockets:
            messages = []
            while True:
                try:
                    messages.append(json.loads(await asyncio.wait_for(socket_.read_message(), 0.3))["command"])
                except asyncio.TimeoutError:
                    break
            received.append(messages)
            socket_.close()
        return received

    forum, about = asyncio.run(browsers())
    assert forum == ["reload"] * 4  # early, the next save's, early, the errors
    assert about == ["reload"] * 3  # with the others, the next save's, the errors


def _up_at(port: int) -> bool:
    try:
        return get(port, "/")[0] == 200
    except OSError:
        return False
