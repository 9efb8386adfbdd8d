"""Site model -> /LANG/atom.xml: the newly published or changed items, for feed readers.

Pure. Newest first by the item's last change (git, see history.py), never the
clock, so unchanged content gives an unchanged feed. Entry ids are tag: URIs
made from the item id, so a reader never sees an item twice.
"""

from __future__ import annotations

from datetime import datetime, timezone
from xml.sax.saxutils import escape, quoteattr

from generator.i18n.formatting import Formatter
from generator.content.model import Item, Site
from generator.outputs.urls import Urls, output_file
from generator.outputs import Artifact

ATOM_NS = "http://www.w3.org/2005/Atom"
TAG_YEAR = "2024"
"""The year in every entry id (tag:we-gov.org,2024:en/excom-2024): when the feed
began. Changing it would make every reader show every item as new."""
LIMIT = 50
"""Entries per feed: readers want what is new, the calendar has the rest."""
EMPTY_FEED_UPDATED = datetime(2024, 1, 1, tzinfo=timezone.utc)
"""<updated> of a feed with no dated item (Atom requires one; never the clock)."""


def render_atom(site: Site, formatters: dict[str, Formatter], urls: Urls) -> list[Artifact]:
    return [Artifact(output_file(urls.atom(lang), urls.prefix), atom_feed(site, lang, formatters[lang], urls).encode())
            for lang in site.config.language_codes]


def newest(site: Site, limit: int = LIMIT) -> tuple[Item, ...]:
    """Items with a known change date, the latest change first (ties by id, for stable output)."""
    dated = sorted((i for i in site.items if i.modified), key=lambda i: i.id)
    return tuple(sorted(dated, key=lambda i: i.modified, reverse=True)[:limit])


def atom_feed(site: Site, lang: str, fmt: Formatter, urls: Urls) -> str:
    config, _ = site.config, fmt._
    items = newest(site)
    title = _(config.site.title)
    head = [
        f'<feed xmlns="{ATOM_NS}" xml:lang={quoteattr(lang)}>',
        f"  <id>{tag_uri(config.site.uid_domain, lang)}</id>",
        f"  <title>{escape(title)}</title>",
        f"  <subtitle>{escape(_('New and changed activities'))}</subtitle>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(urls.absolute(urls.atom(lang)))}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(urls.absolute(urls.home(lang)))}/>',
        f"  <updated>{_stamp(items[0].modified) if items else _stamp(EMPTY_FEED_UPDATED)}</updated>",
        f"  <author><name>{escape(_(config.site.organisation))}</name>"
        f"<uri>{escape(config.contact.website)}</uri></author>",
    ]
    entries = [_entry(item, lang, fmt, urls) for item in items]
    return '<?xml version="1.0" encoding="utf-8"?>\n' + "\n".join(head + entries + ["</feed>"]) + "\n"


def tag_uri(domain: str, specific: str) -> str:
    """RFC 4151: 'tag:we-gov.org,2024:en/excom-2024'."""
    return f"tag:{domain},{TAG_YEAR}:{specific}"


def _entry(item: Item, lang: str, fmt: Formatter, urls: Urls) -> str:
    """Title and summary in the item's text (marked when it is a fallback); date and place in `lang`."""
    text, config = item.text(lang), urls.config
    category = config.category(item.category)
    facts = " · ".join(p for p in (fmt.when(item.when) if item.when else fmt._("Ongoing"),
                                   text.location or item.city) if p)
    words = f" xml:lang={quoteattr(text.lang)}" if text.lang != lang else ""
    content = f"<p>{escape(facts)}</p><p{f' lang={quoteattr(text.lang)}' if words else ''}>{escape(text.summary)}</p>"
    return "\n".join([
        "  <entry>",
        f"    <id>{tag_uri(config.site.uid_domain, f'{lang}/{item.id}')}</id>",
        f"    <title{words}>{escape(text.title)}</title>",
        f'    <link rel="alternate" type="text/html" href={quoteattr(urls.absolute(urls.item(lang, item)))}/>',
        f"    <updated>{_stamp(item.modified)}</updated>",
        f"    <category term={quoteattr(category.key)} label={quoteattr(fmt._(category.name))}/>",
        f"    <summary{words}>{escape(text.summary)}</summary>",
        f'    <content type="html">{escape(content)}</content>',
        "  </entry>",
    ])


def _stamp(moment: datetime) -> str:
    """RFC 3339 in UTC: '2024-03-01T09:00:00Z'."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
