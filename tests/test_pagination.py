"""Lists longer than site.toml's [lists] page_size continue on numbered pages.

Built from the real content with three activities a page, so that every list
kind (all events, an area, a region, a format) runs over several pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checkers import browser, run_axe, serve, validate_html
from conftest import BUILD_DAY, ROOT, copy_project
from generator.build import Options, build, load_project

pytestmark = [pytest.mark.build, pytest.mark.slow]

SIZE = 3


@pytest.fixture(scope="module")
def paged(tmp_path_factory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("paged")
    settings = root / "site.toml"
    settings.write_text((ROOT / "site.toml").read_text().replace("page_size = 100", f"page_size = {SIZE}"))
    project = copy_project(root / "project", config=settings)
    out = root / "public"
    build(project, Options(out=out, today=BUILD_DAY, search=False, brochure=False))
    return out, load_project(project, Options(out=out, today=BUILD_DAY)).site


def page_files(out: Path, first: str) -> list[Path]:
    """The list's pages in order: its first page, then page/2/, page/3/..."""
    files, number = [out / first / "index.html"], 2
    while (out / first / "page" / str(number) / "index.html").is_file():
        files.append(out / first / "page" / str(number) / "index.html")
        number += 1
    return files


def cards(html: str) -> list[str]:
    return re.findall(r'<li class="card [^"]*" data-id="([^"]+)"', html)


def test_every_event_is_on_exactly_one_page_in_order(paged):
    out, site = paged
    events = [i.id for i in site.of_kind("event")]
    for lang in ("en", "ar"):
        pages = page_files(out, f"{lang}/events")
        assert len(pages) == -(-len(events) // SIZE) > 1
        shown = [card for page in pages for card in cards(page.read_text())]
        assert shown == events
        assert all(len(cards(page.read_text())) <= SIZE for page in pages)


def test_pages_link_to_each_other_and_say_where_they_stand(paged):
    out, site = paged
    pages = page_files(out, "en/events")
    total = len(site.of_kind("event"))
    second = pages[1].read_text()
    assert f"<title>Events, page 2 of {len(pages)}" in second
    assert f"{total} activities" in second                      # the whole list's count, on every page
    assert 'rel="prev" href="/en/events/"' in second
    assert 'rel="next" href="/en/events/page/3/"' in second
    assert '<a href="/en/events/page/2/" aria-current="page">2</a>' in second
    first, last = pages[0].read_text(), pages[-1].read_text()
    assert 'rel="prev"' not in first and 'rel="next" href="/en/events/page/2/"' in first
    assert 'rel="next"' not in last
    for page in pages:                                          # every page link leads to a page
        for href in re.findall(r'href="(/en/events/page/\d+/)"', page.read_text()):
            assert (out / href.strip("/") / "index.html").is_file(), href
    arabic = (out / "ar/events/page/2/index.html").read_text()
    assert "الصفحة 2 من" in arabic


def test_long_numbers_of_pages_are_shortened_around_the_current_one(paged):
    out, _ = paged
    pages = page_files(out, "en/events")
    assert len(pages) >= 7
    first = pages[0].read_text()
    numbers = re.findall(r'<a href="/en/events/(?:page/(\d+)/)?"(?: aria-current="page")?>(\d+)</a>', first)
    assert [int(shown) for _, shown in numbers] == [1, 2, 3, len(pages)]
    assert '<li aria-hidden="true">…</li>' in first


def test_the_in_page_filter_is_offered_only_on_a_list_of_one_page(paged):
    out, site = paged
    for lang in ("en", "ko"):
        several = (out / lang / "formats/in-person/index.html").read_text()
        assert "data-filters" not in several and "filters." not in several
        assert 'class="filter-bar"' in several                    # the filter links remain
    one = (out / "en/categories/prize/index.html").read_text()
    assert "data-filters" in one and 'class="list-pager"' not in one


def test_pages_of_lists_are_in_the_sitemap_and_valid_html(paged):
    out, _ = paged
    sitemap = (out / "sitemap-en.xml").read_text()
    assert "<loc>https://calendar.we-gov.org/en/events/page/2/</loc>" in sitemap
    assert 'hreflang="ar" href="https://calendar.we-gov.org/ar/events/page/2/"' in sitemap
    files = [f for lang in ("en", "ar") for f in page_files(out, f"{lang}/events")[:2]]
    files += page_files(out, "en/formats/in-person")[1:2]
    assert validate_html(files) == []


@pytest.mark.browser
def test_a_page_of_a_list_passes_axe(paged):
    out, _ = paged
    with serve(out) as base_url, browser() as chromium:
        page = chromium.new_page()
        for path in ("en/events/page/2/", "ar/regions/east-asia/page/2/"):
            page.goto(f"{base_url}/{path}")
            assert run_axe(page) == [], path


def test_a_page_size_below_one_is_refused(tmp_path):
    settings = tmp_path / "site.toml"
    settings.write_text((ROOT / "site.toml").read_text().replace("page_size = 100", "page_size = 0"))
    project = copy_project(tmp_path / "project", config=settings)
    from generator.errors import BuildFailed
    with pytest.raises(BuildFailed) as failed:
        load_project(project, Options(out=tmp_path / "out", today=BUILD_DAY))
    assert "site.toml: lists.page_size: 0 is too small (use: a whole number from 1 (100 is usual))" in str(failed.value)
