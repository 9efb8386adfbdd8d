"""The sitemap index and its per-language sitemaps stay within the protocol's limits."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from generator.outputs.sitemap import MAX_BYTES, MAX_URLS, sitemap_files

pytestmark = pytest.mark.unit

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def entries(n: int) -> list[bytes]:
    return [f"  <url>\n    <loc>https://example.org/en/events/e{i}/</loc>\n  </url>\n".encode() for i in range(n)]


def locs(xml: bytes) -> list[str]:
    return [loc.text for loc in ET.fromstring(xml).findall("s:url/s:loc", NS)]


def test_a_language_past_the_url_limit_continues_in_numbered_sitemaps_in_order():
    files = list(sitemap_files("en", entries(5), max_urls=2))
    assert [name for name, _ in files] == ["sitemap-en.xml", "sitemap-en-2.xml", "sitemap-en-3.xml"]
    assert [len(locs(xml)) for _, xml in files] == [2, 2, 1]
    assert [loc for _, xml in files for loc in locs(xml)] == [f"https://example.org/en/events/e{i}/" for i in range(5)]


def test_a_language_past_the_byte_limit_continues_in_another_sitemap():
    ((_, single),) = sitemap_files("ko", entries(1))
    limit = len(single) + len(entries(1)[0])     # room for two entries a file
    files = list(sitemap_files("ko", entries(4), max_bytes=limit))
    assert [len(locs(xml)) for _, xml in files] == [2, 2] and all(len(xml) <= limit for _, xml in files)


def test_the_limits_are_the_protocols():
    assert (MAX_URLS, MAX_BYTES) == (50_000, 50_000_000)
    ((name, xml),) = sitemap_files("ar", entries(3))
    assert name == "sitemap-ar.xml" and len(locs(xml)) == 3


def test_an_unchanged_items_pages_are_listed_from_their_kept_entries_or_planned_when_missing():
    """The pages of an item no edit reached come as their `ListedPages`: an entry kept under
    the page's key is taken as it is; a missing one is made from the page's plan, made then."""
    from generator.outputs.plans import Alternate, ListedPages, PageMeta, PagePlan
    from generator.outputs.sitemap import render_sitemap

    def absolute(path: str) -> str:
        return "https://example.org" + path

    def planned(path: str, made_from: tuple) -> PagePlan:
        asked.append(path)
        meta = PageMeta(path, "T", "", (Alternate("en", absolute(path)),), absolute(path))
        return PagePlan("en", "item.html", meta, {}, made_from)

    asked: list[str] = []
    listed = ListedPages("en", (("item.html", "/en/events/a/", ("a",), "key-a", "en/events/a/index.html"),
                                ("item.html", "/en/events/b/", ("b",), "key-b", "en/events/b/index.html")), planned)
    kept = b"  <url>\n    <loc>https://example.org/en/events/a/</loc>\n  </url>\n"
    made = {"key-a": kept}
    files = {a.path: a.data for a in render_sitemap([listed], absolute, "https://example.org/", made)}
    assert asked == ["/en/events/b/"]  # only the page whose entry was not kept
    assert locs(files["sitemap-en.xml"]) == ["https://example.org/en/events/a/", "https://example.org/en/events/b/"]
    assert made["key-b"].startswith(b"  <url>\n    <loc>https://example.org/en/events/b/</loc>")
