"""`sitegen check`: the fixture tests/sites/check holds one case of every finding; the report is compared whole.

The fixture is tests/sites/basic plus: a body link to a missing page, one to a
missing anchor, one to a draft, an image of another website without alt text, a Korean
translation for every file but one (one of them stale, one unstamped), a
catalog that lacks one string, an October event still tentative in November,
two events with the same title and date, an event of 2025 filed under a
program of 2024, a home text naming another year than the one the home page
shows (2024), and an introduction of 2026, a year with no activity, while 2024
has none.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from generator.editing.check import format_finding, large_feeds
from generator.editing.years import YEAR_IN_TEXT
from generator.outputs import Artifact
from generator.outputs.calendar.ics import SIZE_LIMIT
from generator.cli import main
from generator.errors import SiteError

from conftest import BUILD_DAY, ROOT, SITES, fixture_project

pytestmark = [pytest.mark.build, pytest.mark.slow]

CHECK_DAY = "2024-11-15"
"""After the tentative October ceremony of the fixture."""

EXPECTED = """\
content/events/board-2025.md:7: warning: 'board' is the program of 2024, but this event is in 2025 (program; use: a program of 2025, or none)
content/events/board-2025.md:11: warning: still has the placeholder [The programme: days, sessions, speakers.] (body; use: your own text)
content/events/ceremony.md:9: warning: is still tentative, but the event (2024-10) is over (status; use: confirmed, cancelled, postponed)
content/events/forum.md:12: error: links to summit.md#agenda, but that page has no anchor #agenda (body; use: #programme)
content/events/forum.md:13: error: links to draft-idea.md, which is a draft: published pages cannot link to it (body; use: publish content/events/draft-idea.md first, or remove the link)
content/events/summit.ko.md: warning: does not say which version of content/events/summit.md it was translated from (translated_from; use: sitegen translations --stamp content/events/summit.ko.md)
content/events/workshop.md:2: warning: 'Workshop over three days' on 2024-09-19/2024-09-21 is also the title and date of content/events/workshop-again.md (title; use: a different title, or remove the duplicate)
content/events/workshop.md:16: error: the image https://example.org/photo.jpg has no alt text (body; use: ![what the image shows](https://example.org/photo.jpg))
content/events/workshop.md:16: error: the image https://example.org/photo.jpg is on another website: pages show only images stored in content/ (body; use: save it (if you may publish it) beside the Markdown file, e.g. images/photo.jpg)
content/events/workshop.md:18: error: links to /calendar/en/agenda/, which is not a page or file of the site (body)
content/home.ko.md:8: warning: names 2025, but the home page shows 2024 (body; use: words for every year here, and 2024's in content/years/2024.ko.md)
content/home.md: warning: the home page shows 2024, which has no introduction: it shows home.md's words alone (use: content/years/2024.md; see docs/editing.md, 'A new year')
content/networks/net.ko.md:4: warning: was translated from an older version of content/networks/net.md (translated_from; use: update the translation, then: sitegen translations --stamp content/networks/net.ko.md)
content/programs/school.md: warning: has no Korean translation (use: sitegen new translation school --lang ko)
content/years/2026.md: warning: introduces 2026, which has no dated activity yet: no page shows it (use: an activity in 2026; its year page then shows this text)
locales/ko/LC_MESSAGES/messages.po: warning: 'Programs' is not translated, so pages show it in English (use: translate it in this catalog)
5 errors, 11 warnings in 28 files checked
"""


@pytest.fixture
def checked(tmp_path):
    """A copy of tests/sites/check with the real layouts and its own two-string catalogs."""
    project = fixture_project(tmp_path / "check", "check")
    shutil.rmtree(project.locales)
    shutil.copytree(SITES / "check" / "locales", project.locales)
    return project


def run_check(project, capsys, *extra) -> tuple[int, str]:
    code = main(["--root", str(project.root), "check", "--now", CHECK_DAY, *extra])
    return code, capsys.readouterr().out


def edit(project, file: str, old: str, new: str) -> None:
    path = project.content / file
    text = path.read_text()
    assert old in text, f"fixture {file} lacks {old!r}"
    path.write_text(text.replace(old, new, 1))


def test_the_report_lists_every_finding_by_file_and_line(checked, capsys):
    code, out = run_check(checked, capsys)
    assert out == EXPECTED
    assert code == 1


def test_json_has_the_same_findings_and_counts(checked, capsys):
    code, out = run_check(checked, capsys, "--format", "json")
    report = json.loads(out)
    lines = [format_finding(SiteError(**finding)) for finding in report["findings"]]
    assert lines == EXPECTED.splitlines()[:-1]
    assert (report["errors"], report["warnings"], report["files"]) == (5, 11, 28)
    assert code == 1


def test_warnings_alone_exit_0(checked, capsys):
    edit(checked, "events/forum.md", "See the [summit programme](summit.md#agenda) instead,\n", "")
    edit(checked, "events/forum.md", "and [an idea](draft-idea.md) for later.\n", "")
    edit(checked, "events/workshop.md", "![](https://example.org/photo.jpg)", "")
    edit(checked, "events/workshop.md", "/calendar/en/agenda/", "/calendar/en/events/summit/#programme")
    code, out = run_check(checked, capsys)
    assert code == 0, out
    findings = out.splitlines()[:-1]
    assert findings and all(": warning: " in line for line in findings), out
    assert re.fullmatch(r"0 errors, \d+ warnings in 28 files checked", out.splitlines()[-1])


def test_build_errors_are_reported_in_the_same_form(checked, capsys):
    edit(checked, "events/ceremony.md", "status: tentative", "status: canceled")
    code, out = run_check(checked, capsys)
    assert out == ("content/events/ceremony.md:9: error: 'canceled' is not allowed; did you mean `cancelled`? "
                   "(status; use: confirmed, tentative, cancelled, postponed)\n"
                   "1 error, 0 warnings in 28 files checked\n")
    assert code == 1


def test_a_broken_link_written_in_a_layout_is_reported_at_its_line(checked, capsys):
    base = checked.layouts / "base.html"
    lines = base.read_text().split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("<body")) + 1
    lines.insert(at, '<a href="#nowhere">nowhere</a>')
    base.write_text("\n".join(lines))
    code, out = run_check(checked, capsys)
    assert re.search(rf"^layouts/base\.html:{at + 1}: error: links to #nowhere, but that page has no anchor "
                     r"#nowhere \(on \d+ pages, e\.g\. /calendar/\S+\)$", out, re.M), out
    assert code == 1


def test_a_link_to_a_draft_page_address_is_an_error(checked, capsys):
    edit(checked, "home.md", "See the [summit](events/summit.md).",
         "See the [idea](/calendar/en/events/draft-idea/).")
    _code, out = run_check(checked, capsys)
    assert ("content/home.md:5: error: links to /calendar/en/events/draft-idea/, which is a draft: published "
            "pages cannot link to it (body; use: publish content/events/draft-idea.md first, or remove the link)"
            ) in out.splitlines()


def test_the_real_content_has_no_errors(capsys):
    code = main(["--root", str(ROOT), "check", "--now", BUILD_DAY.isoformat()])
    out = capsys.readouterr().out
    assert code == 0, out
    assert re.fullmatch(r"0 errors, \d+ warnings? in \d+ files checked", out.splitlines()[-1])


def test_a_link_to_a_plain_page_file_is_explained(checked, capsys):
    edit(checked, "events/forum.md", "Cancelled.\n", "Cancelled. See [about us](../about.md).\n")
    _code, out = run_check(checked, capsys)
    assert ("content/events/forum.md:11: error: links to ../about.md, which is not an event, program or network: "
            "only those become links to their page (body; use: a link to the page's address)") in out.splitlines()


def test_a_subscription_feed_past_one_megabyte_is_a_warning():
    """Google Calendar drops subscriptions over 1 MB; an event's own file is imported once."""
    big, small = b"x" * (SIZE_LIMIT + 1), b"x" * SIZE_LIMIT
    artifacts = [Artifact("en/calendar.ics", big), Artifact("ko/regions/africa/calendar.ics", small),
                 Artifact("en/events/long/event.ics", big), Artifact("en/index.html", big)]
    (finding,) = large_feeds(artifacts)
    assert (finding.path, finding.severity) == ("en/calendar.ics", "warning")
    assert format_finding(finding) == (
        "en/calendar.ics: warning: this calendar feed is 1.0 MB; Google Calendar drops subscriptions over 1 MB "
        "(use: a smaller [feeds] window_months in site.toml (12 keeps the last year))")


def test_sitegen_check_warns_about_a_feed_past_one_megabyte(checked, capsys):
    words = " ".join(["Forty days of sessions on smart city services."] * 400)  # ~19,000 characters
    for n in range(60):
        (checked.content / "events" / f"long-{n}.md").write_text(
            f"---\ntitle: Long summary {n}\nsummary: {words}\ncategory: governance\nregions: [global]\n"
            f"when: 2024-10-{n % 28 + 1:02d}\n---\nBody.\n")
    code, out = run_check(checked, capsys)
    found = [line for line in out.splitlines() if "Google Calendar drops subscriptions" in line]
    assert [line.split(":")[0] for line in found] == [
        f"{lang}/{feed}" for lang in ("en", "ko") for feed in (
            "2024/calendar.ics", "calendar.ics", "categories/governance/calendar.ics", "regions/global/calendar.ics")], out
    assert not any("event.ics" in line for line in found)


@pytest.mark.parametrize("written, reported", [
    ('<a href="#nowhere">nowhere</a>', "links to #nowhere, but that page has no anchor #nowhere"),
    ("<a href='#nowhere'>nowhere</a>", "links to #nowhere, but that page has no anchor #nowhere"),
    ('<a href="/calendar/en/nowhere/?from=1&amp;to=2">x</a>',
     "links to /calendar/en/nowhere/?from=1&to=2, which is not a page or file of the site"),
    ('<!-- <a href="#nowhere">an old link</a> -->', None),
    ('<p title=\' href="#nowhere"\'>x</p>', None),
])
def test_layout_links_are_read_as_a_browser_reads_them(checked, capsys, written, reported):
    """Links are found as HTML parses (either quotes, entities decoded; comments and attribute
    text are not links), and reported at the layout line that writes them."""
    base = checked.layouts / "base.html"
    lines = base.read_text().split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("<body")) + 1
    lines.insert(at, written)
    base.write_text("\n".join(lines))
    _code, out = run_check(checked, capsys)
    if reported is None:
        assert "nowhere" not in out, out
    else:
        assert re.search(rf"^layouts/base\.html:{at + 1}: error: {re.escape(reported)} \(on \d+ pages", out, re.M), out


