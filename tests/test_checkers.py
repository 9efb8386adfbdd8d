"""Quick tests proving the third-party checkers in tests/checkers.py really work."""

from __future__ import annotations

import re
import struct
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import checkers  # noqa: E402

pytestmark = [pytest.mark.build, pytest.mark.browser, pytest.mark.slow]

VALID_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Clean page</title>
</head>
<body>
<main>
<h1>Calendar</h1>
<p>An event on <time datetime="2025-03-01">1 March</time>.</p>
</main>
</body>
</html>
"""

INVALID_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
</head>
<body>
<span><div>block in inline</div></span>
</body>
</html>
"""

IMG_WITHOUT_ALT_HTML = VALID_HTML.replace("</h1>", '</h1>\n<img src="photo.png" width="10" height="10">')

VALID_ICS = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//WeGO//test//EN\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:event-1@example.org\r\n"
    "DTSTAMP:20250101T000000Z\r\n"
    "DTSTART;TZID=Asia/Seoul:20250301T100000\r\n"
    "DTEND;TZID=Asia/Seoul:20250301T120000\r\n"
    "SUMMARY:Smart City Forum\r\n"
    "STATUS:CONFIRMED\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_vnu_passes_valid_and_reports_invalid_with_line_numbers(tmp_path):
    good = tmp_path / "good.html"
    bad = tmp_path / "bad.html"
    good.write_text(VALID_HTML, encoding="utf-8")
    bad.write_text(INVALID_HTML, encoding="utf-8")

    errors = checkers.validate_html([good, bad])  # one vnu invocation for both files

    assert not [e for e in errors if e.startswith(f"{good}:")], errors
    assert errors and all(e.startswith(f"{bad}:") for e in errors), errors
    assert all(re.match(r".+:\d+:\d+: \S", e) for e in errors), errors
    assert any(re.search(r":7:\d+: .*div.*span", e) for e in errors), errors
    assert any("title" in e for e in errors), errors


def test_vnu_batches_long_argument_lists(tmp_path, monkeypatch):
    files = []
    for i in range(3):
        files.append(tmp_path / f"page{i}.html")
        files[-1].write_text(INVALID_HTML if i == 2 else VALID_HTML, encoding="utf-8")
    monkeypatch.setattr(checkers, "MAX_ARGS_CHARS", 2 * (len(str(files[0])) + 1))  # two paths per batch
    assert len(list(checkers._batches(files))) == 2

    errors = checkers.validate_html(files)

    assert errors and all(e.startswith(f"{files[2]}:") for e in errors), errors


@pytest.fixture(scope="module")
def chromium():
    with checkers.browser() as b:
        yield b


@pytest.fixture
def site(tmp_path):
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / "index.html").write_text(VALID_HTML, encoding="utf-8")
    (tmp_path / "noalt").mkdir()
    (tmp_path / "noalt" / "index.html").write_text(IMG_WITHOUT_ALT_HTML, encoding="utf-8")
    with checkers.serve(tmp_path) as base_url:
        yield base_url


def test_axe_clean_page_has_no_violations(chromium, site):
    page = chromium.new_page()
    page.goto(f"{site}/clean/")  # /dir/ is served as /dir/index.html
    assert page.title() == "Clean page"
    assert checkers.run_axe(page) == []
    page.close()


def test_axe_finds_img_without_alt(chromium, site):
    page = chromium.new_page()
    page.goto(f"{site}/noalt/")
    violations = checkers.run_axe(page)
    page.close()
    image_alt = [v for v in violations if v["id"] == "image-alt"]
    assert image_alt, violations
    assert image_alt[0]["impact"] == "critical"
    assert image_alt[0]["help"]
    assert image_alt[0]["targets"] == [["img"]]


def test_screenshot_has_requested_width(chromium, site, tmp_path):
    out = checkers.screenshot(f"{site}/clean/", tmp_path / "shots" / "clean-360.png", 360, using=chromium)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == 360 and height >= 100


def test_icaljs_parses_minimal_calendar(tmp_path):
    ics = tmp_path / "cal.ics"
    ics.write_bytes(VALID_ICS.encode("utf-8"))
    parsed = checkers.parse_ics_with_icaljs(ics)
    assert parsed["vevent_count"] == 1
    event = parsed["events"][0]
    assert event["uid"] == "event-1@example.org"
    assert event["summary"] == "Smart City Forum"
    assert event["dtstart"] == "2025-03-01T10:00:00"
    assert event["dtstart_tzid"] == "Asia/Seoul"
    assert event["dtend"] == "2025-03-01T12:00:00"
    assert event["status"] == "CONFIRMED"


@pytest.mark.parametrize(
    "text",
    ["this is not a calendar\n", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n", ""],
    ids=["garbage", "unterminated", "empty"],
)
def test_icaljs_raises_on_garbage(tmp_path, text):
    ics = tmp_path / "bad.ics"
    ics.write_text(text, encoding="utf-8")
    with pytest.raises(checkers.ICSParseError):
        checkers.parse_ics_with_icaljs(ics)
