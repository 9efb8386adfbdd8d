"""Page list -> sitemap.xml (with hreflang alternates) and robots.txt.

Pure. Takes the pages' metadata, not the HTML renderer, so it works from the
same plan without knowing how pages are drawn.
"""

from __future__ import annotations

from typing import Iterable, MutableMapping
from xml.sax.saxutils import escape, quoteattr

from generator.outputs import Artifact


def render_sitemap(pages: Iterable, absolute, base_url: str, made: MutableMapping | None = None) -> list[Artifact]:
    """`pages`: PageMeta of every indexable page; `absolute`: path -> full URL; `made` (a
    preview's, kept under one base URL) holds the entries of earlier renders by their PageMeta."""
    made = {} if made is None else made
    entries = []
    for meta in pages:
        found = made.get(meta)
        if found is None:
            found = made[meta] = _entry(meta, absolute)
        entries.append(found)
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "".join(entries) + "</urlset>\n")
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n"
    return [Artifact("sitemap.xml", xml.encode()), Artifact("robots.txt", robots.encode())]


def _entry(meta, absolute) -> str:
    links = "".join(f'\n    <xhtml:link rel="alternate" hreflang={quoteattr(a.lang)} href={quoteattr(a.url)}/>'
                    for a in meta.alternates)
    return f"  <url>\n    <loc>{escape(absolute(meta.path))}</loc>{links}\n  </url>\n"
