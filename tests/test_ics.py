"""iCalendar feeds: every feed of the real site parsed back by icalendar and by
ical.js (Thunderbird's parser); dates at each precision of `when` from the
fixture site tests/sites/feeds; UIDs that never change and SEQUENCE that grows
with each committed edit; text that stays inside its value; the pages' links.
"""

from __future__ import annotations

import gettext
import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from dateutil.rrule import rrulestr

from checkers import browser, parse_ics_with_icaljs, serve
from conftest import BUILD_DAY, SITES, copy_project
from htmltext import normalise, parse, visible_text
from generator.views import queries as views
from generator.build import Options, Project, build, load_project
from generator.config import Feeds
from generator.outputs.calendar.entries import in_calendars
from generator.outputs.calendar.feeds import window_start
from generator.i18n.formatting import Formatter
from generator.content.model import Site
from generator.outputs.calendar.ics import PRODID, render_feeds
from generator.outputs.urls import Urls

pytestmark = [pytest.mark.build, pytest.mark.slow]

REAL_BASE = "https://calendar.we-gov.org/"
FIXTURE_BASE = "https://example.org/calendar/"


def read_feeds(out: Path) -> dict[str, bytes]:
    """Every .ics of a built site by its path below the output folder."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.ics"))}


def vevents(data: bytes) -> list:
    return Calendar.from_ical(data).walk("VEVENT")


def by_uid(data: bytes) -> dict:
    return {str(e["UID"]): e for e in vevents(data)}


@pytest.fixture(scope="module")
def real_feeds(real_site) -> dict[str, bytes]:
    return read_feeds(real_site)


def feeds_fixture(dest: Path, undated: str = "span") -> Project:
    """tests/sites/feeds/content (every precision, status and awkward text) with the
    real site.toml, published below a folder to check that feed addresses keep it."""
    project = copy_project(dest, SITES / "feeds" / "content")
    toml = project.config_file.read_text()
    for old, new in ((f'base_url = "{REAL_BASE}"', f'base_url = "{FIXTURE_BASE}"'),
                     ('undated = "span"', f'undated = "{undated}"')):
        assert old in toml, old
        toml = toml.replace(old, new)
    project.config_file.write_text(toml)
    return project


@pytest.fixture(scope="module")
def feeds_project(tmp_path_factory) -> Project:
    return feeds_fixture(tmp_path_factory.mktemp("feeds") / "project")


def load(project: Project):
    return load_project(project, Options(out=project.root / "unused", today=BUILD_DAY))


def render(loaded) -> dict[str, bytes]:
    """The feeds stage alone: model in, .ics files out, nothing else of the build."""
    formatters = {lang.code: Formatter(lang.locale or lang.code, loaded.catalogs[lang.code])
                  for lang in loaded.config.languages}
    return {a.path: a.data for a in render_feeds(loaded.site, formatters, BUILD_DAY).all()}


@pytest.fixture(scope="module")
def feeds_model(feeds_project):
    return load(feeds_project)


@pytest.fixture(scope="module")
def fixture_feeds(feeds_model, feeds_project) -> dict[str, bytes]:
    """The fixture's feeds, also written out for ical.js (below feeds/)."""
    feeds = render(feeds_model)
    for path, data in feeds.items():
        (feeds_project.root / "feeds" / path).parent.mkdir(parents=True, exist_ok=True)
        (feeds_project.root / "feeds" / path).write_bytes(data)
    return feeds


QUICK = {"search": False, "brochure": False}
"""Builds of the fixture need neither the search index nor the PDFs."""


@pytest.fixture(scope="module")
def feeds_site(feeds_project) -> Path:
    """The fixture built whole, for its pages."""
    out = feeds_project.root.parent / "public"
    build(feeds_project, Options(out=out, today=BUILD_DAY, **QUICK))
    return out


# --- The real site: which feeds, and what every one of them carries ---------------------------

def test_every_feed_exists_at_its_guessable_path(real_feeds, real_model):
    site, config = real_model.site, real_model.config
    expected = set()
    for lang in config.language_codes:
        expected.add(f"{lang}/calendar.ics")
        expected |= {f"{lang}/regions/{r.key}/calendar.ics" for r in config.regions}
        expected |= {f"{lang}/categories/{c.key}/calendar.ics" for c in config.categories}
        # A program's or network's feed only when it holds an event (RFC 5545: at least one).
        expected |= {f"{lang}/{i.section}/{i.id}/calendar.ics" for i in site.items if i.kind != "event"
                     and any(in_calendars(m, config.feeds) for m in (i, *views.in_program(site, i.id)))}
        expected |= {f"{lang}/events/{i.id}/event.ics" for i in site.of_kind("event")
                     if in_calendars(i, config.feeds)}
        expected |= {f"{lang}/{year}/calendar.ics" for year in views.years(site)}
    assert set(real_feeds) == expected
    assert "en/events/excom-2024/event.ics" in real_feeds
    assert "en/regions/global/calendar.ics" in real_feeds
    assert "en/2024/calendar.ics" in real_feeds


