"""Page list -> sitemap.xml (with hreflang alternates) and robots.txt.

Pure. Takes the pages' metadata, not the HTML renderer, so it works from the
same plan without knowing how pages are drawn.
"""

from __future__ import annotations

from typing import Iterable
from xml.sax.saxutils import escape, quoteattr

from generator.outputs import Artifact


def render_sitemap(pages: Iterable, absolute, base_url: str, memo: dict | None = None) -> list[Artifact]:
    """`pages`: PageMeta of every indexable page; `absolute`: path -> full URL; `memo` (the
    renderer's, kept by a preview between renders) keeps each page's entry by the identity of
    its PageMeta, which a kept plan keeps too."""
    previous, kept = memo or {}, {}
    entries = []
    for meta in pages:
        found = previous.get(id(meta))
        if found is None or found[0] is not meta:  # the memo holds its metas: their ids stay theirs
            found = (meta, _entry(meta, absolute))
        kept[id(meta)] = found
        entries.append(found[1])
    if memo is not None:
        memo.clear()
        memo.update(kept)  # this render's pages only
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "".join(entries) + "</urlset>\n")
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n"
    return [Artifact("sitemap.xml", xml.encode()), Artifact("robots.txt", robots.encode())]


def _entry(meta, absolute) -> str:
    links = "".join(f'\n    <xhtml:link rel="alternate" hreflang={quoteattr(a.lang)} href={quoteattr(a.url)}/>'
                    for a in meta.alternates)
    return f"  <url>\n    <loc>{escape(absolute(meta.path))}</loc>{links}\n  </url>\n"
