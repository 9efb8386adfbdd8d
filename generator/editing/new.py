"""`sitegen new`: the text of a new event, program, network or translation file.

Pure: composes the file from the editor's answers and checks every value with
the build's own field checkers before anything is written, so a file it makes
always builds. Asking questions, refusing to overwrite and writing the file
are the CLI's part.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping

import yaml

from generator.config import SiteConfig
from generator.errors import SiteError
from generator.content.fields import FIELDS, Invalid, check_id
from generator.content.frontmatter import parse_front_matter
from generator.content.model import Item, Site
from generator.content.sources import KINDS
from generator.i18n.translations import fingerprint
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


@dataclass(frozen=True, slots=True)
class Request:
    """What the editor asked for: `sitegen new event "Title" --when 2025-11 ...`."""

    kind: str
    title: str | None = None
    when: str | None = None
    category: str | None = None
    regions: tuple[str, ...] = ()
    location: str | None = None
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


def slugify(title: str) -> str:
    """'Smart City Expo 2025' -> 'smart-city-expo-2025': ASCII letters, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def new_item(request: Request, config: SiteConfig, ids: Mapping[str, str]) -> NewFile:
    """The file of a new event, program or network; `ids` maps every existing item id to its file."""
    item_id = request.id or slugify(request.title or "")
    path = f"content/{SECTIONS[request.kind]}/{item_id}.md" if item_id else f"content/{SECTIONS[request.kind]}/"
    values = {"title": request.title, "summary": request.summary or SUMMARY_PLACEHOLDER,
              "category": request.category, "regions": list(request.regions),
              "when": request.when, "location": request.location}
    text = _front_matter({k: v for k, v in values.items() if v}) + _outline(request.kind)
    errors = _id_errors(path, item_id, request.id is not None, ids) + _field_errors(path, text, config)
    if errors:
        raise Refused(errors)
    return NewFile(path, text)


def new_translation(site: Site, doc_id: str, lang: str) -> NewFile:
    """A translation of item or page `doc_id` into `lang`, stamped with the original's fingerprint.

    The text fields and body are the original's, for the translator to replace.
    `site` must be built with drafts, so that drafts can be translated too.
    """
    doc = site.item(doc_id) or site.pages.get(doc_id)
    if doc is None:
        known = [i.id for i in site.items] + list(site.pages)
        raise Refused([SiteError("content/", None, "id", f"{doc_id!r} is not the id of an item or page"
                                 f"{did_you_mean(doc_id, sorted(known))}", ", ".join(closest(doc_id, sorted(known), 3)) or None)])
    path = f"{doc.source.removesuffix('.md')}.{lang}.md"
    targets = _target_languages(site.config)
    if lang not in targets:
        raise Refused([SiteError(path, None, "lang", f"{lang!r} is not a language to translate into"
                                 f"{did_you_mean(lang, targets)}", ", ".join(targets))])
    if doc.is_translated(lang):
        raise Refused([already_exists(path)])
    original = doc.original
    values: dict[str, Any] = {"title": original.title, "summary": original.summary}
    if isinstance(doc, Item) and original.location:
        values["location"] = original.location
    if original.details:
        values["details"] = [_detail(d) for d in original.details]
    values["translated_from"] = fingerprint(original)
    return NewFile(path, _front_matter(values) + original.body)


def already_exists(path: str) -> SiteError:
    return SiteError(path, None, None, "already exists, and sitegen new never overwrites a file",
                     "edit that file, or choose a different --id")


def ask_missing(request: Request, config: SiteConfig, ask: Callable[[str], str]) -> Request:
    """Ask for each missing required value until the build's checker accepts it."""
    for name in missing(request):
        prompt = _question(name, request.kind, config)
        while True:
            answer = ask(prompt).strip()
            value = tuple(r.strip() for r in answer.split(",") if r.strip()) if name == "regions" else answer
            problem = _answer_problem(name, value, config)
            if problem is None:
                request = replace(request, **{name: value})
                break
            prompt = f"  {problem}\n{_question(name, request.kind, config)}"
    return request


def _question(name: str, kind: str, config: SiteConfig) -> str:
    return {
        "title": f"Title of the {kind}: ",
        "when": "When (2025-11-04, 2025-11-04/2025-11-06, 2025-11, 2025-Q4 or 2025): ",
        "category": f"Category ({', '.join(c.key for c in config.categories)}): ",
        "regions": f"Regions, separated by commas ({', '.join(r.key for r in config.regions)}): ",
        "id": "Id of the item or page to translate (its file name without .md): ",
        "lang": f"Language ({', '.join(_target_languages(config))}): ",
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


def _field_errors(path: str, text: str, config: SiteConfig) -> list[SiteError]:
    """Check the file as the build will read it: parsed back, every field through its checker."""
    front, errors = parse_front_matter(text, path)
    for name, value in front.fields.items() if front else ():
        try:
            FIELDS[name].check(value, config)
        except Invalid as exc:
            errors.append(SiteError(path, None, name, str(exc), exc.allowed))
    return errors


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