CALENDAR_LEVEL = ("NAME", "X-WR-CALNAME", "DESCRIPTION", "X-WR-CALDESC", "REFRESH-INTERVAL",
                  "X-PUBLISHED-TTL", "SOURCE", "URL")
"""What describes a subscribed calendar, and so never an appointment's own file."""


def test_every_feed_carries_the_calendar_properties(real_feeds):
    subscriptions = {path: data for path, data in real_feeds.items() if not path.endswith("/event.ics")}
    assert len(subscriptions) > 40
    for path, data in subscriptions.items():
        calendar = Calendar.from_ical(data)
        address = REAL_BASE + path
        assert calendar["VERSION"] == "2.0", path
        assert calendar["PRODID"] == PRODID, path
        assert calendar["CALSCALE"] == "GREGORIAN", path
        for key in ("NAME", "X-WR-CALNAME", "DESCRIPTION", "X-WR-CALDESC"):
            assert str(calendar[key]).strip(), f"{path}: {key}"
        # icalendar reads X- properties unescaped: compare them as written
        assert calendar["NAME"].to_ical() == calendar["X-WR-CALNAME"].to_ical(), path
        assert calendar["DESCRIPTION"].to_ical() == calendar["X-WR-CALDESC"].to_ical(), path
        assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:P1D\r\n" in data, path
        assert b"\r\nX-PUBLISHED-TTL:P1D\r\n" in data, path
        assert (str(calendar["SOURCE"]), str(calendar["URL"])) == (address, address), path


def test_an_events_own_file_holds_one_appointment_and_no_calendar_properties(real_feeds):
    """MS-OXCICAL: with X-WR-CALNAME, Outlook opens a new calendar named after the event."""
    own = {path: data for path, data in real_feeds.items() if path.endswith("/event.ics")}
    assert len(own) > 20
    for path, data in own.items():
        calendar = Calendar.from_ical(data)
        assert [key for key in CALENDAR_LEVEL if key in calendar] == [], path
        assert not re.search(rb"\r\n(X-WR-|NAME|REFRESH-INTERVAL|SOURCE|X-PUBLISHED-TTL)", data.split(b"BEGIN:VEVENT")[0]), path
        assert (calendar["VERSION"], calendar["PRODID"], calendar["METHOD"]) == ("2.0", PRODID, "PUBLISH"), path
        assert len(vevents(data)) == 1, path


def test_prodid_names_no_library_version():
    assert not re.search(r"\d", PRODID) and "icalendar" not in PRODID.lower()


def test_every_event_carries_the_event_properties(real_feeds, real_model):
    items = real_model.site.by_id
    for path, data in real_feeds.items():
        lang = path.split("/")[0]
        for event in vevents(data):
            uid = str(event["UID"])
            item = items[uid.removesuffix("@we-gov.org")]
            page = f"{REAL_BASE}{lang}/{item.section}/{item.id}/"
            assert uid == f"{item.id}@we-gov.org"
            assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt == item.modified, uid
            assert event["SEQUENCE"] == item.revisions > 0, uid
            assert str(event["URL"]) == page
            assert str(event["DESCRIPTION"]).endswith("\n\n" + page), uid
            assert str(event["SUMMARY"]).startswith(item.text(lang).title), uid
            assert event["STATUS"] in ("CONFIRMED", "TENTATIVE", "CANCELLED"), uid
            assert event["CLASS"] == "PUBLIC" and event["CATEGORIES"].cats, uid
            assert "DTSTART" in event and event["TRANSP"] in ("OPAQUE", "TRANSPARENT"), uid


def test_lines_are_crlf_and_folded_at_75_octets_without_splitting_a_character(real_feeds, fixture_feeds):
    for path, data in {**real_feeds, **fixture_feeds}.items():
        assert data.endswith(b"\r\n"), path
        lines = data[:-2].split(b"\r\n")
        for n, line in enumerate(lines, 1):
            assert b"\n" not in line and b"\r" not in line, f"{path}:{n}: bare line break"
            assert len(line) <= 75, f"{path}:{n}: {len(line)} octets"
            line.decode("utf-8")  # a character cut in two by a fold would not decode


def test_uids_are_unique_per_feed_and_the_same_everywhere(real_feeds):
    seen: dict[str, tuple] = {}
    for path, data in real_feeds.items():
        uids = [str(e["UID"]) for e in vevents(data)]
        assert len(uids) == len(set(uids)), path
        for event in vevents(data):
            facts = (event["DTSTART"].to_ical(), event.get("DTEND") and event["DTEND"].to_ical(),
                     event["SEQUENCE"], event["DTSTAMP"].to_ical(), event["STATUS"])
            assert seen.setdefault(str(event["UID"]), facts) == facts, f"{path}: {event['UID']} differs"
    assert "excom-2024@we-gov.org" in seen


