"""Source files -> the Site model, with every problem found on the way.

Pure: takes what sources.py read and returns a `Site` or the errors. Checks
each field (fields.py), joins translations to their originals (a translation
may only change text), and has crosscheck.py check what involves several
files (unique ids, programs that exist, links between content files) on each
file's facts.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, time, timezone
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, Mapping, MutableMapping

from generator.config import SiteConfig
from generator.errors import SiteError
from generator.content.crosscheck import FileFacts, check_ids, check_references
from generator.content.fields import FIELDS, TRANSLATION_ONLY, Invalid, check_id
from generator.content.frontmatter import FrontMatter, parse_front_matter
from generator.content.gazetteer import Unplaced, locate
from generator.content.history import Revision
from generator.content.images import image_refs
from generator.content.markdown import content_links
from generator.content.model import Item, Page, Site, Text
from generator.content.sources import SourceFile
from generator.i18n.translations import is_untouched_copy
from generator.suggest import did_you_mean

YEAR_NAME = re.compile(r"(19|20|21)\d\d")
"""The name of a year's introduction (content/years/2025.md), within the years `when` takes."""


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """One file after its fields were checked, before files are joined."""

    source: SourceFile
    front: FrontMatter
    values: dict[str, Any]
    text: Text
    """Its words; `text.digest` hashes the whole file: what incremental rebuilds compare."""
    facts: FileFacts
    """What the checks across files need of it (its id, links...): made once, with the check, so
    that a preview, which keeps the checks, does not make them again for every file on each save."""


Checked = tuple[CheckedFile | None, list[SiteError]]
"""A file's check: the checked file (None if it could not be read as one) and its problems."""


def check_source(source: SourceFile, config: SiteConfig) -> Checked:
    """Parse a file's front matter and check every field: the part of validation that depends
    on this one file and site.toml alone (a preview keeps it for unchanged files)."""
    front, errors = parse_front_matter(source.text, source.display)
    return _check_file(source, front, config) if front is not None else (None, errors)


Assembled = tuple
"""(what it is made of, Item, Page or None for a draft left out, the Item's sort key): an item or
page as `build_site` assembled it, by its original's display path."""


