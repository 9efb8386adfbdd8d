"""A year too large to list on one page: its page summarises, months and programs continue
on numbered pages, and no page grows past 150 KB however many activities a year has.

Built from the small fixture site (tests/sites/basic) plus 310 activities of one year, at
the usual page size (100): a month of 150 dated activities, 110 that no single month holds
(year-round, quarters, spans of months), and a program of 160 activities."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checkers import browser, run_axe, serve, validate_html
from conftest import BUILD_DAY, fixture_project
from generator.build import Options, build, load_project
from generator.outputs.urls import Urls
from generator.views import queries as views

pytestmark = [pytest.mark.build, pytest.mark.slow]

YEAR = 2025
LIMIT = 150_000
"""Issue 18's bound on any page at 10,000 activities, in bytes."""
PREFIX = "/calendar/"
"""The fixture's base URL's path (tests/sites/basic/site.toml)."""
CATEGORIES = ("prize", "governance", "matchmaking", "capacity-building", "research", "networking", "regional")
CITIES = ("Seoul", "Berlin", "Quito", "Cairo", "Bangkok")


def write_large_year(content: Path) -> None:
    """310 activities of YEAR beside the fixture's own (of 2024)."""
    whens = ([f"{YEAR}-03-{1 + n % 31:02d}" for n in range(150)]               # one crowded month
             + [f"{YEAR}-{1 + n % 12:02d}-{10 + n % 15}" for n in range(40)]    # every month
             + [f"{YEAR}-05-30/{YEAR}-06-02"] * 10                               # days over two months
             + [str(YEAR)] * 30                                                  # year-round
             + [f"{YEAR}-Q{1 + n % 4}" for n in range(50)]                       # a quarter
             + [f"{YEAR}-02/{YEAR}-04"] * 30)                                    # a span of months
    for n, when in enumerate(whens):
        city = CITIES[n % len(CITIES)]
        program = "program: school\n" if n % 2 == 0 and n < 320 else ""
        (content / "events" / f"large-{n:03d}.md").write_text(
            f'---\ntitle: "Activity {n:03d} of a large year"\n'
            f'summary: "A synthetic activity in {city}, one of many that fill the pages of {YEAR}."\n'
            f"category: {CATEGORIES[n % len(CATEGORIES)]}\nregions: [east-asia]\nwhen: \"{when}\"\n"
            f"location: {city}\n{program}---\nWhat happens, in a few words.\n", encoding="utf-8")


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    root = tmp_path_factory.mktemp("large")
    project = fixture_project(root / "project", "basic")
    write_large_year(project.content)
    out = root / "public"
    build(project, Options(out=out, today=BUILD_DAY, search=False, brochure=False))
    return out, load_project(project, Options(out=out, today=BUILD_DAY)).site


def page(out: Path, url: str) -> Path:
    """The file of a site path ('/calendar/en/2025/' -> out/en/2025/index.html)."""
    assert url.startswith(PREFIX), url
    return out / url[len(PREFIX):] / "index.html"


def links(path: Path) -> list[str]:
    return re.findall(r'href="([^"#]+)', path.read_text(encoding="utf-8"))


def list_pages(out: Path, first: str) -> list[str]:
    found, number = [first], 2
    while page(out, f"{first}page/{number}/").is_file():
        found.append(f"{first}page/{number}/")
        number += 1
    return found


def cards(path: Path) -> list[str]:
    return re.findall(r'<li class="card [^"]*" data-id="([^"]+)"', path.read_text(encoding="utf-8"))


def test_no_page_is_over_the_limit(large):
    out, _ = large
    sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*.html")}
    assert {p: s for p, s in sizes.items() if s > LIMIT} == {}
    assert "en/2025/page/2/index.html" in sizes and "en/2025/03/page/2/index.html" in sizes
    assert "en/programs/school/page/2/index.html" in sizes