def test_each_feed_holds_exactly_its_items_in_date_order(real_feeds, real_model):
    site, config = real_model.site, real_model.config

    def uids(items) -> list[str]:
        return sorted(f"{i.id}@we-gov.org" for i in items if in_calendars(i, config.feeds))

    scopes = {"calendar.ics": site.items}
    scopes |= {f"regions/{r.key}/calendar.ics": views.in_region(site, r.key) for r in config.regions}
    scopes |= {f"categories/{c.key}/calendar.ics": views.in_category(site, c.key) for c in config.categories}
    scopes |= {f"{i.section}/{i.id}/calendar.ics": (i, *views.in_program(site, i.id))
               for i in site.items if i.kind != "event"}
    scopes |= {f"{year}/calendar.ics": views.in_year(site, year) for year in views.years(site)}
    for lang in config.language_codes:
        for path, items in scopes.items():
            if not uids(items):  # no file without an event
                assert f"{lang}/{path}" not in real_feeds, path
                continue
            events = vevents(real_feeds[f"{lang}/{path}"])
            assert sorted(str(e["UID"]) for e in events) == uids(items), path
            starts = [e["DTSTART"].dt for e in events]
            assert starts == sorted(starts), path
    africa = {str(e["UID"]) for e in vevents(real_feeds["en/regions/africa/calendar.ics"])}
    assert "afscn@we-gov.org" in africa and "excom-2024@we-gov.org" not in africa


def test_year_round_items_are_on_the_site_but_not_in_feeds(real_feeds, real_site):
    whole = by_uid(real_feeds["en/calendar.ics"])
    assert "activator@we-gov.org" not in whole
    page = (real_site / "en/programs/activator/index.html").read_text()
    # No dated activity: no feed (RFC 5545 wants at least one component), and no link to one.
    assert "en/programs/activator/calendar.ics" not in real_feeds
    assert "calendar.ics" not in page and 'id="subscribe"' not in page


def test_every_feed_parses_with_icaljs_like_with_icalendar(real_site, real_feeds):
    paths = [real_site / p for p in real_feeds]
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
        parsed = dict(zip(real_feeds, pool.map(parse_ics_with_icaljs, paths)))
    for path, result in parsed.items():
        events = vevents(real_feeds[path])
        assert result["vevent_count"] == len(events), path
        assert [e["uid"] for e in result["events"]] == [str(e["UID"]) for e in events], path
        assert [e["summary"] for e in result["events"]] == [str(e["SUMMARY"]) for e in events], path


def test_two_builds_are_byte_identical(feeds_site, feeds_project, tmp_path):
    # The second build reuses the first one's caches: it may not change a byte of a feed.
    build(feeds_project, Options(out=tmp_path / "again", today=BUILD_DAY, **QUICK))
    first, second = read_feeds(feeds_site), read_feeds(tmp_path / "again")
    assert len(first) > 100 and first == second
    # On another day only the windowed feeds (whole calendar, regions, areas) may change.
    build(feeds_project, Options(out=tmp_path / "later", today=date(2030, 1, 1), **QUICK))
    later = read_feeds(tmp_path / "later")
    complete = {path: data for path, data in first.items() if not re.match(r"\w\w/(calendar|regions|categories)", path)}
    assert len(complete) > 50 and complete == {path: later[path] for path in complete}


# --- The fixture site: each precision of `when`, statuses, languages, time zones ---------------

SEOUL, MADRID = ZoneInfo("Asia/Seoul"), ZoneInfo("Europe/Madrid")
PRECISIONS = [
    # id, DTSTART, DTEND (exclusive; None: no DTEND), STATUS, TRANSP, SUMMARY
    ("day", date(2024, 3, 5), date(2024, 3, 6), "CONFIRMED", "OPAQUE", "Forum on one day"),
    ("days", date(2024, 9, 19), date(2024, 9, 22), "CONFIRMED", "OPAQUE", "Workshop over three days"),
    ("timed", datetime(2024, 3, 6, 9, 30, tzinfo=SEOUL), datetime(2024, 3, 6, 17, tzinfo=SEOUL),
     "CONFIRMED", "OPAQUE", "Summit with a time"),
    ("timed-start", datetime(2024, 10, 27, 10, tzinfo=MADRID), None, "CONFIRMED", "OPAQUE",
     "Webinar on the day clocks change"),
    ("month", date(2024, 10, 1), date(2024, 11, 1), "TENTATIVE", "TRANSPARENT",
     "Ceremony in October (dates to be confirmed)"),
    ("months", date(2024, 4, 1), date(2024, 12, 1), "TENTATIVE", "TRANSPARENT",
     "Courses from April to November (dates to be confirmed)"),
    ("net", date(2024, 7, 1), date(2024, 10, 1), "TENTATIVE", "TRANSPARENT",
     "Regional network (dates to be confirmed)"),
    ("cancelled", date(2024, 5, 14), date(2024, 5, 16), "CANCELLED", "OPAQUE", "Cancelled: Cancelled meeting"),
    ("postponed", date(2024, 6, 20), date(2024, 6, 21), "TENTATIVE", "OPAQUE", "Postponed visit"),
    ("tentative", date(2024, 1, 10), date(2024, 1, 13), "TENTATIVE", "OPAQUE", "Tentative expo"),
]


