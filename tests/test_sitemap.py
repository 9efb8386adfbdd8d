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
