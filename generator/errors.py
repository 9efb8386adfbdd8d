"""The one error type of the build, and how it prints.

Every stage reports problems as `SiteError` values and carries on, so that one
run shows an editor every mistake at once; the pipeline raises `BuildFailed`
with all of them at the end of the stage that found them.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import jinja2


@dataclass(frozen=True, slots=True)
class SiteError:
    """One problem in one place: `path:line: field: message (use: allowed)`."""

    path: str
    """The file, relative to the project folder where possible."""
    line: int | None
    """1-based line in that file, when the parser knows it."""
    field: str | None
    """The front matter field or config key at fault."""
    message: str
    """What is wrong, in words an editor understands."""
    allowed: str | None = None
    """What would be accepted instead."""
    severity: str = "error"
    """`error` stops the build; `warning` is reported by `sitegen check` only."""

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = f"{_shown(self.field)}: {self.message}" if self.field else self.message
        hint = f" (use: {self.allowed})" if self.allowed else ""
        return f"{where}: {what}{hint}"

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.field or "", self.message)


def _shown(field: str) -> str:
    """A field's name as an editor typed it, quoted and escaped when it holds what a terminal
    would not show as itself (a line break such as NEL, an escape sequence, only spaces, spaces
    around it): one error stays one line, and says which key was meant."""
    if field.isprintable() and field.strip() == field:
        return field
    return repr(field)


class BuildFailed(Exception):
    """Raised by a stage that found errors; carries every one of them, sorted."""

    def __init__(self, errors: Iterable[SiteError]):
        self.errors = tuple(sorted(errors, key=SiteError.sort_key))
        super().__init__("\n".join(str(e) for e in self.errors))

    def __reduce__(self):
        # Raised in a worker process (a brochure's PDF), it travels back whole, not as its text.
        return BuildFailed, (self.errors,)


def display_path(path: Path, root: Path) -> str:
    """A path as editors see it: relative to the project folder when inside it.

    Only the folders are resolved: a link is named as itself, never as its
    target (which may be missing, a loop, or outside the project)."""
    if path.is_absolute() and path.is_relative_to(root) and ".." not in path.parts:
        return path.relative_to(root).as_posix()  # the common case, without touching the disk
    try:
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def fail_if(errors: list[SiteError]) -> None:
    """End the stage with every error it collected, if any."""
    if any(e.severity == "error" for e in errors):
        raise BuildFailed(e for e in errors if e.severity == "error")


def layout_error(exc: Exception, layouts: Path) -> SiteError:
    """A template's failure as `layouts/FILE:LINE`: Jinja2 puts template frames in the
    traceback. Anything that did not happen in a layout is a bug and is raised again."""
    root = layouts.resolve()
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name = Path(exc.filename).resolve().relative_to(root).as_posix() if exc.filename else exc.name
        return SiteError(f"layouts/{name}", exc.lineno, None, exc.message or str(exc))
    if isinstance(exc, jinja2.TemplateNotFound):
        return SiteError(f"layouts/{exc.name}", None, None, "is missing: a page needs this template")
    # A worker's exception (parallel.TaskFailed) carries its frames and description itself.
    frames = getattr(exc, "frames", None) or [(f.filename, f.lineno) for f in traceback.extract_tb(exc.__traceback__)]
    frames = [(file, line) for file, line in frames if Path(file).is_relative_to(root)]
    if not frames:
        raise exc
    file, line = frames[-1]
    path = "layouts/" + Path(file).relative_to(root).as_posix()
    return SiteError(path, line, None, getattr(exc, "description", None) or f"{type(exc).__name__}: {exc}")