def build_site(sources: list[SourceFile | FileFacts], config: SiteConfig, *, drafts: bool = False,
               history: Mapping[Path, Revision] | None = None,
               check: Callable[[SourceFile | FileFacts, SiteConfig], Checked] = check_source,
               assembled: MutableMapping[str, Assembled] | None = None) -> tuple[Site | None, list[SiteError]]:
    """Check every file (with `check`: `check_source` or one that remembers its results) and
    assemble the Site; None when there were errors. `assembled` (kept by a preview, or by a
    one-off build's cache, under one site.toml) keeps each item and page, by its original, with
    what it is made of (its files' paths and digests, and their history): one made of the same is
    taken as it is, its translations not compared again. A caller keeping `assembled` may give a
    file unchanged since as its FileFacts: it is checked (`check` is given the facts, and reads
    the file) only when its item must be made again."""
    history = history or {}
    errors: list[SiteError] = []
    checked: dict[str, CheckedFile] = {}
    facts: list[FileFacts] = []
    for source in sources:
        if type(source) is FileFacts:
            facts.append(source)
            continue
        result, found = check(source, config)
        errors.extend(found)
        if result is not None:
            checked[source.display] = result
            facts.append(result.facts)

    def full(f: FileFacts) -> CheckedFile | None:
        """The file's whole check (read again for a file given as its facts)."""
        if f.display not in checked:
            result, found = check(f, config)
            errors.extend(found)
            if result is None:
                return None
            checked[f.display] = result
        return checked[f.display]

    originals = {(f.kind, f.stem): f for f in facts if f.lang is None}
    # Files with errors of their own: don't also report what depends on them.
    broken = {(s.kind, s.stem) for s in sources if s.lang is None} - set(originals)
    translations = defaultdict(list)
    for f in facts:
        if f.lang is not None and (f.kind, f.stem) in originals:
            translations[(f.kind, f.stem)].append(f)
    made = {name: _made_of([original, *translations[name]], history) for name, original in originals.items()}
    kept = {name for name, original in originals.items() if assembled is not None
            and assembled.get(original.display, (None,))[0] == made[name]}
    contradicted = set()
    for f in facts:
        if f.lang is not None:
            name = (f.kind, f.stem)
            original = originals.get(name)
            if original is None and name in broken:
                continue
            if original is None:
                errors.append(SiteError(f.display, 1, None, "is a translation of a file that does not exist",
                                        allowed=f.display.replace(f".{f.lang}.md", ".md")))
            elif name not in kept:  # kept: made of these very files, which agreed
                pair = full(original), full(f)
                found = _contradictions(*pair) if None not in pair else []
                errors.extend(found)
                if found:
                    contradicted.add(name)
    items, pages, intros = [], {}, {}
    for name, original in originals.items():
        if original.draft and not drafts:
            if assembled is not None and name not in contradicted:
                assembled[original.display] = (made[name], None, None)  # its translations agreed
            continue
        found = assembled.get(original.display) if name in kept else None
        if found is None or found[1] is None:
            files = [full(f) for f in (original, *translations[name])]
            if None in files:
                continue  # changed while read: reported
            found = _assemble(files, made[name], history, config)
            if assembled is not None and name not in contradicted:
                assembled[original.display] = found  # one version per item; none that disagreed
        if original.kind == "page":
            pages[original.id] = found[1]
        elif original.kind == "year":
            intros[int(original.id)] = found[1]
        else:
            items.append(found)
    errors.extend(check_ids(originals.values(), history))
    errors.extend(check_references([i for _, i, _ in items], originals, pages, sources, broken, facts))
    if errors:
        return None, errors
    return Site(config, tuple(i for _, i, _ in sorted(items, key=itemgetter(2))), pages, intros), errors


def _made_of(files: list[FileFacts], history: Mapping[Path, Revision]) -> tuple:
    """What an item or page is made of: its files' paths and digests (sorted) and their history."""
    # Lists, not generators: a preview works this out for every item after each save (30,000
    # at 10,000 events); 1.7 µs a call instead of 2.0 (timeit, an item of four files).
    revisions = [r for r in map(history.get, [f.path for f in files]) if r is not None]
    return (tuple(sorted([(f.digest, f.display) for f in files])), tuple([(r.modified, r.count) for r in revisions]))


def _assemble(files: list[CheckedFile], made_of: tuple, history: Mapping[Path, Revision],
              config: SiteConfig) -> Assembled:
    """An item or page from its checked files, the original first."""
    original, translations = files[0], files[1:]
    texts = _texts(original, translations, config)
    if original.source.kind in ("page", "year"):
        return (made_of, Page(original.values["id"], original.source.display, texts), None)
    revisions = tuple(r for r in (history.get(c.source.path) for c in files) if r is not None)
    item = _item(original, texts, revisions, _digest(made_of))
    return (made_of, item, item.sort_key())


def read_text(source: SourceFile, config: SiteConfig) -> Text | None:
    """The words of one file as the build reads them, or None when it has errors: what an
    earlier version of an original said (translations compare fingerprints)."""
    checked = check_source(source, config)[0]
    return checked.text if checked is not None else None


