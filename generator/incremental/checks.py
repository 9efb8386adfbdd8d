"""Content files' checks kept for the next one-off build: an unchanged file is neither parsed nor checked again.

I/O: one file under .cache/checks/, read when the build starts and written once its
files are checked. Each file's check (content/validate.check_source) is kept as
plain tuples of builtins, by the SHA-256 of its text, its path, kind and language,
under one version of the generator and one site.toml; the text itself is not kept
(the build has just read it). Each file's tuples are held as one `bytes` (marshal),
made into tuples only when its file is checked: a large site's million small tuples,
made and freed while the model is built, fragmented the heap the render workers fork
from (copy-on-write faults) and kept the collector busy. Files with errors are checked again each
time. A damaged, foreign or stale file is ignored: it only makes the build slower.
"""

from __future__ import annotations

import hashlib
import marshal
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
from generator.content.validate import Checked, CheckedFile, check_source, checked_file
from generator.content.when import Precision, When
from generator.incremental.sealed import read_sealed, write_sealed

VERSION = 2
"""Of the layout below: a file of another version is ignored."""

Record = tuple
"""(text's SHA-256, kind, lang, front matter's fields, their lines, body line, where the body
starts in the text, the checked values (`_encode`), the links as (path relative to the file's
folder, body line), the Text's digest)."""

_MODEL = (When, Detail, Link, Place)
"""The types a checked value may hold besides builtins, dates, times and Precision."""
_MAKERS = {b"date": date.fromordinal, b"time": time, b"Precision": Precision,
           **{cls.__name__.encode(): cls for cls in _MODEL}}


class Checks:
    """`check`, as content/validate.build_site takes it, answering from the last build's checks
    where a file's text, place and kind and site.toml are unchanged; `save` keeps this build's."""

    def __init__(self, file: Path, code: str, fresh: bool = False):
        self.file = file
        self.code = code
        """The generator's and its libraries' stamp: another one makes every check stale."""
        self.fresh = fresh
        """Take nothing from the last build (its checks are replaced on leaving `with`)."""
        self._settings: str | None = None
        self._kept: dict[str, bytes] = {}
        """The last build's checks, by display path, each a `Record` in marshal: read on entering `with`."""
        self._records: dict[str, bytes] = {}
        """This build's checks, by display path, as in `_kept`: what `save` writes (one version per file)."""
        self._config: tuple[SiteConfig | None, str | None] = (None, None)

    def __enter__(self) -> Checks:
        if not self.fresh:
            self._settings, self._kept = _load(self.file, self.code)
        return self

    def __exit__(self, *_exc) -> None:
        """Saved even when the build failed: the files that passed need not be checked again."""
        self.save()
        self._kept, self._records = {}, {}  # a large site's checks: not held through the render

    def check(self, source: SourceFile, config: SiteConfig) -> Checked:
        """content/validate.check_source's answer: the kept one if made from this very text, at
        this path, as this kind and language, under these settings; else checked now."""
        settings = self._settings_of(config)
        digest = hashlib.sha256(source.text.encode()).digest()
        kept = self._kept.get(source.display) if settings == self._settings else None
        record = _loads(kept) if type(kept) is bytes else None
        if type(record) is tuple and record[:3] == (digest, source.kind, source.lang):
            restored = _restore(record, source, config)
            if restored is not None:
                self._records[source.display] = kept
                return restored, []
        checked, errors = check_source(source, config)
        if checked is not None:
            record = _record(digest, checked)
            if record is not None:
                self._records[source.display] = marshal.dumps(record)
        return checked, errors

    def save(self) -> None:
        """Keep this build's checks for the next; if the disk refuses, the next build checks every file."""
        settings = self._config[1]
        if settings is None or (settings == self._settings and self._records == self._kept):
            return
        write_sealed(self.file, {"version": VERSION, "code": self.code, "settings": settings, "records": self._records})

    def _settings_of(self, config: SiteConfig) -> str:
        """A stable digest of the settings (repr of frozen dataclasses of builtins), made once per
        config; checks made under another config are not kept beside these."""
        if config is not self._config[0]:
            settings = hashlib.sha256(repr(config).encode()).hexdigest()
            if self._config[1] not in (None, settings):
                self._records.clear()
            self._config = (config, settings)
        return self._config[1]


def _load(file: Path, code: str) -> tuple[str | None, dict[str, Record]]:
    data = read_sealed(file)
    try:
        if data is None or data["version"] != VERSION or data["code"] != code or not isinstance(data["records"], dict):
            return None, {}
        return data["settings"], data["records"]
    except (KeyError, TypeError):
        return None, {}


def _loads(kept: bytes) -> Record | None:
    """A kept record's tuple; None if it is not one marshal can read."""
    try:
        return marshal.loads(kept)
    except (ValueError, EOFError, TypeError):
        return None


def _record(digest: bytes, checked: CheckedFile) -> Record | None:
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
    return (digest, checked.source.kind, checked.source.lang, front.fields, front.lines, front.body_line,
            start, values, links, checked.text.digest)


def _restore(record: Record, source: SourceFile, config: SiteConfig) -> CheckedFile | None:
    """The CheckedFile that `record` keeps, for `source` (whose text it was made from); None
    if the record is not one `_record` made."""
    try:
        _, _, _, front_fields, lines, body_line, start, values, links, digest = record
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