@pytest.mark.parametrize("item_id, start, end, status, transp, summary", PRECISIONS)
def test_each_precision_of_when_comes_out_as_specified(fixture_feeds, item_id, start, end, status, transp, summary):
    event = by_uid(fixture_feeds["en/calendar.ics"])[f"{item_id}@we-gov.org"]
    assert event["DTSTART"].dt == start
    assert type(event["DTSTART"].dt) is type(start)  # a date stays a date: an all-day entry
    assert (event["DTEND"].dt if "DTEND" in event else None) == end
    assert (event["STATUS"], event["TRANSP"], str(event["SUMMARY"])) == (status, transp, summary)


def test_undated_items_say_their_period_and_status_notes_are_in_the_description(fixture_feeds):
    events = by_uid(fixture_feeds["en/calendar.ics"])
    assert str(events["month@we-gov.org"]["DESCRIPTION"]).startswith(
        "Planned for Oct 2024; the exact dates are to be confirmed.\n\n")
    assert "Q3 2024" in str(events["net@we-gov.org"]["DESCRIPTION"])
    assert str(events["postponed@we-gov.org"]["DESCRIPTION"]).startswith("This activity has been postponed.")
    assert str(events["cancelled@we-gov.org"]["DESCRIPTION"]).startswith("This activity has been cancelled.")


def test_year_round_and_dateless_items_are_left_out(fixture_feeds):
    for path, data in fixture_feeds.items():
        uids = by_uid(data)
        assert not {"board@we-gov.org", "prize@we-gov.org", "year-round-event@we-gov.org"} & set(uids), path
    assert "en/events/year-round-event/event.ics" not in fixture_feeds
    members = set(by_uid(fixture_feeds["en/programs/prize/calendar.ics"]))
    assert members == {"day@we-gov.org", "timed@we-gov.org", "month@we-gov.org"}
    assert set(by_uid(fixture_feeds["en/networks/net/calendar.ics"])) == {"net@we-gov.org"}


def test_timed_events_carry_a_matching_vtimezone(fixture_feeds):
    whole = Calendar.from_ical(fixture_feeds["en/calendar.ics"])
    assert sorted(str(tz["TZID"]) for tz in whole.walk("VTIMEZONE")) == ["Asia/Seoul", "Europe/Berlin", "Europe/Madrid"]
    timed = Calendar.from_ical(fixture_feeds["en/events/timed/event.ics"])
    assert [str(tz["TZID"]) for tz in timed.walk("VTIMEZONE")] == ["Asia/Seoul"]
    assert timed.walk("VEVENT")[0]["DTSTART"].params["TZID"] == "Asia/Seoul"
    madrid = Calendar.from_ical(fixture_feeds["en/events/timed-start/event.ics"]).walk("VTIMEZONE")[0]
    assert {c.name for c in madrid.subcomponents} == {"STANDARD", "DAYLIGHT"}  # the zone's summer time too
    assert Calendar.from_ical(fixture_feeds["en/events/day/event.ics"]).walk("VTIMEZONE") == []


def test_icaljs_reads_times_with_their_zone(fixture_feeds, feeds_project):
    event = parse_ics_with_icaljs(feeds_project.root / "feeds/en/events/timed/event.ics")["events"][0]
    assert (event["dtstart"], event["dtstart_tzid"]) == ("2024-03-06T09:30:00", "Asia/Seoul")
    assert (event["dtend"], event["dtend_tzid"]) == ("2024-03-06T17:00:00", "Asia/Seoul")


def test_text_is_in_the_feed_language_with_fallback_and_the_uid_is_not(fixture_feeds):
    def event(lang: str, item_id: str):
        return by_uid(fixture_feeds[f"{lang}/calendar.ics"])[f"{item_id}@we-gov.org"]

    assert str(event("ko", "days")["SUMMARY"]) == "사흘간의 워크숍"
    assert str(event("ko", "days")["DESCRIPTION"]).endswith(FIXTURE_BASE + "ko/events/days/")
    assert str(event("ar", "days")["SUMMARY"]) == "Workshop over three days"  # not translated: the original
    assert str(event("ar", "hangul")["SUMMARY"]).startswith("ورشة عمل دولية")
    assert event("ko", "days")["CATEGORIES"].cats != event("en", "days")["CATEGORIES"].cats
    assert event("ko", "days")["SEQUENCE"] == event("en", "days")["SEQUENCE"]


def test_undated_omit_leaves_month_and_quarter_items_out(tmp_path):
    loaded = load(feeds_fixture(tmp_path / "project", undated="omit"))
    feeds = render(loaded)
    uids = set(by_uid(feeds["en/calendar.ics"]))
    assert not {"month@we-gov.org", "months@we-gov.org", "net@we-gov.org"} & uids
    assert {"day@we-gov.org", "days@we-gov.org", "timed@we-gov.org", "cancelled@we-gov.org"} <= uids
    assert "en/events/month/event.ics" not in feeds
    # the page's "Add to calendar" asks the same question (layouts/subscribe.html)
    assert Urls(loaded.config).event_file("en", loaded.site.by_id["month"]) is None


# --- Text cannot escape its value --------------------------------------------------------------

