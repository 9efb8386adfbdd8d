"""`sitegen serve`: live preview that rebuilds on save, reloads the browser, survives bad saves."""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import socket
import subprocess
import sys
import time
from datetime import date

import pytest
from tornado.websocket import websocket_connect

from conftest import ROOT, fixture_project
from generator.serve.preview import Preview


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
def server(tmp_path):
    project = fixture_project(tmp_path / "site", "basic")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(project.root), "serve", "--port", str(port),
         "--now", "2024-06-15"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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


def test_save_rebuilds_and_reloads_the_browser(server):
    project, port, _ = server
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


def test_a_bad_save_shows_the_error_and_the_next_good_save_recovers(server):
    project, port, process = server
    source = project.content / "events" / "workshop.md"
    good = source.read_text()
    source.write_text(good.replace("when: 2024-09-19/2024-09-21", "when: next autumn"))
    status, page = wait_for(lambda: (lambda r: r if r[0] == 500 else None)(get(port, "/en/events/workshop/")))
    assert "content/events/workshop.md:6: when: &#x27;next autumn&#x27; is not a date" in page
    assert "livereload.js" in page  # so the browser reloads by itself once fixed
    assert process.poll() is None  # still serving
    assert get(port, "/robots.txt")[0] == 200  # files other than pages are still served
    source.write_text(good)
    wait_for(lambda: get(port, "/en/events/workshop/")[0] == 200)


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


def test_a_long_preview_session_frees_each_rebuilds_garbage(tmp_path, monkeypatch):
    """Rebuilds freeze what survives them (gc.freeze); the cycles a rebuild leaves behind (its
    Jinja2 environments) must still be collected once the frozen set has grown enough."""
    import gc
    import weakref
    import jinja2
    from generator.serve import preview as serve

    made = []
    real_init = jinja2.Environment.__init__

    def tracked_init(env, *args, **kwargs):
        real_init(env, *args, **kwargs)
        made.append(weakref.ref(env))

    monkeypatch.setattr(jinja2.Environment, "__init__", tracked_init)
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


@pytest.mark.parametrize("notified", [True, False], ids=["notified", "polled"])
def test_the_watcher_reports_each_settled_batch_of_saves(tmp_path, monkeypatch, notified):
    """Told by the OS, or polling where the OS cannot tell: saves (an atomic replace of site.toml
    too) reach the rebuild as one batch naming the files; dot-files (editors' swap files) do not."""
    import os
    import threading

    import watchfiles

    from generator.serve.preview import Watcher
    if not notified:
        monkeypatch.setattr(watchfiles, "watch", lambda *args, **kwargs: (_ for _ in ()).throw(OSError("no inotify")))
    content, settings = tmp_path / "content", tmp_path / "site.toml"
    (content / "events").mkdir(parents=True)
    settings.write_text("a")
    batches, seen = [], threading.Event()
    watcher = Watcher([content, settings], lambda changed: (batches.append(set(changed)), seen.set()))
    watcher.start(None)
    try:
        (content / "events" / ".excom.md.swp").write_text("swap")
        for n in range(3):  # a burst of saves: one batch
            (content / "events" / "excom.md").write_text(f"save {n}")
        assert seen.wait(5)
        time.sleep(0.3)
        assert batches == [{content / "events" / "excom.md"}]
        seen.clear()
        replacement = tmp_path / "site.toml.new"
        replacement.write_text("b")
        os.replace(replacement, settings)  # how many editors save
        assert seen.wait(5)
        assert batches[-1] == {settings}
    finally:
        watcher.stop()
