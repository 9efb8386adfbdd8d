"""Hostile content: what an editor could put in content/ never becomes markup, script, a feed
property, an address outside http(s)/mailto, a path outside the output folder, or a hang.

Each test is named in docs/security.md next to the threat it covers."""

from __future__ import annotations

import ast
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tracemalloc
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from icalendar import Calendar

from conftest import BUILD_DAY, ROOT, SITES, fixture_project
from generator.build import Options, build, load_project
from generator.cli import main
from generator.errors import BuildFailed
from generator.content.fields import Invalid, check_id, check_url
from generator.content.markdown import render_markdown
from generator.outputs import Artifact
from generator.outputs.atom import render_atom
from generator.outputs.data import render_data
from generator.outputs.html import Renderer
from generator.outputs.calendar.ics import render_feeds
from generator.content.sources import MAX_FILE_BYTES
from generator.publish.write import write_artifacts

pytestmark = [pytest.mark.build, pytest.mark.slow]

SAFE_SCHEMES = ("", "http", "https", "mailto", "tel", "webcal")
"""What a link or source in a published page may start with ('' is a path on the site)."""
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data", "xlink:href", "srcset")


def with_hostile_content(dest: Path):
    """The basic fixture site plus the files of tests/sites/hostile/content/."""
    project = fixture_project(dest, "basic")
    shutil.copytree(SITES / "hostile" / "content", project.content, dirs_exist_ok=True)
    return project


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile fixture, built (without PDFs or search index, which it does not exercise)."""
    base = tmp_path_factory.mktemp("hostile")
    project = with_hostile_content(base / "site")
    out = base / "public"
    build(project, Options(out=out, today=BUILD_DAY, brochure=False, search=False))
    return project, out


def hostile_yaml(name: str, folder: str = "events") -> dict:
    """A hostile fixture file's front matter as written, to compare with what the site shows."""
    text = (SITES / "hostile" / "content" / folder / name).read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of every <script> element.

    Script content ends at the first '</script', exactly as in a browser, so a
    field that could close the element shows up here as extra elements."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: list[str] | None = None
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = []

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        (self._script if self._script is not None else self.text).append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self.tags[-1][1] if self.tags else {}, "".join(self._script)))
            self._script = None


def markup_problems(html: str) -> list[str]:
    """What would let a page run script or load something other than the site and http(s) links."""
    found = []
    for tag, attrs in Elements(html).tags:
        if tag in ("style", "iframe", "object", "embed", "frame", "base", "applet"):
            found.append(f"<{tag}> element")
        if tag == "script" and not (attrs.get("src") or attrs.get("type") == "application/ld+json"):
            found.append(f"inline <script {attrs}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...> event handler")
            if name == "style":
                found.append(f"<{tag} style=...> inline style")
            if name in URL_ATTRIBUTES and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme not in SAFE_SCHEMES and not value.startswith("data:image/"):
                    found.append(f"<{tag} {name}={value[:60]!r}>")
    return found


def html_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


# Content is data: raw HTML, hostile titles, summaries, details, locations, translations


def test_hostile_text_in_every_field_is_shown_as_text(hostile):
    _, out = hostile
    found = {p.relative_to(out).as_posix(): markup_problems(p.read_text(encoding="utf-8")) for p in html_files(out)}
    assert {page: problems for page, problems in found.items() if problems} == {}
    source = hostile_yaml("hostile.md")
    page = Elements((out / "en/events/hostile/index.html").read_text(encoding="utf-8"))
    shown = "".join(page.text)
    for text in (source["title"], source["summary"], source["location"], source["details"][0]["label"],
                 source["details"][0]["text"], source["details"][1]["items"][0], "Body <script>alert('body')</script>"):
        assert text in shown, text
    korean = "".join(Elements((out / "ko/events/hostile/index.html").read_text(encoding="utf-8")).text)
    for text in hostile_yaml("hostile.ko.md")["title"], "<script>alert('ko-body')</script>":
        assert text in korean, text