def test_every_activity_of_the_year_is_reachable_from_its_page(large):
    """From the year's page through its own pages and its months' pages, every activity of the
    year, those known only to the year, a quarter or a span of months included."""
    out, site = large
    urls = Urls(site.config)
    for lang in ("en", "ko"):
        start = urls.year(lang, YEAR)
        calendar = re.compile(rf"^{re.escape(start)}(\d\d/)?(page/\d+/)?$")
        seen, queue, reached = {start}, [start], set()
        while queue:
            for href in links(page(out, queue.pop())):
                if calendar.match(href) and href not in seen:
                    seen.add(href)
                    queue.append(href)
                reached.add(href)
        year = views.in_year(site, YEAR)
        assert {urls.item(lang, item) for item in year} <= reached
        vague = [i for i in year if i.when.precision.value in ("year", "quarter", "months")]
        assert len(vague) > 100  # more than a page: the year's own list continues
        # ...and they are on the year's pages themselves, not left to the months.
        own = "".join(page(out, u).read_text(encoding="utf-8") for u in list_pages(out, start))
        assert all(f'href="{urls.item(lang, item)}"' in own for item in vague)


def test_a_small_year_keeps_its_full_page(large):
    out, _ = large
    small = page(out, "/calendar/en/2024/").read_text(encoding="utf-8")
    assert '<table class="overview">' in small and 'class="agenda"' in small
    large_page = page(out, "/calendar/en/2025/").read_text(encoding="utf-8")
    assert '<table class="overview">' not in large_page
    assert '<a href="/calendar/en/2025/03/">March 2025</a> <span class="year-count">' in large_page


def test_a_crowded_month_continues_on_numbered_pages(large):
    out, site = large
    first = "/calendar/en/2025/03/"
    pages = list_pages(out, first)
    shown = [card for url in pages for card in cards(page(out, url))]
    assert len(pages) == 2 and shown == [i.id for i in views.month_items(site, YEAR, 3)]
    second = page(out, pages[1]).read_text(encoding="utf-8")
    assert "<title>March 2025, page 2 of 2" in second
    assert f'rel="prev" href="{first}"' in second and 'class="month-grid"' not in second
    assert 'class="month-grid"' in page(out, first).read_text(encoding="utf-8")
    for url in pages:                                      # every page link leads to a page
        for href in links(page(out, url)):
            if href.startswith(PREFIX) and "/page/" in href:
                assert page(out, href).is_file(), href


def test_a_year_or_month_link_is_the_current_page_only_on_its_first_page(large):
    """On page 2 the link to the month (or year) leads to page 1: it is the current one of
    the set (aria-current="true"), not this page ("page")."""
    out, _ = large
    for first, label in (("/calendar/en/2025/03/", "Mar"), ("/calendar/en/2025/", "2025")):
        for url, current in ((first, "page"), (f"{first}page/2/", "true")):
            html = page(out, url).read_text(encoding="utf-8")
            marked = re.findall(r'<a href="([^"]+)"[^>]* aria-current="(page|true)">(?:<abbr[^>]*>)?([^<]+)<', html)
            assert (first, current, label) in marked, (url, marked)


def test_a_large_program_lists_its_activities_on_numbered_pages(large):
    out, site = large
    first = "/calendar/en/programs/school/"
    pages = list_pages(out, first)
    shown = [card for url in pages for card in cards(page(out, url))]
    assert len(pages) == 2 and shown == [i.id for i in views.in_program(site, "school")]
    second = page(out, pages[1]).read_text(encoding="utf-8")
    assert "Youth school, page 2 of 2" in second and f'rel="prev" href="{first}"' in second
    assert 'hreflang="ko" href="https://example.org/calendar/ko/programs/school/page/2/"' in second
    # The heading names the program in its own words; in a language it has no translation
    # for, those words are marked as the original's language.
    assert '<h1 class="accent-heading"><span>Youth school</span>, page 2 of 2</h1>' in second
    korean = page(out, "/calendar/ko/programs/school/page/2/").read_text(encoding="utf-8")
    texts = site.by_id["school"].texts
    marked = "" if "ko" in texts else f' lang="en" dir="ltr"'
    assert re.search(rf'<h1 class="accent-heading"><span{marked}>[^<]+</span>', korean), korean[:3000]