def test_awkward_text_stays_inside_its_values(fixture_feeds, feeds_project, feeds_model):
    item = feeds_model.site.by_id["injection"]
    data = fixture_feeds["en/events/injection/event.ics"]
    lines = data.split(b"\r\n")
    assert [line for line in lines if line.startswith((b"BEGIN:", b"END:", b"UID:"))] == [
        b"BEGIN:VCALENDAR", b"BEGIN:VEVENT", b"UID:injection@we-gov.org", b"END:VEVENT", b"END:VCALENDAR"]
    (event,) = vevents(data)
    assert str(event["UID"]) == "injection@we-gov.org"
    assert str(event["SUMMARY"]) == item.original.title
    assert str(event["LOCATION"]) == item.original.location
    assert str(event["CATEGORIES"].cats[0]) == "Research & Development"
    assert "🎉" in str(event["SUMMARY"]) and "<script>" in str(event["DESCRIPTION"])
    parsed = parse_ics_with_icaljs(feeds_project.root / "feeds/en/events/injection/event.ics")
    assert parsed["vevent_count"] == 1 and parsed["events"][0]["summary"] == item.original.title


def test_long_hangul_title_folds_and_round_trips(fixture_feeds, feeds_project):
    title = ("세계스마트지속가능도시기구 회원도시 시장단과 전문가가 함께하는 스마트시티 정책 공유 및 "
             "도시 문제 해결을 위한 국제 공동 연구 워크숍 그리고 기술 시찰 프로그램")
    data = fixture_feeds["ko/events/hangul/event.ics"]
    assert data.count(b"\r\n ") > 3  # folded, and every piece decodes (see the line test)
    assert str(vevents(data)[0]["SUMMARY"]) == title
    assert parse_ics_with_icaljs(feeds_project.root / "feeds/ko/events/hangul/event.ics")["events"][0]["summary"] == title


def test_carriage_returns_and_components_in_text_are_escaped_by_the_renderer(feeds_model):
    """Validation refuses control characters; the renderer must be safe without it."""
    model = feeds_model
    evil = "Evil\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil@example.org\rSUMMARY:x;y,z\\"
    items = tuple(replace(i, texts=(replace(i.original, title=evil, location=evil, body=evil),))
                  if i.id == "day" else i for i in model.site.items)
    site = Site(model.site.config, items, model.site.pages)
    formatters = {code: Formatter(code, gettext.NullTranslations()) for code in site.config.language_codes}
    feeds = {a.path: a.data for a in render_feeds(site, formatters, BUILD_DAY).all()}
    data = feeds["en/events/day/event.ics"]
    (event,) = vevents(data)
    assert str(event["UID"]) == "day@we-gov.org"
    assert str(event["SUMMARY"]) == str(event["LOCATION"]) == evil.replace("\r\n", "\n").replace("\r", "\n")
    assert len(vevents(feeds["en/calendar.ics"])) == len(vevents(feeds["en/calendar.ics"].replace(b"Evil", b"Good")))


# --- History: an edit is an update of the same event -------------------------------------------

def _git(root: Path, *args: str, when: str = "2024-05-01T10:00:00+00:00") -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(root), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_an_item_that_gets_its_days_keeps_its_uid_and_gets_a_higher_sequence(tmp_path):
    project = feeds_fixture(tmp_path / "project")
    _git(project.root, "init", "-q")
    _git(project.root, "add", ".")
    _git(project.root, "commit", "-q", "-m", "calendar")

    def month_event():
        return by_uid(render(load(project))["en/calendar.ics"])["month@we-gov.org"]

    before = month_event()
    page = project.content / "events/month.md"
    page.write_text(page.read_text().replace("when: 2024-10\n", "when: 2024-10-15/2024-10-16\n"))
    _git(project.root, "commit", "-q", "-am", "the ceremony has its days", when="2024-06-01T09:00:00+00:00")
    after = month_event()

    assert before["SEQUENCE"] < after["SEQUENCE"]
    assert before["DTSTAMP"].dt == datetime(2024, 5, 1, 10, tzinfo=ZoneInfo("UTC"))
    assert after["DTSTAMP"].dt == after["LAST-MODIFIED"].dt == datetime(2024, 6, 1, 9, tzinfo=ZoneInfo("UTC"))
    assert (before["DTSTART"].dt, after["DTSTART"].dt, after["DTEND"].dt) == (
        date(2024, 10, 1), date(2024, 10, 15), date(2024, 10, 17))
    assert (str(after["SUMMARY"]), after["STATUS"], after["TRANSP"]) == ("Ceremony in October", "CONFIRMED", "OPAQUE")


# --- The pages: Subscribe blocks and "Add to calendar" -----------------------------------------

def test_feed_pages_offer_subscribe_copy_and_download(real_site):
    pages = {"en/2024/index.html": "en/calendar.ics",
             "ko/regions/africa/index.html": "ko/regions/africa/calendar.ics",
             "en/categories/governance/index.html": "en/categories/governance/calendar.ics",
             "en/programs/seoul-smart-city-prize/index.html": "en/programs/seoul-smart-city-prize/calendar.ics",
             "ar/networks/afscn/index.html": "ar/networks/afscn/calendar.ics"}
    for page, feed in pages.items():
        html = (real_site / page).read_text()
        links = parse(html).links
        assert f"webcal://calendar.we-gov.org/{feed}" in links, page
        assert f"/{feed}" in links, page
        assert f'<code dir="ltr">{REAL_BASE}{feed}</code>' in html, page
        assert 'id="subscribe"' in html and " download>" in html, page