def test_json_ld_cannot_be_closed_by_a_title(hostile):
    _, out = hostile
    page = Elements((out / "en/events/hostile/index.html").read_text(encoding="utf-8"))
    blocks = [text for attrs, text in page.scripts if attrs.get("type") == "application/ld+json"]
    assert len(blocks) == 1
    assert "<" not in blocks[0]  # written as \u003c: nothing can end the element early
    data = json.loads(blocks[0])
    assert data["name"] == hostile_yaml("hostile.md")["title"]  # "</script><script>alert('title')</script> ..."
    assert data["location"]["name"] == hostile_yaml("hostile.md")["location"]


@pytest.mark.parametrize("page, source", [("programs/hostile-series", ("hostile-series.md", "programs")),
                                          ("networks/hostile-net", ("hostile-net.md", "networks"))])
def test_program_and_network_json_ld_cannot_be_closed_by_their_words(hostile, page, source):
    _, out = hostile
    for lang in ("en", "ko"):
        parsed = Elements((out / lang / page / "index.html").read_text(encoding="utf-8"))
        blocks = [text for attrs, text in parsed.scripts if attrs.get("type") == "application/ld+json"]
        assert len(blocks) == 1 and "<" not in blocks[0]
        data = json.loads(blocks[0])
        assert (data["name"], data["description"]) == (hostile_yaml(*source)["title"], hostile_yaml(*source)["summary"])
    series = json.loads([t for a, t in Elements((out / "en/programs/hostile-series/index.html").read_text(
        encoding="utf-8")).scripts if a.get("type") == "application/ld+json"][0])
    assert [e["name"] for e in series["subEvent"]] == [hostile_yaml("hostile-member.md")["title"]]


@pytest.mark.parametrize("markdown", [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x](java&#x09;script:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](file:///etc/passwd)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<style>body{display:none}</style>",
    '<div style="position:fixed">x</div>',
])
def test_markdown_never_makes_markup_or_a_dangerous_link(markdown):
    html = render_markdown(markdown)
    assert markup_problems(html) == [], html
    assert all(tag in ("p", "a", "img") for tag, _ in Elements(html).tags), html