def _check_file(source: SourceFile, front: FrontMatter, config: SiteConfig) -> tuple[CheckedFile | None, list[SiteError]]:
    errors, values = [], {}
    schema = FIELDS | (TRANSLATION_ONLY if source.lang else {})
    for name, raw in front.fields.items():
        field = schema.get(str(name))
        if field is None or source.kind not in field.kinds:
            names = [n for n, f in schema.items() if source.kind in f.kinds]
            errors.append(SiteError(source.display, front.line(str(name)), str(name),
                                    f"is not a field of {_kind_name(source)}{did_you_mean(name, names)}",
                                    allowed=", ".join(names)))
            continue
        try:
            values[name] = field.check(raw, config)
        except Invalid as exc:
            errors.append(SiteError(source.display, front.line(name + exc.at) if exc.at in ("",) or
                                    f"{name}{exc.at}" in front.lines else front.line(name),
                                    name, str(exc), exc.allowed))
    for name, field in schema.items():
        needed = source.kind in field.required and (field.text or not source.lang)
        if needed and name not in front.fields:
            errors.append(SiteError(source.display, 1, name, f"is required for {_kind_name(source)}"))
    errors.extend(_check_time(source, front, values))
    errors.extend(_check_place(source, front, values, config))
    if "id" not in front.fields:
        errors.extend(_check_file_name(source, config))
    values.setdefault("id", source.stem)
    if source.lang and values["id"] != source.stem:
        errors.append(SiteError(source.display, front.line("id"), "id", "a translation takes its id from its file name",
                                allowed="remove the id line"))
    if errors:
        return None, errors
    return checked_file(source, front, values, config), []


def checked_file(source: SourceFile, front: FrontMatter, values: dict[str, Any], config: SiteConfig) -> CheckedFile:
    """A file whose every field passed its check, as the model takes it, with its facts for the
    checks across files: the content files its body links to, each with its file line."""
    text = Text(
        lang=source.lang or config.site.default_language,
        source=source.display,
        title=values["title"],
        summary=values["summary"],
        location=values.get("location"),
        details=values.get("details", ()),
        body=front.body,
        body_line=front.body_line,
        translated_from=values.get("translated_from"),
        digest=hashlib.sha1(source.text.encode()).hexdigest(),
    )
    text = replace(text, images=image_refs(text))
    links = tuple((target, front.body_line + line) for target, line in content_links(front.body, source.path))
    facts = FileFacts(source.path, source.display, source.kind, source.stem, source.lang, source.modified,
                      values["id"], front.line("id"), "id" in front.fields, front.line("program"),
                      bool(values.get("draft")), text.digest, links)
    return CheckedFile(source, front, values, text, facts)


def _check_file_name(source: SourceFile, config: SiteConfig) -> list[SiteError]:
    """Without an `id` line the file name is the id, so it goes into addresses and UIDs too;
    a year's introduction is named by its year."""
    if source.kind == "year":
        if not YEAR_NAME.fullmatch(source.stem):
            return [SiteError(source.display, None, None, "is not named after a year",
                              allowed="the year it introduces, e.g. content/years/2025.md")]
        return []
    try:
        check_id(source.stem, config)
    except Invalid as exc:
        return [SiteError(source.display, 1, "id", f"(from the file name) {exc}", exc.allowed)]
    return []


def _check_time(source: SourceFile, front: FrontMatter, values: dict) -> list[SiteError]:
    """A time needs known days (one day, or daily hours over several) and a time zone;
    a time zone needs a time."""
    if "time" not in values and "timezone" not in values:
        return []
    when = values.get("when")
    problems = []
    if "time" in values and "timezone" not in values:
        problems.append(("timezone", "is needed with a time", "an IANA name such as Asia/Seoul"))
    if "timezone" in values and "time" not in values:
        problems.append(("time", "is needed with a time zone", "09:30 or 09:30-17:00"))
    if "time" in values and when is not None and not when.precision.exact:
        problems.append(("time", "needs the days of the event",
                         "when: 2024-09-19, or daily hours over days: when: 2024-09-19/2024-09-21"))
    return [SiteError(source.display, front.line(f), f, m, a) for f, m, a in problems]