def _app_links(html: str) -> dict[str, dict[str, str]]:
    found = {}
    for link in parse(html).links:
        parts = urlsplit(link)
        if parts.netloc in ("calendar.google.com", "outlook.live.com"):
            found[parts.netloc] = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return found


def test_event_pages_offer_add_to_calendar_with_the_right_dates(real_site, feeds_site):
    html = (real_site / "en/events/excom-2024/index.html").read_text()
    assert "/en/events/excom-2024/event.ics" in parse(html).links
    apps = _app_links(html)
    google, outlook = apps["calendar.google.com"], apps["outlook.live.com"]
    assert (google["action"], google["text"], google["dates"]) == ("TEMPLATE", "WeGO EXCOM Meeting 2024",
                                                                   "20240919/20240922")
    assert google["location"] == "Almaty, Kazakhstan"
    assert google["details"].endswith(REAL_BASE + "en/events/excom-2024/")
    assert (outlook["subject"], outlook["startdt"], outlook["enddt"], outlook["allday"]) == (
        "WeGO EXCOM Meeting 2024", "2024-09-19", "2024-09-22", "true")

    timed = _app_links((feeds_site / "en/events/timed/index.html").read_text())
    assert (timed["calendar.google.com"]["dates"], timed["calendar.google.com"]["ctz"]) == (
        "20240306T093000/20240306T170000", "Asia/Seoul")
    outlook = timed["outlook.live.com"]
    assert (outlook["startdt"], outlook["enddt"], outlook["allday"]) == (
        "2024-03-06T00:30:00Z", "2024-03-06T08:00:00Z", "false")
    assert not _app_links((feeds_site / "en/events/cancelled/index.html").read_text())
    assert "calendar.google.com" not in (feeds_site / "en/programs/prize/index.html").read_text()


# --- Daily hours: one VEVENT, the first day's hours, repeated ----------------------------------

BERLIN = ZoneInfo("Europe/Berlin")
DAILY_UTC = [[f"2024-06-{day}T07:00:00.000Z", f"2024-06-{day}T15:00:00.000Z"] for day in (10, 11, 12)]
"""09:00-17:00 Berlin summer time (UTC+2) on each of the three days."""


