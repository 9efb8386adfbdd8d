"""Page list -> sitemap index, one sitemap per language (with hreflang alternates), robots.txt.

Pure. Takes the pages' metadata, not the HTML renderer, so it works from the
same plan without knowing how pages are drawn.
"""

from __future__ import annotations

from typing import Iterable, Mapping, MutableMapping
from xml.sax.saxutils import escape, quoteattr

from generator.outputs import Artifact
from generator.outputs.plans import ListedPages

MAX_URLS = 50_000
MAX_BYTES = 50_000_000
"""What the sitemap protocol allows one file (sitemaps.org): a language past either
continues in sitemap-LANG-2.xml, and so on."""

_URLSET = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n')


def render_sitemap(pages: Iterable, absolute, base_url: str, made: MutableMapping | None = None,
                   keys: Mapping[str, str] | None = None) -> list[Artifact]:
    """`pages`: the plans of every page search engines may list, in the site's order (those
    whose canonical address is another page's, a fallback to another language's text, are
    left out here), an unchanged item's as its `ListedPages`; `absolute`: path -> full URL; `made` (kept under one salt, as page keys
    are) holds the entries of earlier renders by their pages' `keys` (by address; else by what
    the pages are made from), "" for a page left out: an unchanged page's head is then not even
    made (a page's key holds its head). sitemap.xml is the index of the languages' sitemaps: one
    file for 42,000 pages would be past the protocol's 50,000 URLs at a few more years."""
    made = {} if made is None else made
    keys = keys or {}
    by_lang: dict[str, list[bytes]] = {}
    for plan in pages:
        if type(plan) is ListedPages:  # an unchanged item's pages: their keys are listed with them
            entries = by_lang.setdefault(plan.lang, [])
            for entry in plan.entries:
                found = made.get(entry[3])
                if found is None:
                    found = made[entry[3]] = _encoded(plan.plan(entry).meta, absolute)
                if found:
                    entries.append(found)
            continue
        shown = keys.get(plan.path) or (plan.made_from if plan.made_from is not None else repr(plan.meta))
        found = made.get(shown)
        if found is None:
            found = made[shown] = _encoded(plan.meta, absolute)
        if found:
            by_lang.setdefault(plan.lang, []).append(found)
    sitemaps = [Artifact(name, xml) for lang, entries in by_lang.items() for name, xml in sitemap_files(lang, entries)]
    index = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
             + "".join(f"  <sitemap>\n    <loc>{escape(base_url + s.path)}</loc>\n  </sitemap>\n" for s in sitemaps)
             + "</sitemapindex>\n")
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n"
    return [Artifact("sitemap.xml", index.encode()), *sitemaps, Artifact("robots.txt", robots.encode())]


def sitemap_files(lang: str, entries: list[bytes], max_urls: int = MAX_URLS,
                  max_bytes: int = MAX_BYTES) -> Iterable[tuple[str, bytes]]:
    """A language's entries (each one's UTF-8: the memos keep them so, and marshal reads bytes
    back without decoding them) in as few sitemaps as the protocol's limits allow, in order."""
    closing = b"</urlset>\n"
    number, current, size = 1, [], len(_URLSET) + len(closing)
    for encoded in entries:
        if current and (len(current) == max_urls or size + len(encoded) > max_bytes):
            yield _name(lang, number), _URLSET.encode() + b"".join(current) + closing
            number, current, size = number + 1, [], len(_URLSET) + len(closing)
        current.append(encoded)
        size += len(encoded)
    yield _name(lang, number), _URLSET.encode() + b"".join(current) + closing


def _name(lang: str, number: int) -> str:
    return f"sitemap-{lang}.xml" if number == 1 else f"sitemap-{lang}-{number}.xml"


def _encoded(meta, absolute) -> bytes:
    """A page's entry, or b"" for a page whose canonical address is another page's (a fallback)."""
    return _entry(meta, absolute).encode() if meta.canonical == absolute(meta.path) else b""


def _entry(meta, absolute) -> str:
    links = "".join(f'\n    <xhtml:link rel="alternate" hreflang={quoteattr(a.lang)} href={quoteattr(a.url)}/>'
                    for a in meta.alternates)
    return f"  <url>\n    <loc>{escape(absolute(meta.path))}</loc>{links}\n  </url>\n"
