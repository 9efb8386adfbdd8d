"""The calendar's second year, as a new editor grows it: issue 17's whole path in one test.

A three-day hybrid conference in Berlin (a city site.toml does not list) with daily hours and
a photo beside its file, added with `sitegen new` and one edit; then `sitegen check`,
`sitegen build` (brochures and search included) and the preview all succeed, and what
visitors and subscribers get is right.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar
from PIL import Image

from checkers import parse_ics_with_icaljs
from conftest import copy_project
from generator.build import Project
from generator.cli import main
from generator.serve.preview import Preview

pytestmark = [pytest.mark.build, pytest.mark.slow]

NOW = "2025-03-01"


def photo() -> bytes:
    """A 2,400 x 1,600 camera JPEG: a gradient, so that it compresses like a photograph."""
    image = Image.linear_gradient("L").resize((2400, 1600)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> tuple[Project, Path, int]:
    project = copy_project(tmp_path_factory.mktemp("second-year"))
    root = str(project.root)
    assert main(["--root", root, "new", "event", "Smart City Expo Berlin", "--when", "2025-06-10/2025-06-12",
                 "--time", "09:00-17:00", "--timezone", "Europe/Berlin", "--city", "Berlin", "--country", "DE",
                 "--format", "hybrid", "--category", "networking", "--region", "europe-mediterranean",
                 "--summary", "Three days of talks and visits on smart cities in Berlin."]) == 0
    source = project.content / "events" / "smart-city-expo-berlin.md"
    original = photo()
    (project.content / "events" / "images").mkdir()
    (project.content / "events" / "images" / "berlin-hall.jpg").write_bytes(original)
    # The one edit: the photo, written as any Markdown preview shows it.
    source.write_text(source.read_text() + "\n![Delegates in the main hall](images/berlin-hall.jpg)\n")
    assert main(["--root", root, "check", "--now", NOW]) == 0
    out = project.root / "public"
    assert main(["--root", root, "build", "--out", str(out), "--now", NOW]) == 0
    return project, out, len(original)


def test_the_feed_holds_three_days_from_nine_to_five_berlin_time(grown):
    _project, out, _size = grown
    path = out / "en" / "events" / "smart-city-expo-berlin" / "event.ics"
    [event] = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert event["RRULE"]["FREQ"] == ["DAILY"] and event["RRULE"]["COUNT"] == [3]
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTSTART").isoformat() == "2025-06-10T09:00:00+02:00"
    [parsed] = parse_ics_with_icaljs(path)["events"]
    assert parsed["occurrences"] == [[f"2025-06-{day}T07:00:00.000Z", f"2025-06-{day}T15:00:00.000Z"]
                                     for day in (10, 11, 12)]


def test_the_page_shows_the_photo_sized_and_smaller_than_the_original(grown):
    _project, out, size = grown
    page = (out / "en" / "events" / "smart-city-expo-berlin" / "index.html").read_text()
    img = re.search(r"<img [^>]*alt=\"Delegates in the main hall\"[^>]*>", page).group(0)
    assert re.search(r'width="\d+"', img) and re.search(r'height="\d+"', img)
    sources = re.findall(r'srcset="([^"]+)"', page)
    assert sources and all("w" in s for s in sources)
    files = [out / url.strip().split(" ")[0].removeprefix("/") for s in sources for url in s.split(",")]
    assert files and all(f.exists() and f.stat().st_size < size for f in files)
    # The city needed no coordinates in site.toml: it is on the year's map.
    assert "place-berlin" in (out / "en" / "2025" / "index.html").read_text()


def test_the_year_has_its_brochure_and_search_finds_the_conference(grown):
    _project, out, _size = grown
    assert (out / "en" / "brochure" / "wego-calendar-2025-en.pdf").read_bytes().startswith(b"%PDF")
    assert "wego-calendar-2025-en.pdf" in (out / "en" / "2025" / "index.html").read_text()
    assert any((out / "pagefind").glob("pagefind-entry.json"))
    data = json.loads((out / "en" / "events.json").read_text())
    assert any(i["id"] == "smart-city-expo-berlin" for i in data["items"])


def test_the_preview_builds_it_too(grown, tmp_path):
    project, _out, _size = grown
    preview = Preview(project, tmp_path / "preview", date.fromisoformat(NOW), drafts=False)
    outcome = preview.rebuild()
    assert not outcome.errors
    assert (tmp_path / "preview" / "en" / "events" / "smart-city-expo-berlin" / "index.html").exists()