def test_a_mistyped_anchor_suggests_the_closest_heading(checked, capsys):
    edit(checked, "events/forum.md", "(summit.md#agenda)", "(summit.md#programe)")
    code, out = run_check(checked, capsys)
    assert code == 1
    assert ("content/events/forum.md:12: error: links to summit.md#programe, but that page has no anchor #programe; "
            "did you mean `programme`? (body; use: #programme)") in out, out


@pytest.mark.parametrize("words, years", [
    ("In 2025, WeGO grows", {"2025"}),
    ("2025년 WeGO는", {"2025"}),                # Korean: no word boundary after the year
    ("año 2024 y 1999", {"2024", "1999"}),
    ("call 82-2-720-2931 or 120250", set()),   # parts of longer numbers are not years
    ("2100 cities, 1850 members", set()),      # only 19xx and 20xx
])
def test_years_are_found_in_any_language(words, years):
    assert set(YEAR_IN_TEXT.findall(words)) == years


def test_home_text_naming_the_shown_year_is_fine_and_an_introduction_is_checked_like_a_body(checked, capsys):
    edit(checked, "home.ko.md", "2025년 일정도", "2024년 일정도")
    (checked.content / "years/2024.md").write_text(
        "---\ntitle: The 2024 calendar\nsummary: The year.\n---\nSee [the agenda](/calendar/en/agenda/).\n")
    _code, out = run_check(checked, capsys)
    assert "names 20" not in out and "has no introduction" not in out
    # Shown on the 2024 page and on the home page, its broken link is reported once, at its line.
    assert out.count("content/years/2024.md:5: error: links to /calendar/en/agenda/, which is not a page or "
                     "file of the site (body)") == 1, out
