"""Translation tracking: what is missing, stale or unstamped, per language.

Pure apart from reading catalogs. A translation records the fingerprint of
the original's text it was made from (`translated_from`); when the original's
text changes, its fingerprint changes and the translation is reported stale.
`sitegen translations --stamp FILE` records the current fingerprint once a
translator has brought a file up to date. A file `sitegen new translation` made
says `translated_from: not yet translated (FINGERPRINT)`: while its text is still
that copy, it is reported as untranslated and the site shows the original instead.
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


_COPY = re.compile(r"not yet translated \(([0-9a-f]{12})\)")


def copy_stamp(original: Text) -> str:
    """`translated_from` of a new translation file: the copy of this version of the original."""
    return f"not yet translated ({fingerprint(original)})"


def stamped(text: Text) -> str | None:
    """The fingerprint of the original a translation was made from (a copy's too), if it says."""
    if text.translated_from is None:
        return None
    copy = _COPY.fullmatch(text.translated_from)
    return copy[1] if copy else text.translated_from


def is_untouched_copy(text: Text) -> bool:
    """Still the copy `sitegen new translation` made: marked so, and its text unchanged since.
    Stamping it (`--stamp`) or changing any of its words makes it a translation."""
    copy = _COPY.fullmatch(text.translated_from or "")
    return bool(copy) and fingerprint(text) == copy[1]


@dataclass(frozen=True, slots=True)
class LanguageReport:
    lang: str
    total: int
    """Files that could be translated (items and pages)."""
    missing: tuple[str, ...]
    """Originals with no translation in this language."""
    untranslated: tuple[str, ...]
    """Translation files still holding the copy of their original (shown in the original's language)."""
    stale: tuple[str, ...]
    """Translations made from an older version of their original."""
    unstamped: tuple[str, ...]
    """Translations that do not say which version they were made from."""
    missing_strings: tuple[str, ...]
    """Interface strings with no translation in the catalog."""

    @property
    def translated(self) -> int:
        return self.total - len(self.missing) - len(self.untranslated)


def translation_report(site: Site, locales: Path) -> tuple[LanguageReport, ...]:
    """One report per language other than the default, of the published items and pages:
    a draft (loaded by `sitegen translations` so that its translations can be stamped)
    is not yet expected in other languages."""
    default = site.config.site.default_language
    documents = [d for d in list(site.items) + [site.pages[k] for k in sorted(site.pages)] if not d.draft]
    reports = []
    for lang in site.config.language_codes:
        if lang == default:
            continue
        missing, untranslated, stale, unstamped = [], [], [], []
        for doc in documents:
            text = next((t for t in doc.texts if t.lang == lang), None)
            if text is None:
                missing.append(doc.source)
            elif text.untranslated:
                untranslated.append(text.source)
            elif text.translated_from is None:
                unstamped.append(text.source)
            elif stamped(text) != fingerprint(doc.original):
                stale.append(text.source)
        reports.append(LanguageReport(lang, len(documents), tuple(sorted(missing)), tuple(sorted(untranslated)),
                                      tuple(sorted(stale)),
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