def test_brochure_html_shows_hostile_text_as_text(tmp_path, capsys):
    project = with_hostile_content(tmp_path / "site")
    out = tmp_path / "brochure.html"
    code = main(["--root", str(project.root), "brochure", "--year", "2024", "--format", "html", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    html = out.read_text(encoding="utf-8")
    page = Elements(html)
    assert page.scripts == []
    assert [(tag, name) for tag, attrs in page.tags for name in attrs if name.startswith("on")] == []
    assert all(attrs.get("src", "data:").startswith("data:") for tag, attrs in page.tags if tag == "img")
    assert hostile_yaml("hostile.md")["title"] in "".join(page.text)


# URL fields: http(s) and mailto only, judged after the normalisation a browser applies


@pytest.mark.parametrize("value", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "java\nscript:alert(1)", "\x01javascript:alert(1)", "javascript\x00:alert(1)", "\u00a0javascript:alert(1)",
    "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>", "data:image/png;base64,AAAA",
    "file:///etc/passwd", "//evil.example", "/relative/path", "evil.example", "https:evil.example",
    "http:\\\\evil.example", "https://evil.example\\@good.example", "https://exa mple.org",
    "https://example.org/\u202egnp.exe", "https://exa\u200bmple.org", "https://example.org/\u2028x",
    "mailto:", "mailto:nobody", "ftp://example.org/", "", 42, None, ["https://example.org"],
])
def test_url_fields_refuse_everything_but_http_https_mailto(value):
    with pytest.raises(Invalid):
        check_url(value)


@pytest.mark.parametrize("value", [
    "https://example.org/", "HTTPS://EXAMPLE.ORG/Path?q=1#x", " https://example.org/a ", "http://example.org",
    "mailto:someone@example.org", "https://서울.example/행사",
])
def test_url_fields_accept_http_https_mailto(value):
    assert check_url(value) == value.strip()


def test_a_hostile_link_is_reported_with_file_line_and_field(basic, capsys):
    path = basic.content / "events" / "summit.md"
    path.write_text(path.read_text().replace("https://example.org/summit", '"  JaVaScRiPt:alert(1)"'))
    code = main(["--root", str(basic.root), "build", "--now", BUILD_DAY.isoformat(), "--no-brochure", "--no-search"])
    assert code == 1
    assert "content/events/summit.md:14: links: '  JaVaScRiPt:alert(1)' is not allowed" in capsys.readouterr().err


# Ids and file names: safe URL paths, nothing outside the output folder


@pytest.mark.parametrize("value", [
    "../../etc", "..", ".", "a/b", "a\\b", "/etc", "CON", "con", "nul", "com1", "lpt9", "aux", "prn",
    "서울", "café", "a b", "%2e%2e", "a%2fb", ".hidden", "-a", "a-", "a--b", "", "A", "a\x00b", "a" * 81,
    "a.html", "a?b", "a#b", 2024, None,
])
def test_crafted_ids_are_refused(value):
    with pytest.raises(Invalid):
        check_id(value, None)


@pytest.mark.parametrize("value", ["excom-2024", "con-2024", "a", "2024", "x" * 80])
def test_plain_ids_are_accepted(value):
    assert check_id(value, None) == value


def test_a_crafted_id_in_front_matter_is_reported(basic, capsys):
    path = basic.content / "events" / "ceremony.md"
    path.write_text(path.read_text().replace("title: Ceremony in October", "title: Ceremony in October\nid: ../../etc"))
    code = main(["--root", str(basic.root), "build", "--out", str(basic.root / "out"), "--now", BUILD_DAY.isoformat(),
                 "--no-brochure", "--no-search"])
    assert code == 1
    assert "content/events/ceremony.md:3: id: '../../etc' cannot be used in an address" in capsys.readouterr().err
    assert not (basic.root / "out").exists()


@pytest.mark.parametrize("name", ["Über.md", "a b.md", "con.md", "%2e%2e.md", "UPPER.md", "a%2fb.md"])
def test_a_file_name_that_is_not_an_id_is_refused(basic, capsys, name):
    shutil.copy(basic.content / "events" / "workshop.md", basic.content / "events" / name)
    code = main(["--root", str(basic.root), "build", "--out", str(basic.root / "out"), "--now", BUILD_DAY.isoformat(),
                 "--no-brochure", "--no-search"])
    assert code == 1
    assert f"content/events/{name}:1: id: (from the file name) " in capsys.readouterr().err
    assert not (basic.root / "out").exists()


@pytest.mark.parametrize("path", ["../escape.html", "/tmp/escape.html", "en/../../escape.html", "en\\..\\x.html",
                                  "", ".", "en/../..", "..\\x", "en//x.html", "en/./x.html", "en/", "en/..",
                                  "./x.html"])
def test_the_writer_refuses_paths_outside_the_output_folder(tmp_path, path):
    (tmp_path / "work").mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(BuildFailed, match="refused to write outside the output folder"):
        write_artifacts(tmp_path / "work" / "public", [Artifact("en/index.html", b"ok"), Artifact(path, b"x")])
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert list((tmp_path / "work").iterdir()) == []  # neither the site nor its staging folder


@pytest.mark.parametrize("path", ["...", ".htaccess", "en/.well-known/x.txt", "en/a..b/index.html", "x..html"])
def test_the_writer_writes_names_with_dots_that_stay_inside(tmp_path, path):
    write_artifacts(tmp_path / "public", [Artifact(path, b"x")])
    assert (tmp_path / "public" / path).read_bytes() == b"x"


def test_a_hostile_build_writes_only_inside_its_output_folder(hostile):
    project, out = hostile
    assert sorted(p.name for p in out.parent.iterdir()) == ["public", "site"]
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))


