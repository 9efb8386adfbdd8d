"""`sitegen new`: the text of a new event, program, network or translation file.

Pure: composes the file from the editor's answers and checks every value with
the build's own field checkers before anything is written, so a file it makes
always builds. Asking questions, refusing to overwrite and writing the file
are the CLI's part.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from generator.config import SiteConfig
from generator.errors import SiteError
from generator.content.fields import FIELDS, Invalid, check_id
from generator.content.gazetteer import zone_of
from generator.content.markdown import slugify
from generator.content.model import FORMATS, Item, Site
from generator.content.sources import KINDS, SourceFile
from generator.content.validate import check_source
from generator.i18n.translations import copy_stamp
from generator.suggest import closest, did_you_mean

SECTIONS = {kind: folder for folder, kind in KINDS.items()}
"""Kind -> folder under content/: 'event' -> 'events'."""

SUMMARY_PLACEHOLDER = "[One or two sentences for lists, search results and calendar apps.]"
OUTLINES = {
    "event": (("Description", "[What happens, who it is for and what WeGO does there.]"),
              ("Agenda", "[The programme: days, sessions, speakers.]"),
              ("How to take part", "[Registration, deadlines, whom to contact.]")),
    "program": (("Description", "[What the program offers and who it is for.]"),
                ("How it works", "[Stages, dates and what participants receive.]"),
                ("How to apply", "[Who can apply, until when, and how.]")),
    "network": (("Description", "[What the network is for and which cities belong to it.]"),
                ("Activities", "[Its meetings and projects this year.]")),
}
"""The body of a new file: headings, each with a line for the editor to replace."""
PLACEHOLDERS = frozenset(line for outline in OUTLINES.values() for _heading, line in outline)
"""Lines `sitegen check` warns about while they are still in a file."""

OPTIONS = {"title": "TITLE", "when": "--when", "category": "--category", "regions": "--region",
           "id": "ID", "lang": "--lang"}
"""Field -> how the command line names it, for 'missing: ...' messages."""
OPTIONAL = ("format", "location", "city", "country", "time", "timezone")
"""Fields a terminal asks for after the required ones, in this order; Enter skips each."""


@dataclass(frozen=True, slots=True)
class Request:
    """What the editor asked for: `sitegen new event "Title" --when 2025-11 ...`."""

    kind: str
    title: str | None = None
    when: str | None = None
    category: str | None = None
    regions: tuple[str, ...] = ()
    format: str | None = None
    location: str | None = None
    city: str | None = None
    country: str | None = None
    time: str | None = None
    """Passed to the `time` field as written: '09:30' or '09:30-17:00'."""
    timezone: str | None = None
    id: str | None = None
    summary: str | None = None
    lang: str | None = None
    """For a translation: the language to translate into."""


@dataclass(frozen=True, slots=True)
class NewFile:
    path: str
    """Relative to the project folder: 'content/events/smart-city-expo-2025.md'."""
    text: str


class Refused(Exception):
    """The file cannot be made as asked; carries every reason, as the build would word them."""

    def __init__(self, errors: list[SiteError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def required(kind: str) -> tuple[str, ...]:
    """Fields the editor must give; the summary may wait (a placeholder is written)."""
    if kind == "translation":
        return ("id", "lang")
    names = [name for name, f in FIELDS.items() if kind in f.required and name != "summary"]
    return tuple(sorted(names, key=list(OPTIONS).index))


def missing(request: Request) -> tuple[str, ...]:
    return tuple(name for name in required(request.kind) if not getattr(request, name))


def missing_message(request: Request) -> str:
    """What to add to the command line when there is no terminal to ask on."""
    example = ("sitegen new translation excom-2024 --lang ko" if request.kind == "translation" else
               f'sitegen new {request.kind} "Smart City Expo 2025" --when 2025-11 --category networking '
               f"--region europe-mediterranean")
    names = ", ".join(OPTIONS[name] for name in missing(request))
    return f"sitegen new {request.kind}: missing {names} (use: {example})"


def new_item(request: Request, config: SiteConfig, ids: Mapping[str, str]) -> NewFile:
    """The file of a new event, program or network; `ids` maps every existing item id to its file."""
    item_id = request.id or slugify(request.title or "", ascii=True)  # ids name files and addresses
    path = f"content/{SECTIONS[request.kind]}/{item_id}.md" if item_id else f"content/{SECTIONS[request.kind]}/"
    text = _item_text(request)
    errors = _id_errors(path, item_id, request.id is not None, ids)
    errors += [e for e in file_problems(request, config, path, item_id or "new") if e.field != "id"]
    if errors:
        raise Refused(errors)
    return NewFile(path, text)


def _item_text(request: Request) -> str:
    values = {"title": request.title, "summary": request.summary or SUMMARY_PLACEHOLDER,
              "category": request.category, "regions": list(request.regions), "when": request.when,
              **{name: getattr(request, name) for name in OPTIONAL}}
    return _front_matter({k: v for k, v in values.items() if v}) + _outline(request.kind)


def file_problems(request: Request, config: SiteConfig, path: str = "", stem: str = "new") -> list[SiteError]:
    """The build's own errors for the file this request makes, without line numbers (the file
    does not exist yet): every field's checker, and what involves several fields (a city and its
    country on the map, a time and its zone)."""
    path = path or f"content/{SECTIONS[request.kind]}/{stem}.md"
    source = SourceFile(Path(path), path, request.kind, stem, None, _item_text(request))
    return [replace(e, line=None) for e in check_source(source, config)[1]]


def new_translation(site: Site, doc_id: str, lang: str) -> NewFile:
    """A translation of item or page `doc_id` into `lang`: a copy of the original, marked
    `translated_from: not yet translated (FINGERPRINT)`.

    The text fields and body are the original's, for the translator to replace; until
    they change (or the file is stamped) it counts as not yet translated.
    `site` must be built with drafts, so that drafts can be translated too.
    """
    doc = site.item(doc_id) or site.pages.get(doc_id)
    if doc is None:
        known = [i.id for i in site.items] + list(site.pages)
        raise Refused([SiteError("content/", None, "id", f"{doc_id!r} is not the id of an item or page"
                                 f"{did_you_mean(doc_id, sorted(known))}",
                                 ", ".join(closest(doc_id, sorted(known), 3)) or None)])
    path = f"{doc.source.removesuffix('.md')}.{lang}.md"
    targets = _target_languages(site.config)
    if lang not in targets:
        raise Refused([SiteError(path, None, "lang", f"{lang!r} is not a language to translate into"
                                 f"{did_you_mean(lang, targets)}", ", ".join(targets))])
    if any(t.lang == lang for t in doc.texts):  # an untranslated copy is a file too
        raise Refused([already_exists(path)])
    original = doc.original
    values: dict[str, Any] = {"title": original.title, "summary": original.summary}
    if isinstance(doc, Item) and original.location:
        values["location"] = original.location
    if original.details:
        values["details"] = [_detail(d) for d in original.details]
    values["translated_from"] = copy_stamp(original)
    return NewFile(path, _front_matter(values) + original.body)


def already_exists(path: str) -> SiteError:
    return SiteError(path, None, None, "already exists, and sitegen new never overwrites a file",
                     "edit that file, or choose a different --id")


def ask_missing(request: Request, config: SiteConfig, ask: Callable[[str], str]) -> Request:
    """Ask for each missing required value, then for the optional ones (Enter skips), each until
    the build's checker accepts it; then again for any the whole file's check still refuses
    (a city the map cannot place in that country, a time without its zone)."""
    for name in missing(request):
        request = _ask(request, name, config, ask, required=True)
    if request.kind == "translation":
        return request
    asked = [name for name in optional(request.kind) if getattr(request, name) is None]
    for name in asked:
        request = _ask(request, name, config, ask, required=False)
    while True:
        problems = sorted((e for e in file_problems(request, config) if e.field in asked),
                          key=lambda e: OPTIONAL.index(e.field))  # the city before the zone it suggests
        if not problems:
            return request
        first = problems[0]
        hint = f" (use: {first.allowed})" if first.allowed else ""
        request = _ask(request, first.field, config, ask, required=False,
                       problem=f"{first.field}: {first.message}{hint}")


def optional(kind: str) -> tuple[str, ...]:
    """The optional fields `sitegen new` takes for this kind of file."""
    return tuple(name for name in OPTIONAL if kind in FIELDS[name].kinds)


def _ask(request: Request, name: str, config: SiteConfig, ask: Callable[[str], str], *, required: bool,
         problem: str | None = None) -> Request:
    default = zone_of(request.city, request.country) if name == "timezone" and request.city else None
    if name == "timezone" and not request.time:
        return request  # a zone without a time is refused: it is asked for after a time only
    prompt = _question(name, request.kind, config, default)
    prompt = f"  {problem}\n{prompt}" if problem else prompt
    while True:
        answer = ask(prompt).strip() or (default or "")
        value = tuple(r.strip() for r in answer.split(",") if r.strip()) if name == "regions" else answer
        if not value and not required:
            return replace(request, **{name: None})
        problem = _answer_problem(name, value, config)
        if problem is None:
            return replace(request, **{name: value})
        prompt = f"  {problem}\n{_question(name, request.kind, config, default)}"


def _question(name: str, kind: str, config: SiteConfig, default: str | None = None) -> str:
    skip = f" [{default}]" if default else " (Enter to skip)"
    return {
        "title": f"Title of the {kind}: ",
        "when": "When (2025-11-04, 2025-11-04/2025-11-06, 2025-11, 2025-Q4 or 2025): ",
        "category": f"Category ({', '.join(c.key for c in config.categories)}): ",
        "regions": f"Regions, separated by commas ({', '.join(r.key for r in config.regions)}): ",
        "id": "Id of the item or page to translate (its file name without .md): ",
        "lang": f"Language ({', '.join(_target_languages(config))}): ",
        "format": f"Format ({', '.join(FORMATS)}){skip}: ",
        "location": f"Location as displayed, e.g. 'Berlin, Germany'{skip}: ",
        "city": f"City, for the map, e.g. Berlin{skip}: ",
        "country": f"Country code, e.g. DE{skip}: ",
        "time": f"Time, '09:30' or '09:30-17:00'{skip}: ",
        "timezone": f"Time zone, e.g. Europe/Berlin{skip}: ",
    }[name]


def _target_languages(config: SiteConfig) -> list[str]:
    return [code for code in config.language_codes if code != config.site.default_language]


def _answer_problem(name: str, value: Any, config: SiteConfig) -> str | None:
    if not value:
        return "this is needed"
    if name not in FIELDS or name == "id":
        return None
    try:
        FIELDS[name].check(list(value) if name == "regions" else value, config)
    except Invalid as exc:
        return f"{name}: {exc}" + (f" (use: {exc.allowed})" if exc.allowed else "")
    return None


def _id_errors(path: str, item_id: str, given: bool, ids: Mapping[str, str]) -> list[SiteError]:
    if not item_id:
        return [SiteError(path, None, "id", "the title has no Latin letters or digits to make an id from",
                          "--id smart-city-expo-2025")]
    try:
        check_id(item_id, None)
    except Invalid as exc:
        return [SiteError(path, None, "id", str(exc), exc.allowed if given else "a shorter --id")]
    if ids.get(item_id) == path:
        return [already_exists(path)]
    if item_id in ids:
        return [SiteError(path, None, "id", f"{item_id!r} is already the id of {ids[item_id]}",
                          "a different --id")]
    return []


def _front_matter(values: Mapping[str, Any]) -> str:
    """YAML in the order given; short lists in brackets, details as an indented list."""
    lines = [yaml.safe_dump({name: value}, allow_unicode=True, sort_keys=False, width=10_000,
                            default_flow_style=None if name == "regions" else False)
             for name, value in values.items()]
    return "---\n" + "".join(lines) + "---\n"


def _outline(kind: str) -> str:
    return "\n".join(f"## {heading}\n\n{line}\n" for heading, line in OUTLINES[kind])


def _detail(detail) -> dict[str, Any]:
    entry: dict[str, Any] = {"label": detail.label}
    if detail.when is not None:
        entry["when"] = str(detail.when)
    elif detail.items:
        entry["items"] = list(detail.items)
    else:
        entry["text"] = detail.text
    return entry
