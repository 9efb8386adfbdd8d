"""Every year: the year switcher and the archive reach each one, a year's introduction
(content/years/YEAR.md) is shown on its page and on the home page, and the home page
agrees with itself about the year it shows (heading, lead, head, what's next).

The fixture is tests/sites/basic (2024) plus an activity in 2023, two in 2025 (one of
them cancelled) and introductions of 2023 and 2025, built on a day of 2025.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from checkers import browser, run_axe, serve, validate_html
from conftest import fixture_project
from generator.build import Options, build
from htmltext import normalise

pytestmark = pytest.mark.build

TODAY = date(2025, 3, 1)
PREFIX = "/calendar"
EVENT = "---\ntitle: {title}\nsummary: {summary}\ncategory: governance\nregions: [global]\nwhen: {when}\n{more}---\n{body}\n"
FILES = {
    "events/meeting-2023.md": EVENT.format(title="Meeting of 2023", summary="The last one.", when="2023-11-20",
                                           more="", body="Text."),
    "events/berlin-2025.md": EVENT.format(title="Berlin conference", summary="Three days.", when="2025-06-10/2025-06-12",
                                          more="", body="Text."),
    "events/called-off-2025.md": EVENT.format(title="Called-off meeting", summary="Not happening.", when="2025-04-02",
                                              more="status: cancelled\n", body="Text."),
    "years/2023.md": "---\ntitle: The calendar of 2023\nsummary: What WeGO did in 2023.\n---\nA look back at 2023.\n",
    "years/2025.md": ("---\ntitle: \"Smart City, Smart Citizen: 2025\"\nsummary: WeGO's plans for 2025.\n---\n"
                      "## Highlights\n\nIn 2025 WeGO meets in [Berlin](../events/berlin-2025.md).\n"),
    "years/2025.ko.md": "---\ntitle: 2025년 일정\nsummary: 2025년 WeGO의 계획.\n---\n2025년에는 베를린에서 만납니다.\n",
}


def add_years(project) -> None:
    for name, text in FILES.items():
        path = project.content / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)


@pytest.fixture(scope="module")
def years_site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("years")
    project = fixture_project(base / "site", "basic")
    add_years(project)
    out = base / "www" / "calendar"  # served from www/: the fixture's base_url is below /calendar/
    build(project, Options(out=out, today=TODAY, brochure=False, search=False))
    return out


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text()


def meta(html: str, attribute: str, name: str) -> str:
    return re.search(rf'<meta {attribute}="{name}" content="([^"]*)">', html).group(1)


def year_nav(html: str) -> list[tuple[str, str, str]]:
    """(href, text, attributes) of the year switcher's links."""
    nav = re.search(r'<nav class="year-links".*?</nav>', html, re.S).group(0)
    return [(href, normalise(text), attrs) for href, attrs, text in
            re.findall(r'<a href="([^"]+)"([^>]*)>(.*?)</a>', nav, re.S)]


def card_links(section: str) -> list[str]:
    return re.findall(r'<h3 class="card-title"><a href="([^"]+)"', section)


# The home page and its year

def test_the_home_page_agrees_about_the_year_it_shows(years_site):
    html = page(years_site, "en")
    hero = re.search(r'<div class="hero">.*?</div>\s*</div>', html, re.S).group(0)
    assert "<h1>2025 Calendar of Activities</h1>" in hero
    assert '<p class="hero-lead">WeGO&#39;s plans for 2025.</p>' in hero
    assert f'href="{PREFIX}/en/2025/">See the 2025 calendar' in hero
    assert meta(html, "property", "og:title") == "Smart City, Smart Citizen: 2025"
    assert meta(html, "property", "og:description") == meta(html, "name", "description") == "WeGO&#39;s plans for 2025."
    # home.md's words (for every year), then the year's, its content links resolved.
    assert html.index("A fixture site for the tests.") < html.index("In 2025 WeGO meets in")
    assert f'<a href="{PREFIX}/en/events/berlin-2025/">Berlin</a>' in html
    nxt = re.search(r'<section aria-labelledby="next-heading">.*?</section>', html, re.S).group(0)
    assert card_links(nxt) == [f"{PREFIX}/en/events/berlin-2025/"]


def test_the_home_page_lists_the_programs_of_its_year_and_the_ongoing_ones(years_site):
    html = page(years_site, "en")
    programs = re.search(r'<section aria-labelledby="programs-heading">.*?</section>', html, re.S).group(0)
    # board (2024), school (2024-04/2024-11) and net (2024-Q3) are last year's; prize has no dates.
    assert card_links(programs) == [f"{PREFIX}/en/programs/prize/"]
    assert f'<a href="{PREFIX}/en/programs/board/">' in page(years_site, "en/programs")  # still listed there


def test_a_cancelled_activity_is_not_next_but_still_on_its_year(years_site):
    home = page(years_site, "en")
    nxt = re.search(r'<section aria-labelledby="next-heading">.*?</section>', home, re.S).group(0)
    assert "called-off-2025" not in nxt
    assert f'href="{PREFIX}/en/events/called-off-2025/"' in page(years_site, "en/2025")