def test_daily_hours_are_one_event_repeated_each_day_in_the_events_zone(fixture_feeds):
    for path in ("en/calendar.ics", "en/events/daily/event.ics", "en/2024/calendar.ics",
                 "en/regions/europe-mediterranean/calendar.ics"):
        calendar = Calendar.from_ical(fixture_feeds[path])
        event = by_uid(fixture_feeds[path])["daily@we-gov.org"]
        assert event["DTSTART"].dt == datetime(2024, 6, 10, 9, tzinfo=BERLIN), path
        assert event["DTEND"].dt == datetime(2024, 6, 10, 17, tzinfo=BERLIN), path
        assert event["DTSTART"].params["TZID"] == event["DTEND"].params["TZID"] == "Europe/Berlin", path
        assert event["RRULE"].to_ical() == b"FREQ=DAILY;COUNT=3", path
        assert "Europe/Berlin" in [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")], path
        # Expanded by a third party (dateutil, which icalendar uses), in UTC:
        rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=event["DTSTART"].dt)
        length = event["DTEND"].dt - event["DTSTART"].dt
        utc = [[(s.astimezone(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                (s + length).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")] for s in rule]
        assert utc == DAILY_UTC, path


def test_icaljs_expands_daily_hours_to_three_days_nine_to_five_berlin_time(fixture_feeds, feeds_project):
    for path in ("en/calendar.ics", "en/events/daily/event.ics"):
        events = parse_ics_with_icaljs(feeds_project.root / "feeds" / path)["events"]
        (event,) = [e for e in events if e["uid"] == "daily@we-gov.org"]
        assert (event["dtstart"], event["dtstart_tzid"]) == ("2024-06-10T09:00:00", "Europe/Berlin")
        assert event["occurrences"] == DAILY_UTC, path


def test_a_time_over_several_days_is_daily_hours_on_the_page_and_in_data(feeds_site):
    html = (feeds_site / "en/events/daily/index.html").read_text()
    assert "9:00 AM – 5:00 PM daily (Germany (Berlin) Time)" in visible_text(html)
    assert ('data-start="2024-06-10T09:00:00+02:00" data-end="2024-06-10T17:00:00+02:00" '
            'data-zone="Europe/Berlin" data-daily="true"') in html
    assert 'data-local-label="In your time zone: {times} daily" hidden' in html
    assert re.search(r'<script src="/calendar/assets/localtime\.[0-9a-f]+\.js" defer>', html)
    (ld,) = [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]
    assert (ld["startDate"], ld["endDate"]) == ("2024-06-10T09:00:00+02:00", "2024-06-12T17:00:00+02:00")
    assert ld["eventSchedule"] == {"@type": "Schedule", "repeatFrequency": "P1D", "repeatCount": 3,
                                   "startDate": "2024-06-10", "endDate": "2024-06-12", "startTime": "09:00:00",
                                   "endTime": "17:00:00", "scheduleTimezone": "Europe/Berlin"}
    korean = visible_text((feeds_site / "ko/events/daily/index.html").read_text())
    assert "매일" in korean and "독일(베를린) 시간" in korean
    data = json.loads((feeds_site / "en/events.json").read_text())
    times = {i["id"]: i["time"] for i in data["items"]}
    assert times["daily"] == {"start": "09:00", "end": "17:00", "timezone": "Europe/Berlin", "daily": True,
                              "starts_at": "2024-06-10T09:00:00+02:00", "ends_at": "2024-06-12T17:00:00+02:00"}
    assert times["timed"]["daily"] is False and times["timed"]["starts_at"] == "2024-03-06T09:30:00+09:00"
    google = _app_links(html)["calendar.google.com"]
    assert (google["dates"], google["ctz"], google["recur"]) == (
        "20240610T090000/20240610T170000", "Europe/Berlin", "RRULE:FREQ=DAILY;COUNT=3")


def test_the_visitor_sees_the_hours_in_their_own_zone_with_javascript(feeds_site):
    served = feeds_site.parent / "served"  # the fixture is published below /calendar/
    served.mkdir(exist_ok=True)
    if not (served / "calendar").exists():
        (served / "calendar").symlink_to(feeds_site)
    with serve(served) as base, browser() as chromium:
        shown = {}
        for zone, item in (("America/New_York", "daily"), ("Europe/Berlin", "daily"), ("America/New_York", "timed")):
            context = chromium.new_context(timezone_id=zone, locale="en-US")
            page = context.new_page()
            errors = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.goto(f"{base}/calendar/en/events/{item}/", wait_until="load")
            local = page.locator(".local-times")
            shown[zone, item] = normalise(local.inner_text()) if local.is_visible() else None
            assert errors == [], errors  # no CSP refusal, no script error
            context.close()
    assert shown["Europe/Berlin", "daily"] is None  # the visitor is in the event's zone: nothing to add
    # Daily hours: times only, with the visitor's zone; one day (09:30-17:00 Seoul): the dates too.
    assert shown["America/New_York", "daily"] == "In your time zone: 3:00 AM – 11:00 AM EDT daily", shown
    assert re.fullmatch(r"In your time zone: Mar 5, 7:30 PM (EST )?– Mar 6, 3:00 AM EST", shown["America/New_York", "timed"]), shown


# --- Subscription feeds: short descriptions, cancelled titles, no empty file, the window ---------

def test_subscription_feeds_describe_an_event_briefly_and_its_own_file_in_full(fixture_feeds):
    brief = ("Three days in Berlin, from nine to five each day.\n\nBerlin Congress Centre, Berlin\n\n"
             + FIXTURE_BASE + "en/events/daily/")
    subscriptions = [path for path in fixture_feeds if path.startswith("en/") and not path.endswith("/event.ics")]
    for path in subscriptions:
        for event in vevents(fixture_feeds[path]):
            assert "WORD-ONLY-IN-THE-BODY" not in str(event["DESCRIPTION"]), path
            if str(event["UID"]) == "daily@we-gov.org":
                assert str(event["DESCRIPTION"]) == brief, path
    assert {"en/calendar.ics", "en/2024/calendar.ics", "en/regions/europe-mediterranean/calendar.ics",
            "en/categories/governance/calendar.ics", "en/programs/prize/calendar.ics"} <= set(subscriptions)
    own = str(vevents(fixture_feeds["en/events/daily/event.ics"])[0]["DESCRIPTION"])
    assert "WORD-ONLY-IN-THE-BODY" in own and own.endswith(FIXTURE_BASE + "en/events/daily/")
    cancelled = str(by_uid(fixture_feeds["en/calendar.ics"])["cancelled@we-gov.org"]["DESCRIPTION"])
    assert cancelled == ("This activity has been cancelled.\n\nWas planned, then cancelled.\n\nLisbon\n\n"
                         + FIXTURE_BASE + "en/events/cancelled/")


@pytest.mark.parametrize("lang", ["en", "ko", "es", "ar"])
def test_a_cancelled_items_title_says_so_in_the_feeds_language(fixture_feeds, feeds_project, lang):
    catalog = load(feeds_project).catalogs[lang]
    title = "Cancelled meeting"
    expected = catalog.gettext("Cancelled: %(title)s") % {"title": title}
    assert lang == "en" or catalog.gettext("Cancelled: %(title)s") != "Cancelled: %(title)s", lang
    for path in (f"{lang}/calendar.ics", f"{lang}/events/cancelled/event.ics"):
        event = by_uid(fixture_feeds[path])["cancelled@we-gov.org"]
        assert (str(event["SUMMARY"]), event["STATUS"]) == (expected, "CANCELLED"), path


def test_no_feed_without_an_event_and_no_link_to_one(fixture_feeds, feeds_site, feeds_model):
    config = feeds_model.config
    # board: a year-round program with no dated activity.
    assert "en/programs/board/calendar.ics" not in fixture_feeds
    board = (feeds_site / "en/programs/board/index.html").read_text()
    assert "calendar.ics" not in board and 'id="subscribe"' not in board
    items = {i["id"]: i for i in json.loads((feeds_site / "en/events.json").read_text())["items"]}
    assert items["board"]["ics"] is None
    assert items["prize"]["ics"] == FIXTURE_BASE + "en/programs/prize/calendar.ics"
    empty = [r.key for r in config.regions if not any(in_calendars(i, config.feeds)
                                                       for i in views.in_region(feeds_model.site, r.key))]
    assert empty  # the fixture leaves some regions without activities
    for key in empty:
        assert f"en/regions/{key}/calendar.ics" not in fixture_feeds
        page = (feeds_site / f"en/regions/{key}/index.html").read_text()
        assert "calendar.ics" not in page and 'id="subscribe"' not in page, key
    for path, data in fixture_feeds.items():
        assert vevents(data), path


@pytest.mark.parametrize("today, months, start", [
    (date(2024, 6, 15), 12, date(2023, 6, 15)),
    (date(2024, 2, 29), 12, date(2023, 2, 28)),
    (date(2024, 3, 31), 1, date(2024, 2, 29)),
    (date(2024, 1, 10), 3, date(2023, 10, 10)),
    (date(2024, 6, 15), 0, None),
])
def test_the_window_reaches_back_whole_months_from_the_build_date(today, months, start):
    assert window_start(Feeds(window_months=months), today) == start


def test_subscription_feeds_keep_the_last_year_and_what_is_ahead_the_year_feed_keeps_all(feeds_model):
    dated = {f"{i.id}@we-gov.org": i for i in feeds_model.site.items if in_calendars(i, feeds_model.config.feeds)}
    last = max(i.when.end for i in dated.values())
    later = date(2024, 10, 1)  # three months: a window from 2024-07-01, before the last activity
    assert later <= last
    feeds = render_at(feeds_model, later, window_months=3)
    whole = set(by_uid(feeds["en/calendar.ics"]))
    assert whole == {uid for uid, i in dated.items() if i.when.end >= date(2024, 7, 1)} != set(dated)
    assert set(by_uid(feeds["en/2024/calendar.ics"])) == set(dated)
    assert set(by_uid(feeds["en/programs/prize/calendar.ics"])) >= {"day@we-gov.org"}  # programs: complete
    assert "en/events/day/event.ics" in feeds
    everything = render_at(feeds_model, later, window_months=0)
    assert set(by_uid(everything["en/calendar.ics"])) == set(dated)


def test_with_nothing_recent_the_window_ends_at_the_last_activity(feeds_model):
    """Years later the subscribed addresses still answer, with the calendar's last months of
    activity (three here), never an empty or missing file; a region with nothing in them has no feed."""
    dated = {f"{i.id}@we-gov.org": i for i in feeds_model.site.items if in_calendars(i, feeds_model.config.feeds)}
    start = window_start(Feeds(window_months=3), max(i.when.end for i in dated.values()))
    recent = {uid for uid, i in dated.items() if i.when.end >= start}
    assert recent and recent != set(dated)  # the fixture has activities on both sides of it
    for today in (date(2030, 1, 1), date(2041, 7, 9)):
        feeds = render_at(feeds_model, today, window_months=3)
        assert set(by_uid(feeds["en/calendar.ics"])) == recent
        for region in feeds_model.config.regions:
            held = {uid for uid in recent if region.key in dated[uid].regions}
            path = f"en/regions/{region.key}/calendar.ics"
            assert (set(by_uid(feeds[path])) == held) if held else path not in feeds, region.key


def render_at(loaded, today: date, **feeds) -> dict[str, bytes]:
    """The feeds stage on another build date, with other [feeds] settings."""
    config = replace(loaded.config, feeds=replace(loaded.config.feeds, **feeds))
    site = Site(config, loaded.site.items, loaded.site.pages)
    formatters = {lang.code: Formatter(lang.locale or lang.code, loaded.catalogs[lang.code]) for lang in config.languages}
    return {a.path: a.data for a in render_feeds(site, formatters, today).all()}


def test_year_pages_offer_the_years_complete_feed(feeds_site, feeds_project, tmp_path):
    html = (feeds_site / "en/2024/index.html").read_text()
    links = parse(html).links
    assert "/calendar/en/calendar.ics" in links and "/calendar/en/2024/calendar.ics" in links
    assert "webcal://example.org/calendar/en/2024/calendar.ics" in links
    # Years later the whole calendar's feed still answers (its last months of activity), beside the year's.
    out = tmp_path / "later"
    build(feeds_project, Options(out=out, today=date(2030, 1, 1), **QUICK))
    assert (out / "en/calendar.ics").exists() and (out / "en/2024/calendar.ics").exists()
    links = parse((out / "en/2024/index.html").read_text()).links
    assert "/calendar/en/calendar.ics" in links and "webcal://example.org/calendar/en/2024/calendar.ics" in links