def test_new_pages_are_valid_html(large):
    out, _ = large
    urls = [f"/calendar/{lang}/{path}" for lang in ("en", "ko")
            for path in ("2025/", "2025/page/2/", "2025/03/", "2025/03/page/2/", "programs/school/page/2/")]
    assert validate_html([page(out, u) for u in urls]) == []


@pytest.mark.browser
def test_new_pages_pass_axe(large):
    out, _ = large
    served = out.parent / "served"                          # the site at its base URL's path
    served.mkdir(exist_ok=True)
    if not (served / "calendar").exists():
        (served / "calendar").symlink_to(out, target_is_directory=True)
    with serve(served) as base_url, browser() as chromium:
        tab = chromium.new_page()
        for path in ("en/2025/", "ko/2025/page/2/", "en/2025/03/", "en/2025/03/page/2/", "en/programs/school/page/2/"):
            tab.goto(f"{base_url}{PREFIX}{path}")
            assert run_axe(tab) == [], path


def test_the_sitemap_index_lists_every_page_once(large):
    out, _ = large
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.parse(out / "sitemap.xml").getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    files = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert files == ["https://example.org/calendar/sitemap-en.xml", "https://example.org/calendar/sitemap-ko.xml"]
    locs = [loc.text for f in files
            for loc in ET.parse(out / f.rsplit("/", 1)[1]).getroot().findall("s:url/s:loc", ns)]
    assert len(locs) == len(set(locs)) < 50_000
    own = set()                                            # every page whose canonical address is its own
    for path in out.rglob("index.html"):
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', path.read_text(encoding="utf-8"))
        url = "https://example.org/calendar/" + path.parent.relative_to(out).as_posix() + "/"
        if canonical and canonical.group(1) == url.replace("calendar/./", "calendar/"):
            own.add(canonical.group(1))
    assert set(locs) == own
    assert "https://example.org/calendar/en/2025/03/page/2/" in locs
    assert (out / "robots.txt").read_text().endswith("Sitemap: https://example.org/calendar/sitemap.xml\n")


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_edits_of_a_large_year_rebuild_as_a_cold_build_would(tmp_path):
    """The summary's counts, a month's and the year's page boundaries move with the edits:
    the pages' keys (incremental/keys.py) must see that, and a month's first page must see
    an edit of an activity its grid draws but whose card is on its second page."""
    project = fixture_project(tmp_path / "project", "basic")
    write_large_year(project.content)
    out, options = tmp_path / "out", dict(today=BUILD_DAY, search=False, brochure=False)
    build(project, Options(out=out, **options))
    events = project.content / "events"

    def edit(name: str, old: str, new: str) -> None:
        path = events / name
        path.write_text(re.sub(old, new, path.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")

    def same_as_cold(name: str) -> None:
        rebuilt = build(project, Options(out=out, **options))
        assert 0 < rebuilt.reused < rebuilt.pages
        build(project, Options(out=tmp_path / name, fresh=True, **options))
        assert tree(out) == tree(tmp_path / name)

    edit("large-140.md", "Activity", "Renamed activity")  # March 17: its card on March's page 2
    same_as_cold("cold-1")
    assert "Renamed activity 140" in page(out, "/calendar/en/2025/03/").read_text(encoding="utf-8")
    edit("large-030.md", "Activity", "Renamed activity")  # a card on March's page 1
    edit("large-240.md", "^when: .*$", f'when: "{YEAR}-09-12"')  # a quarter becomes a day in September
    (events / "large-210.md").unlink()                     # one year-round activity fewer
    same_as_cold("cold-2")
