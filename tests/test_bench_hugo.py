"""bench/hugo.py: the benchmark's corpus made a Hugo site that Hugo builds into the pages and feeds we make."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest

from conftest import ROOT
from generator.content.when import parse_when

sys.path.insert(0, str(ROOT / "bench"))

from corpus import LANGS, write_corpus  # noqa: E402
from hugo import front_matter, hugo_command, read, versions, write_hugo_site  # noqa: E402

NOW = date(2024, 6, 15)
"""bench/run.py's build date: the end of the feeds' window."""


@pytest.mark.unit
@pytest.mark.parametrize("when, start, end, exact, months", [
    ("2024-09-19", "2024-09-19", "20240920", True, ["2024-09"]),
    ("2024-09-30/2024-10-02", "2024-09-30", "20241003", True, ["2024-09", "2024-10"]),
    ("2024-10", "2024-10-01", "20241101", False, ["2024-10"]),
    ("2024-11/2025-01", "2024-11-01", "20250201", False, ["2024-11", "2024-12", "2025-01"]),
    ("2024-Q3", "2024-07-01", "20241001", False, ["2024-07", "2024-08", "2024-09"]),
    (2024, "2024-01-01", "20250101", False, [f"2024-{m:02d}" for m in range(1, 13)]),
])
def test_a_when_becomes_the_start_day_and_a_period_for_the_calendar(when, start, end, exact, months):
    meta = front_matter({"title": "T", "summary": "S", "when": when, "category": "research", "regions": ["africa"]},
                        Path("content/events/e.md"))
    assert meta["date"] == start
    assert meta["params"]["dtstart"] == start.replace("-", "") and meta["params"]["dtend"] == end
    assert meta["months"] == months and meta["years"] == sorted({m[:4] for m in months})
    assert meta["categories"] == ["research"] and meta["regions"] == ["africa"]
    assert meta["params"]["exact"] is exact


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """12 synthetic events in our four languages, converted, and built by Hugo cold."""
    tmp = tmp_path_factory.mktemp("hugo")
    corpus, site = tmp / "corpus", tmp / "site"
    write_corpus(corpus, 12, LANGS, seed=1)
    write_hugo_site(corpus, site, NOW)
    result = subprocess.run(hugo_command(site, tmp / "public", tmp / "cache"), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr  # no warnings: nothing deprecated, nothing fetched
    return corpus, tmp / "public"


def events(corpus: Path) -> list[Path]:
    return sorted(p for p in (corpus / "content" / "events").glob("*.md") if p.name.count(".") == 1)


@pytest.mark.unit
def test_every_item_has_a_page_in_every_language_with_its_own_or_the_original_text(built):
    corpus, public = built
    untranslated = 0
    for original in events(corpus):
        for lang in LANGS:
            translation = original.with_name(f"{original.stem}.{lang}.md")
            source = translation if lang != "en" and translation.exists() else original
            untranslated += source == original and lang != "en"
            page = (public / lang / "events" / original.stem / "index.html").read_text(encoding="utf-8")
            assert f"<h1>{read(source)[0]['title']}</h1>" in page
            assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in page
    assert untranslated, "the corpus should have untranslated items to show the fallback"


@pytest.mark.unit
def test_a_translation_takes_category_regions_and_program_from_its_original(built):
    corpus, public = built
    for original in events(corpus):
        meta = read(original)[0]
        for lang in LANGS:
            page = (public / lang / "events" / original.stem / "index.html").read_text(encoding="utf-8")
            assert f'href="/{lang}/categories/{meta["category"]}/"' in page
            for region in meta["regions"]:
                assert f'href="/{lang}/regions/{region}/"' in page
            if "program" in meta:
                program = public / lang / "programs" / meta["program"] / "index.html"
                assert f'href="/{lang}/events/{original.stem}/"' in program.read_text(encoding="utf-8")
    assert any("program" in read(p)[0] for p in events(corpus)), "the corpus should have events in programs"


def vevents(path: Path) -> list:
    return icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")


@pytest.mark.unit
def test_each_event_has_its_calendar_file_over_the_whole_period_with_its_text(built):
    corpus, public = built
    for original in events(corpus):
        meta, body = read(original)
        when = parse_when(meta["when"])
        [vevent] = vevents(public / "en" / "events" / original.stem / "index.ics")
        assert vevent.decoded("DTSTART") == when.start and vevent.decoded("DTEND") == when.end + timedelta(days=1)
        assert (vevent.get("STATUS") == "TENTATIVE") == (not when.precision.exact)
        assert str(vevent["SUMMARY"]) == meta["title"]
        # The whole text in the event's own file; commas and semicolons escaped.
        assert str(vevent["DESCRIPTION"]).startswith(body.split(" ", 3)[0])
        assert str(vevent["DESCRIPTION"]).endswith(f"https://calendar.we-gov.org/en/events/{original.stem}/")


@pytest.mark.unit
def test_the_feeds_carry_the_summary_and_the_address(built):
    corpus, public = built
    originals = sorted(p for p in (corpus / "content").rglob("*.md") if p.name.count(".") == 1)
    for lang in LANGS:
        summaries = {p.stem: versions(p, LANGS)[lang][0]["summary"] for p in originals}
        whole = vevents(public / lang / "index.ics")
        assert whole
        # The summary in the language and the page's address, not the body.
        for vevent in whole:
            summary, address = str(vevent["DESCRIPTION"]).split("\n\n")
            assert summary == summaries[str(vevent["UID"]).split(f"-{lang}@")[0]]
            assert address == str(vevent["URL"])



@pytest.mark.unit
def test_lists_paginate_at_our_page_size_and_taxonomies_have_their_pages(built):
    corpus, public = built
    for lang in LANGS:
        events_list = (public / lang / "events" / "index.html").read_text(encoding="utf-8")
        assert events_list.count(f'<li><a href="/{lang}/events/event-') == len(events(corpus))
        assert (public / lang / "categories" / "index.html").is_file()
        assert (public / lang / "regions" / "index.html").is_file()
        assert (public / lang / "index.xml").is_file() and (public / lang / "sitemap.xml").is_file()
    first = parse_when(read(events(corpus)[0])[0]["when"])
    month = public / "es" / "months" / f"{first.start:%Y-%m}" / "index.html"
    assert f"/es/events/{events(corpus)[0].stem}/" in month.read_text(encoding="utf-8")
    # A month has a page but no feed, as in ours: Hugo spends no time on one.
    assert not month.with_name("index.ics").exists()


def uids(feed: Path) -> list[str]:
    """The items a feed holds, by id (ours name them `id@domain`, Hugo's `id-lang@domain`)."""
    return sorted(re.sub(r"(-[a-z]{2})?@.*", "", str(v["UID"])) for v in vevents(feed))


@pytest.mark.slow
@pytest.mark.build
def test_hugo_makes_the_feeds_we_make_holding_the_same_items(built, tmp_path):
    """Like for like: every feed of ours (the whole calendar and each category's and region's,
    windowed; each year's, program's and network's, complete; none empty) is one of Hugo's
    with the same items, and Hugo makes no other; each event's own file in every language."""
    corpus, public = built
    ours = tmp_path / "ours"
    subprocess.run([sys.executable, "-m", "generator", "--root", str(corpus), "build", "--now", NOW.isoformat(),
                    "--no-search", "--no-brochure", "--out", str(ours)], check=True, capture_output=True)
    theirs = {}
    for feed in sorted(ours.rglob("calendar.ics")):
        path = feed.relative_to(ours).as_posix()
        year = re.fullmatch(r"([a-z]{2})/(\d{4})/calendar.ics", path)
        theirs[path] = f"{year[1]}/years/{year[2]}/index.ics" if year else path.replace("calendar.ics", "index.ics")
        assert (public / theirs[path]).is_file(), f"Hugo has no {theirs[path]} for our {path}"
        assert uids(public / theirs[path]) == uids(feed), path
    hugo_feeds = {p.relative_to(public).as_posix() for p in public.rglob("index.ics") if "/events/" not in p.as_posix()}
    assert hugo_feeds == set(theirs.values())
    assert {"en/calendar.ics", "en/2024/calendar.ics"} <= theirs.keys()
    assert any("/programs/" in path for path in theirs) and any("/regions/" in path for path in theirs)
    assert len(list(public.glob("*/events/*/index.ics"))) == len(list(ours.glob("*/events/*/event.ics")))