@pytest.mark.parametrize("target, message", [
    ("/etc/passwd", "is a link to somewhere outside content/"),
    ("../../../outside.md", "is a link to somewhere outside content/"),
    ("missing.md", "is a link that leads nowhere"),
    ("linked.md", "is a link that leads nowhere"),  # the link itself: a loop
    ("../..", "is a link to somewhere outside content/"),
    (".", "is not a regular file"),  # a folder, even inside content/
])
def test_symlinks_in_content_that_lead_outside_or_nowhere_are_refused(basic, capsys, target, message):
    (basic.root.parent / "outside.md").write_text((basic.content / "events" / "workshop.md").read_text())
    (basic.content / "events" / "linked.md").symlink_to(target)
    code = main(["--root", str(basic.root), "build", "--out", str(basic.root / "out"), "--now", BUILD_DAY.isoformat(),
                 "--no-brochure", "--no-search"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"content/events/linked.md: {message}" in err, err
    assert "Traceback" not in err
    assert not (basic.root / "out").exists()


# Limits: refused with a clear error, in bounded time and memory


def _bomb() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
              f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]" for i in range(8)]
    return "\n".join(lines)


LIMITS = {
    "billion laughs": (_bomb(), "anchors and aliases (& and *) are not allowed"),
    "one alias": ("title: &t Forum\nsummary: *t", "anchors and aliases (& and *) are not allowed"),
    "deep block nesting": ("".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "x: 1",
                           "too deeply nested or too large"),
    "deep flow nesting": ("title: " + "[" * 100_000, "not valid YAML"),
    "thousands of keys": ("\n".join(f"key{i}: {i}" for i in range(5000)), "too deeply nested or too large"),
    "a huge list": ("regions: [" + ", ".join(["global"] * 5000) + "]", "too deeply nested or too large"),
    "a huge value": ("title: " + "x" * 400_000, "title: is 400000 characters long"),
    "a range over centuries": ("when: 1900-01/2200-12", "when: '1900-01/2200-12' covers 301 calendar years"),
}


@pytest.mark.parametrize("case", LIMITS)
def test_hostile_front_matter_is_refused_quickly_with_a_clear_error(basic, case):
    header, message = LIMITS[case]
    (basic.content / "events" / "bomb.md").write_text(f"---\n{header}\n---\nBody\n")
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(BuildFailed) as failed:
        load_project(basic, Options(out=basic.root / "out", today=BUILD_DAY))
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert any(str(e).startswith("content/events/bomb.md:") and message in str(e) for e in failed.value.errors), \
        failed.value.errors
    assert seconds < 2, f"{seconds:.1f} s"  # a guard against hangs; the message above is the point
    assert peak < 200 * 1024 * 1024, f"{peak / 2**20:.0f} MiB"


@pytest.mark.parametrize("value, message", [
    ("!!python/object/apply:os.system ['touch /tmp/owned']", "YAML tags such as !!python/object/apply:os.system"),
    ("!!timestamp 2024-05-14", "YAML tags such as !!timestamp are not allowed"),
    ("!!binary aGk=", "YAML tags such as !!binary are not allowed"),
    ("!!int x", "this value cannot be read as the type its YAML tag asks for"),
    ("!!bool maybe", "this value cannot be read as the type its YAML tag asks for"),
])
def test_explicit_yaml_tags_are_refused_with_their_line(basic, value, message):
    path = basic.content / "events" / "forum.md"
    path.write_text(path.read_text().replace("location: Lisbon", f"location: {value}"))
    with pytest.raises(BuildFailed) as failed:
        load_project(basic, Options(out=basic.root / "out", today=BUILD_DAY))
    assert [str(e) for e in failed.value.errors if message in str(e)][0].startswith("content/events/forum.md:7: ")


def test_a_file_over_the_size_limit_is_refused_unread(basic):
    path = basic.content / "events" / "huge.md"
    path.write_bytes(b"---\ntitle: Huge\n---\n" + b"x" * MAX_FILE_BYTES)
    started = time.perf_counter()
    with pytest.raises(BuildFailed) as failed:
        load_project(basic, Options(out=basic.root / "out", today=BUILD_DAY))
    assert [str(e) for e in failed.value.errors] == [
        "content/events/huge.md: is larger than 512 KiB; split it or remove embedded data"]
    assert time.perf_counter() - started < 2


# Feeds: no text adds a property, a component or an entry


def plain(item):
    """The item with every text replaced by a harmless word: the shape its feeds must keep."""
    def words(text):
        details = tuple(replace(d, label="Label", text="Text" if d.text else None, items=("Item",) * len(d.items))
                        for d in text.details)
        return replace(text, title="Title", summary="Summary", location="Place" if text.location else None,
                       details=details, body="Body")
    return replace(item, texts=tuple(words(t) for t in item.texts))


def feed_outputs(site, project, catalogs) -> dict[str, bytes]:
    renderer = Renderer(site, project.layouts, catalogs, {}, BUILD_DAY)
    artifacts = (render_feeds(site, renderer.formatters, renderer.today).all() + render_atom(site, renderer.formatters, renderer.urls)
                 + render_data(site, renderer.formatters, renderer.urls))
    return {a.path: a.data for a in artifacts}


def shape(path: str, data: bytes):
    """What a reader of the file sees as structure: components and property names, elements, keys."""
    if path.endswith(".ics"):
        return [(c.name, sorted(c.keys())) for c in Calendar.from_ical(data).walk()]
    if path.endswith(".xml"):
        return [element.tag for element in ET.fromstring(data).iter()]

    def keys(value):
        if isinstance(value, dict):
            return {k: keys(v) for k, v in value.items()}
        return [keys(v) for v in value] if isinstance(value, list) else type(value).__name__
    return keys(json.loads(data))


def test_no_text_can_add_a_property_or_component_to_a_feed(hostile):
    project, _ = hostile
    loaded = load_project(project, Options(out=project.root / "out", today=BUILD_DAY))
    clean = replace(loaded.site, items=tuple(plain(i) for i in loaded.site.items))
    ours, theirs = feed_outputs(loaded.site, project, loaded.catalogs), feed_outputs(clean, project, loaded.catalogs)
    assert ours.keys() == theirs.keys()
    assert any(path.endswith("feed-injection/event.ics") for path in ours)
    for path in ours:
        assert shape(path, ours[path]) == shape(path, theirs[path]), path
    event = Calendar.from_ical(ours["en/events/feed-injection/event.ics"]).walk("VEVENT")
    assert len(event) == 1
    assert str(event[0]["SUMMARY"]) == hostile_yaml("feed-injection.md")["title"]  # kept whole, as text


def test_a_hostile_feed_parses_to_one_event_in_ical_js(hostile):
    from checkers import ToolMissing, parse_ics_with_icaljs
    _, out = hostile
    try:
        parsed = parse_ics_with_icaljs(out / "en/events/feed-injection/event.ics")
    except ToolMissing as missing:
        pytest.skip(str(missing))
    assert parsed["vevent_count"] == 1
    assert parsed["events"][0]["uid"] == "feed-injection@we-gov.org"
    assert parsed["events"][0]["summary"] == hostile_yaml("feed-injection.md")["title"]


@pytest.mark.parametrize("text", ["Line\x85END:VEVENT", "Line\u2028END:VEVENT", "Line\u2029X", "Line\rX", "a\x1bb"])
def test_text_fields_refuse_control_characters_and_line_separators(basic, capsys, text):
    path = basic.content / "events" / "forum.md"
    path.write_text(path.read_text().replace("title: Cancelled forum", f"title: {json.dumps(text)}"))
    code = main(["--root", str(basic.root), "build", "--out", str(basic.root / "out"), "--now", BUILD_DAY.isoformat(),
                 "--no-brochure", "--no-search"])
    assert code == 1
    assert "content/events/forum.md:2: title: contains control characters" in capsys.readouterr().err



@pytest.mark.parametrize("key", ["\x85", "\u2028", "\x1b[2J", " title", "a\tb"])
def test_a_field_name_that_a_terminal_would_not_show_is_reported_escaped_on_one_line(basic, capsys, key):
    """An unknown key is named in the error as it was typed: a line break (NEL) or a terminal's
    escape sequence in it neither splits the error nor acts on the editor's terminal."""
    path = basic.content / "events" / "forum.md"
    path.write_text(path.read_text().replace("title: Cancelled forum", f"title: Cancelled forum\n{json.dumps(key)}: x", 1))
    code = main(["--root", str(basic.root), "build", "--out", str(basic.root / "out"), "--now", BUILD_DAY.isoformat(),
                 "--no-brochure", "--no-search"])
    err = capsys.readouterr().err
    assert code == 1
    [line] = [line for line in err.splitlines() if "is not a field" in line]
    assert line.startswith(f"content/events/forum.md:3: {key!r}: is not a field of an event")
    assert line.isprintable() and "\x1b" not in err


# The preview server: this machine only, nothing outside the site, steady under load


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """`sitegen serve` on the basic fixture, started as an editor would: no --host."""
    folder = tmp_path_factory.mktemp("preview")
    project = fixture_project(folder / "site", "basic")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (folder / "serve.log").open("w")  # a file, not a pipe: a full pipe would stall the server
    process = subprocess.Popen([sys.executable, "-m", "generator", "--root", str(project.root), "serve",
                                "--port", str(port), "--now", BUILD_DAY.isoformat()],
                               cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if http_get(port, "/en/")[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    try:
        yield port, process, folder / "serve.log"
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def http_get(port: int, path: str, timeout: float = 10) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)  # sent as written: no client-side clean-up of '..'
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def listening_addresses(pid: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp*) of every TCP socket the process listens on."""
    sockets = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            sockets.add(link[8:-1])
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if Path(table).exists():
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in sockets:  # 0A: LISTEN
                    found.append(fields[1].split(":")[0])
    return found


def test_the_preview_listens_on_this_machine_only_by_default(preview):
    _, process, _ = preview
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux's /proc/net/tcp to see what a process listens on")
    addresses = listening_addresses(process.pid)
    assert addresses, "the preview listens on nothing"
    assert set(addresses) <= {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1


@pytest.mark.parametrize("path", [
    "/../site.toml", "/%2e%2e/site.toml", "/%252e%252e/site.toml", "/%2e%2e%2fsite.toml", "/..%2f..%2fsite.toml",
    "/en/%2e%2e/%2e%2e/site.toml", "/en/..%5c..%5csite.toml", "/.%2e/content/events/summit.md",
    "//etc/passwd", "/%2fetc%2fpasswd", "/..;/site.toml", "/%c0%ae%c0%ae/site.toml", "/assets/../../site.toml",
    "/content/events/summit.md", "/.cache/", "/%00/site.toml",
])
def test_the_preview_serves_nothing_outside_the_site(preview, path):
    port, _, _ = preview
    status, body = http_get(port, path)
    assert status in (400, 404), status
    assert b"base_url" not in body and b"root:" not in body and b"Summit on a known day" not in body


def test_the_preview_answers_200_concurrent_requests(preview):
    port, process, log = preview
    paths = ["/en/", "/ko/", "/en/events/summit/", "/en/2024/", "/en/calendar.ics", "/sitemap.xml",
             "/en/events/workshop/", "/en/programs/prize/"]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=200) as pool:
        results = list(pool.map(lambda n: http_get(port, paths[n % len(paths)], timeout=30)[0], range(200)))
    seconds = time.perf_counter() - started
    assert results == [200] * 200
    assert seconds < 30, f"{seconds:.1f} s"
    assert process.poll() is None
    assert http_get(port, "/en/")[0] == 200  # still serving
    errors = [line for line in log.read_text().splitlines() if line.startswith("[E ") or "Traceback" in line]
    assert errors == []  # nor any request before this one


@pytest.mark.browser
def test_the_preview_reloads_under_the_pages_content_security_policy(preview):
    """livereload writes its script inline, which the pages' policy refuses: the preview loads it from a file."""
    from checkers import browser
    port, _, _ = preview
    with browser() as chromium:
        page = chromium.new_page()
        refused = []
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(f"http://127.0.0.1:{port}/en/about/", wait_until="load")
        page.wait_for_function("window.LiveReload && window.LiveReload.connector._isSocketConnected()",
                               timeout=10_000)
        page.close()
    assert refused == []


# docs/security.md: every defence it lists names a test that exists


def test_every_defence_in_docs_security_names_a_real_test():
    named = re.findall(r"tests/(test_\w+\.py)::(test_\w+)", (ROOT / "docs" / "security.md").read_text())
    assert len(named) >= 40
    defined = {}
    for module in {m for m, _ in named}:
        tree = ast.parse((ROOT / "tests" / module).read_text())
        defined[module] = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert [f"{m}::{t}" for m, t in named if t not in defined[m]] == []
