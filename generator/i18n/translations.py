"""Translation tracking: what is missing, stale or unstamped, per language.

Pure apart from reading catalogs. A translation records the fingerprint of
the original's text it was made from (`translated_from`); when the original's
text changes, its fingerprint changes and the translation is reported stale.
`sitegen translations --stamp FILE` records the current fingerprint once a
translator has brought a file up to date.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

from generator.content.model import Site, Text


def fingerprint(text: Text) -> str:
    """A short hash of everything a translator translates: title, summary, location, details, body."""
    details = [[d.label, d.text, list(d.items), str(d.when) if d.when else None] for d in text.details]
    payload = json.dumps([text.title, text.summary, text.location, details, text.body.strip()], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class LanguageReport:
    lang: str
    total: int
    """Files that could be translated (items, pages, years' introductions)."""
    missing: tuple[str, ...]
    """Originals with no translation in this language."""
    stale: tuple[str, ...]
    """Translations made from an older version of their original."""
    unstamped: tuple[str, ...]
    """Translations that do not say which version they were made from."""
    missing_strings: tuple[str, ...]
    """Interface strings with no translation in the catalog."""

    @property
    def translated(self) -> int:
        return self.total - len(self.missing)


def translation_report(site: Site, locales: Path) -> tuple[LanguageReport, ...]:
    """One report per language other than the default, of the published items and pages:
    a draft (loaded by `sitegen translations` so that its translations can be stamped)
    is not yet expected in other languages."""
    default = site.config.site.default_language
    documents = [d for d in site.documents() if not d.draft]
    reports = []
    for lang in site.config.language_codes:
        if lang == default:
            continue
        missing, stale, unstamped = [], [], []
        for doc in documents:
            if not doc.is_translated(lang):
                missing.append(doc.source)
                continue
            text = doc.text(lang)
            if text.translated_from is None:
                unstamped.append(text.source)
            elif text.translated_from != fingerprint(doc.original):
                stale.append(text.source)
        reports.append(LanguageReport(lang, len(documents), tuple(sorted(missing)), tuple(sorted(stale)),
                                      tuple(sorted(unstamped)),
                                      missing_strings(locales, lang)))
    return tuple(reports)


def missing_strings(locales: Path, lang: str) -> tuple[str, ...]:
    """Messages of the template (messages.pot) without a usable translation in LANG's catalog."""
    with (locales / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    po_path = locales / lang / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return tuple(sorted(str(m.id if isinstance(m.id, str) else m.id[0]) for m in template if m.id))
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    absent = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id)
        strings = found.string if found else None
        usable = found is not None and not found.fuzzy and (all(strings) if isinstance(strings, tuple) else bool(strings))
        if not usable:
            absent.append(message.id if isinstance(message.id, str) else message.id[0])
    return tuple(sorted(absent))


_STAMP_LINE = re.compile(r"^translated_from:.*$", re.M)


def stamp(text: str, value: str) -> str:
    """The translation file's text with `translated_from: VALUE` set in its front matter."""
    head, sep, rest = text.partition("\n---")
    if not sep:
        raise ValueError("no front matter")
    if _STAMP_LINE.search(head):
        head = _STAMP_LINE.sub(f"translated_from: {value}", head, count=1)
    else:
        head = head + f"\ntranslated_from: {value}"
    return head + sep + rest