def test_the_years_introduction_is_on_its_page_in_each_language_and_falls_back_to_the_original(years_site):
    ko = page(years_site, "ko")
    assert '<p class="hero-lead">2025년 WeGO의 계획.</p>' in ko and "2025년에는 베를린에서 만납니다." in ko
    assert meta(ko, "property", "og:title") == "2025년 일정"
    year = page(years_site, "en/2025")
    assert '<p class="year-summary">WeGO&#39;s plans for 2025.</p>' in year
    assert '<h2 id="highlights">Highlights</h2>' in year
    old = page(years_site, "ko/2023")  # no Korean translation: the original, marked as English
    assert '<p class="year-summary" lang="en" dir="ltr">What WeGO did in 2023.</p>' in old
    assert 'class="fallback-note"' in old
    assert "year-summary" not in page(years_site, "en/2024")  # a year without an introduction


def test_without_an_introduction_the_home_page_shows_home_md_alone(tmp_path):
    project = fixture_project(tmp_path / "site", "basic")
    add_years(project)
    out = tmp_path / "public"
    build(project, Options(out=out, today=date(2024, 6, 15), brochure=False, search=False))
    html = page(out, "en")
    assert "<h1>2024 Calendar of Activities</h1>" in html
    assert meta(html, "property", "og:title") == "Test calendar"
    assert '<p class="hero-lead">A small calendar that exercises every kind of date.</p>' in html
    assert "2025" not in re.search(r'<section aria-labelledby="next-heading">.*?</section>', html, re.S).group(0)
    assert "In 2025 WeGO meets" not in html


# Every year, from the calendar navigation and the archive

def test_every_year_page_links_to_every_year_and_marks_its_own(years_site):
    for year in (2023, 2024, 2025):
        links = year_nav(page(years_site, f"en/{year}"))
        assert [(href, text) for href, text, _ in links] == [
            (f"{PREFIX}/en/2023/", "2023"), (f"{PREFIX}/en/2024/", "2024"), (f"{PREFIX}/en/2025/", "2025"),
            (f"{PREFIX}/en/years/", "All years")]
        assert [text for _, text, attrs in links if 'aria-current="page"' in attrs] == [str(year)]
        rels = {text: re.search(r'rel="(\w+)"', attrs).group(1) for _, text, attrs in links if "rel=" in attrs}
        assert rels == {str(y): rel for y, rel in ((year - 1, "prev"), (year + 1, "next")) if 2023 <= y <= 2025}
    assert [text for _, text, _ in year_nav(page(years_site, "ko/2024"))][:3] == ["2023년", "2024년", "2025년"]
    assert 'aria-current' not in "".join(a for _, _, a in year_nav(page(years_site, "en")))  # home: not a year page


def test_the_archive_lists_every_year_newest_first_with_its_count_and_summary(years_site):
    html = page(years_site, "en/years")
    entries = re.findall(r'<li>\s*<h2><a href="([^"]+)">([^<]+)</a></h2>\s*<p class="year-archive-count">([^<]+)</p>'
                         r'\s*(?:<p>([^<]*)</p>)?', html)
    assert [(href, title, count, summary) for href, title, count, summary in entries] == [
        (f"{PREFIX}/en/2025/", "2025 Calendar of Activities", "2 activities", "WeGO&#39;s plans for 2025."),
        (f"{PREFIX}/en/2024/", "2024 Calendar of Activities", "7 activities", ""),
        (f"{PREFIX}/en/2023/", "2023 Calendar of Activities", "1 activity", "What WeGO did in 2023."),
    ]
    assert "<h1>Every year</h1>" in html
    assert "<h1>모든 연도</h1>" in page(years_site, "ko/years")


def test_year_pages_and_the_archive_are_valid_html(years_site):
    pages = [years_site / lang / path / "index.html" for lang in ("en", "ko")
             for path in ("", "2023", "2025", "years")]
    assert validate_html(pages) == []


@pytest.mark.browser
def test_without_javascript_every_year_is_reached_from_the_home_page(years_site):
    """Following the calendar navigation's links only: home -> a year -> each other year."""
    with serve(years_site.parent) as url, browser() as b:
        context = b.new_context(java_script_enabled=False)
        tab = context.new_page()
        reached = set()
        for year in (2023, 2024, 2025):
            tab.goto(f"{url}/calendar/en/")
            tab.click(f"nav.year-links >> text={year}")
            reached.add(tab.text_content("h1"))
            assert tab.get_attribute('nav.year-links a[aria-current="page"]', "href") == f"{PREFIX}/en/{year}/"
        assert reached == {f"{y} Calendar of Activities" for y in (2023, 2024, 2025)}
        tab.click("nav.year-links >> text=All years")
        assert tab.url.endswith("/calendar/en/years/")
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/calendar/en/2025/", "/calendar/ko/years/", "/calendar/en/"])
def test_the_year_switcher_and_the_archive_pass_axe(years_site, path):
    with serve(years_site.parent) as url, browser() as b:
        tab = b.new_context(bypass_csp=True).new_page()  # axe is injected inline; the pages forbid that
        tab.goto(url + path)
        assert run_axe(tab) == []


def test_editing_an_introduction_renders_its_pages_again(tmp_path):
    """A page's key names the introduction's text by file (incremental/keys.py): its words
    must be part of what every page depends on, as home.md's are."""
    project = fixture_project(tmp_path / "site", "basic")
    add_years(project)
    out = tmp_path / "public"
    options = Options(out=out, today=TODAY, brochure=False, search=False)
    build(project, options)
    intro = project.content / "years/2025.md"
    intro.write_text(intro.read_text().replace("WeGO's plans for 2025.", "WeGO's new plans for 2025."))
    build(project, options)
    for path in ("en", "en/2025", "en/years"):
        assert "WeGO&#39;s new plans for 2025." in page(out, path), path
