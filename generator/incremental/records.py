"""A content file's check as plain builtins, and back: what .cache/checks/ keeps of each file.

Pure: no file access. `record` turns a CheckedFile (content/validate.py) into tuples,
dicts and strings that marshal keeps, without its text; `restore` makes the same
CheckedFile again from the record and the file's text. A record `restore` cannot
read gives None: the file is then checked again, never trusted.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import fields
from datetime import date, time
from pathlib import Path
from typing import Any

from generator.config import Place, SiteConfig
from generator.content.frontmatter import FrontMatter
from generator.content.model import Detail, Link
from generator.content.sources import SourceFile
from generator.content.validate import CheckedFile, checked_file
from generator.content.when import Precision, When

Record = tuple
"""(kind, lang, front matter's fields, their lines, body line, where the body starts in the
text, the checked values (`_encode`), the links as (path relative to the file's folder, body
line), the Text's digest)."""

_MODEL = (When, Detail, Link, Place)
"""The types a checked value may hold besides builtins, dates, times and Precision."""
_MAKERS = {b"date": date.fromordinal, b"time": time, b"Precision": Precision,
           **{cls.__name__.encode(): cls for cls in _MODEL}}


def record(checked: CheckedFile) -> Record | None:
    """A checked file as builtins, without its text; None if it cannot be kept (a value of a
    type `_encode` does not know is checked again each time, never kept wrongly)."""
    front, text = checked.front, checked.source.text
    start = len(text) - len(front.body)
    if text[start:] != front.body:
        return None
    folder = os.path.dirname(checked.source.path)
    try:
        values = {name: _encode(value) for name, value in checked.values.items()}
    except TypeError:
        return None
    links = tuple((os.path.relpath(target, folder), line) for target, line in checked.links)
    return (checked.source.kind, checked.source.lang, front.fields, front.lines, front.body_line,
            start, values, links, checked.text.digest)


def restore(kept: Record, source: SourceFile, config: SiteConfig) -> CheckedFile | None:
    """The CheckedFile that `kept` keeps, for `source` (whose text it was made from); None
    if it is not a record `record` made of a file of this kind and language."""
    try:
        kind, lang, front_fields, lines, body_line, start, values, links, digest = kept
        if kind != source.kind or lang != source.lang:
            return None
        front = FrontMatter(front_fields, lines, source.text[start:], body_line)
        # Kept relative to the file's folder: a project moved with its .cache/ links the same files.
        folder = os.path.dirname(source.path) if links else ""
        targets = tuple((Path(posixpath.normpath(posixpath.join(folder, target))), line) for target, line in links)
        values = {name: _decode(value) if type(value) is tuple else value for name, value in values.items()}
        return checked_file(source, front, values, config, targets, digest)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None


def _encode(value: Any) -> Any:
    """A checked value as builtins marshal keeps: a date, time or model object becomes a
    tuple led by its type's name as bytes (which no checked value holds otherwise)."""
    kind = type(value)
    if kind in (str, int, float, bool, type(None)):
        return value
    if kind is tuple:
        return tuple(_encode(v) for v in value)
    if kind is date:
        return (b"date", value.toordinal())
    if kind is time and value.tzinfo is None:
        return (b"time", value.hour, value.minute, value.second, value.microsecond)
    if kind is Precision:
        return (b"Precision", value.value)
    if kind in _MODEL:
        return (kind.__name__.encode(), *(_encode(getattr(value, f.name)) for f in fields(kind)))
    raise TypeError(f"a checked value of type {kind.__name__} cannot be kept")


def _decode(value: tuple) -> Any:
    """What `_encode` made a tuple of (its other values are themselves)."""
    parts = [_decode(v) if type(v) is tuple else v for v in value]
    if parts and type(parts[0]) is bytes:
        return _MAKERS[parts[0]](*parts[1:])
    return tuple(parts)