def _check_place(source: SourceFile, front: FrontMatter, values: dict, config: SiteConfig) -> list[SiteError]:
    """A city the map can place, from `city` and `country`: sets values['place']."""
    if "city" not in values or source.lang:
        return []
    try:
        values["place"] = locate(values["city"], values.get("country"), config)
    except Unplaced as exc:
        return [SiteError(source.display, front.line("city"), "city", str(exc), exc.allowed)]
    return []


def _contradictions(original: CheckedFile, translation: CheckedFile) -> list[SiteError]:
    """A translation may repeat a non-text field, but not change it."""
    errors = []
    for name, value in translation.values.items():
        if name in TRANSLATION_ONLY or name == "id" or FIELDS[name].text:
            continue
        if original.values.get(name) != value:
            errors.append(SiteError(translation.source.display, translation.front.line(name), name,
                                    f"differs from the original {original.source.display}",
                                    allowed="leave it out: translations take it from the original"))
    if "details" in translation.values:
        errors.extend(_detail_mismatch(original, translation))
    return errors


def _detail_mismatch(original: CheckedFile, translation: CheckedFile) -> list[SiteError]:
    ours, theirs = original.values.get("details", ()), translation.values["details"]
    shape = [(bool(d.text), len(d.items), d.when) for d in ours]
    if shape != [(bool(d.text), len(d.items), d.when) for d in theirs]:
        return [SiteError(translation.source.display, translation.front.line("details"), "details",
                          f"must have the same entries, lists and dates as in {original.source.display}",
                          allowed="translate each label, text and item in place")]
    return []


def _texts(original: CheckedFile, translations: list[CheckedFile], config: SiteConfig) -> tuple[Text, ...]:
    order = config.language_codes
    ordered = sorted(translations, key=lambda c: order.index(c.source.lang))
    texts = [original.text]
    for t in ordered:
        text = replace(t.text, untranslated=True) if is_untouched_copy(t.text) else t.text
        # A translation without location or details keeps the original's (place names, dates).
        # (Copied only when there is something to copy: 30,000 translations at 10,000 events.)
        if (text.location is None and original.text.location) or (not text.details and original.text.details):
            text = replace(text, location=text.location or original.text.location,
                           details=text.details or original.text.details)
        texts.append(text)
    return tuple(texts)


def _digest(made_of: tuple[tuple[tuple[str, str], ...], tuple[tuple[datetime, int], ...]]) -> str:
    """Changes whenever anything the item is made from changes: its files' digests, sorted, and
    each revision's time and count (build_site's `made_of`)."""
    files, revisions = made_of
    parts = [*(digest for digest, _ in files), *(f"{modified.isoformat()}/{count}" for modified, count in revisions)]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


def _item(c: CheckedFile, texts: tuple[Text, ...], revisions: tuple[Revision, ...], digest: str) -> Item:
    v = c.values
    start_time, end_time = v.get("time", (None, None))
    modified = max((r.modified for r in revisions), default=None)
    if v.get("updated"):  # the editor's own word wins over file history
        modified = datetime.combine(v["updated"], time(0), timezone.utc)
    return Item(
        kind=c.source.kind, id=v["id"], source=c.source.display,
        category=v["category"], regions=v["regions"], when=v.get("when"), texts=texts,
        start_time=start_time, end_time=end_time, timezone=v.get("timezone"),
        city=v.get("city"), country=v.get("country"),
        coordinates=(v["place"].lat, v["place"].lon) if "place" in v else None,
        format=v.get("format", "in-person"),
        status=v.get("status", "confirmed"), program=v.get("program"), conference=v.get("conference", False),
        links=v.get("links", ()), updated=v.get("updated"), draft=v.get("draft", False),
        modified=modified, revisions=sum(r.count for r in revisions), digest=digest,
    )


def _kind_name(source: SourceFile) -> str:
    name = {"event": "an event", "program": "a program", "network": "a network", "page": "a page",
            "year": "a year's introduction"}[source.kind]
    return name + (" translation" if source.lang else "")
