"""The checks that involve several files, on what each file says of itself (FileFacts): ids
unique across the site, programs that exist, the plain pages the layouts link to, links
between content files.

Pure: takes the facts validate.py made of each checked file (or a one-off build's cache kept:
incremental/snapshot.py) and returns the errors; reads no file.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping, NamedTuple

from generator.content.history import Revision
from generator.content.model import Item
from generator.errors import SiteError
from generator.suggest import did_you_mean

PAGE_IDS = ("home", "about", "contact")
"""Plain pages the layouts link to; each must exist."""


class FileFacts(NamedTuple):
    """What the checks across files need of a file that passed its own check: its item's name,
    its id, the lines of `id` and `program`, its links and its text's digest. A one-off build's
    cache (incremental/snapshot.py) keeps them, and gives `build_site` an unchanged file as these,
    unread: checked from the same text under the same settings, it would check the same. (A named
    tuple, not a dataclass: a large site makes one per file on every build, five times faster.)"""

    path: Path
    display: str
    kind: str
    stem: str
    lang: str | None
    modified: int | None
    """As SourceFile.modified: what history dates an uncommitted edit by."""
    id: str
    id_line: int
    """The line of `id`, or 1 when the file name gives the id (FrontMatter.line)."""
    id_written: bool
    """Whether the file has an `id` line."""
    program_line: int
    draft: bool
    digest: str
    """Text.digest: the hash of the file's text."""
    links: tuple[tuple[Path, int], ...]
    """Content files the body links to, each with the file line of its link."""


def check_ids(originals, history: Mapping[Path, Revision]) -> list[SiteError]:
    """Ids are unique across kinds: one id is one calendar UID and one address, permanent once
    published. Of the files claiming an id, the one git has known longest keeps it; between
    files as old (or outside git), the one named after the id (as `sitegen new` names files),
    then the first by name. The error goes to the others: the new file is the one to change."""
    def age(f: FileFacts) -> tuple:
        added = history[f.path].added if f.path in history else None
        return (added is None, added or datetime.min.replace(tzinfo=timezone.utc), f.stem != f.id, f.display)

    first: dict[str, FileFacts] = {}
    errors = []
    for f in sorted(originals, key=age):
        if f.kind in ("page", "year"):
            continue
        if f.id not in first:
            first[f.id] = f
            continue
        from_name = "" if f.id_written else " (this file's id comes from its name)"
        errors.append(SiteError(
            f.display, f.id_line, "id",
            f"{f.id!r} is already the id of {first[f.id].display}{from_name}; an id is "
            f"permanent once published, so that file keeps it",
            allowed="choose another id for this new file" + (": rename it, or add an id line" if from_name else ""),
        ))
    return errors


def check_references(items: list[Item], originals, pages, sources, broken, facts: list[FileFacts]) -> list[SiteError]:
    errors = []
    containers = {i.id: i for i in items if i.kind in ("program", "network")}
    unchecked = {stem for kind, stem in broken if kind in ("program", "network")}
    by_source = {f.display: f for f in originals.values()}
    for item in items:
        if item.program is not None and item.program not in containers and item.program not in unchecked:
            errors.append(SiteError(item.source, by_source[item.source].program_line, "program",
                                    f"{item.program!r} is not a published program or network"
                                    f"{did_you_mean(item.program, sorted(containers))}",
                                    allowed=", ".join(sorted(containers)) or "no program exists yet"))
    for page_id in PAGE_IDS:
        if page_id not in pages and ("page", page_id) not in broken:
            errors.append(SiteError(f"content/{page_id}.md", None, None, "is missing; the site links to it"))
    known = {s.path for s in sources}  # links are resolved against these same absolute paths
    for f in facts:
        for target, line in f.links:
            if target not in known:
                nearby = sorted(p.name for p in known if p.parent == target.parent)
                errors.append(SiteError(f.display, line, "body",
                                        f"links to {target.name}, which is not a content file"
                                        f"{did_you_mean(target.name, nearby)}",
                                        allowed="a path to a .md file in content/, e.g. ../events/excom-2024.md"))
    return errors
