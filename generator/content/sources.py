"""content/ -> SourceFile values: the only stage that reads the content tree.

Classifies each file by folder (events, programs, networks, the introductions
of years, plain pages) and by name (`id.md` or the translation `id.LANG.md`,
`2025.md` in years/); refuses what an editor
could not mean: other file types, oversized files, links leading outside.
Images beside the Markdown are not sources: `read_images` reads the facts of
those the bodies show (content/images.py judges them).
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from generator.content.images import MAX_BYTES, SUFFIXES, ImageFile
from generator.errors import SiteError, display_path

KINDS = {"events": "event", "programs": "program", "networks": "network"}
"""Folder under content/ -> kind of item. Files directly in content/ are pages."""
YEARS = "years"
"""Folder under content/ of the years' introductions (`years/2025.md`): kind 'year'."""

MAX_FILE_BYTES = 512 * 1024
"""No real item comes near this; a larger file is a mistake or an attack."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    display: str
    """The path as printed in errors: 'content/events/excom-2024.md'."""
    kind: str
    """'event', 'program', 'network', 'year' or 'page'."""
    stem: str
    """File name without language and extension: the default id."""
    lang: str | None
    """The language of a translation file; None for an original."""
    text: str
    modified: int | None = None
    """The file's modification time (whole seconds since 1970; its target's, for a link) as it
    was read: what content/history.py dates an uncommitted edit by, without a second stat."""


TextReader = Callable[[Path, str, os.stat_result], str]
"""(path, display path, lstat) -> the text of a regular file: `read_text`, or one that notes
what it read (generator/incremental/snapshot.py: the signature the text was read under)."""


def read_text(path: Path, display: str, lstat: os.stat_result) -> str:
    """The file's text, '\r\n' as '\n'; UnicodeDecodeError if it is not UTF-8."""
    with open(path, "rb") as file:
        return file.read().decode("utf-8-sig").replace("\r\n", "\n")


Keeper = Callable[[Path, str, str, str, "str | None", os.stat_result], object]
"""(path, display path, kind, stem, language, lstat) -> what the caller kept of a file it knows
unchanged since it last read it (validate.FileFacts), given in the file's place; None: read it."""


def read_sources(content_dir: Path, root: Path, languages: tuple[str, ...], read: TextReader = read_text,
                 keep: Keeper | None = None, lstat: Callable[[str], os.stat_result] = os.lstat,
                 ) -> tuple[list, list[SiteError]]:
    """Every content file, in a stable order, with the problems found on the way; `read` gives
    each regular file's text, `lstat` its stat (not following links). With `keep`, a file it
    answers for is given as its answer, unread (a one-off build's cache: incremental/snapshot.py)."""
    real_root = content_dir.resolve()
    sources, errors = [], []
    for folder, names in _walk(content_dir):
        # What a folder's files share is worked out once per folder: a large site has tens of
        # thousands of files in a few folders, and pathlib's parsing of each path cost seconds.
        folder_path = Path(folder)
        display, kind = _folder_display(folder_path, root), _kind(folder_path / "-", content_dir)
        for name in names:
            try:
                info = lstat(os.path.join(folder, name))
            except OSError:
                continue  # deleted while we looked
            path = folder_path / name
            if keep is not None and kind is not None and (split := _split_name(name, languages)) is not None:
                kept = keep(path, display + name, kind, split[0], split[1], info)
                if kept is not None:
                    sources.append(kept)
                    continue
            result = _read(path, display + name, kind, info, real_root, content_dir, languages, read)
            (errors if isinstance(result, SiteError) else sources).append(result)
    return sources, errors


def read_source(path: Path, lstat: os.stat_result, content_dir: Path, real_root: Path, root: Path,
                languages: tuple[str, ...]) -> SourceFile | SiteError:
    """One content file, or why it cannot be one (`lstat`: its stat, not following links)."""
    return _read(path, display_path(path, root), _kind(path, content_dir), lstat, real_root, content_dir, languages)


def _read(path: Path, display: str, kind: str | None, lstat: os.stat_result, real_root: Path, content_dir: Path,
          languages: tuple[str, ...], read: TextReader = read_text) -> SourceFile | SiteError:
    problem, info = _check_file(path, lstat, real_root)
    if problem:
        return SiteError(display, None, None, problem)
    name = _split_name(path.name, languages)
    if kind is None or name is None:
        return SiteError(display, None, None, _misplaced(path, content_dir, languages))
    try:
        text = read(path, display, lstat)
    except UnicodeDecodeError as exc:
        return SiteError(display, None, None, f"not UTF-8 text (byte {exc.start})", allowed="save the file as UTF-8")
    return SourceFile(path, display, kind, name[0], name[1], text, int(info.st_mtime))


def walk_content(content_dir: Path) -> Iterator[Path]:
    """Files under content/, sorted, skipping dot-files (.gitkeep, .DS_Store) and images
    (`read_images` reads those a body shows)."""
    for folder, names in _walk(content_dir):
        folder_path = Path(folder)
        for name in names:
            yield folder_path / name


def _walk(content_dir: Path) -> Iterator[tuple[str, list[str]]]:
    """Each folder under content/ with the names `walk_content` yields in it, in its order:
    the files, then the links to folders (reported by _check_file, never followed)."""
    for folder, dirs, files in os.walk(content_dir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        names = [name for name in sorted(files) if not name.startswith(".") and not name.lower().endswith(SUFFIXES)]
        names += [name for name in dirs if os.path.islink(os.path.join(folder, name))]
        yield folder, names


def _folder_display(folder: Path, root: Path) -> str:
    """'content/events/': what `display_path` names a file of `folder`, less the file's name
    (the same for each of its files, whose names are plain names, never '..')."""
    return display_path(folder / "-", root)[:-1]


def _check_file(path: Path, lstat: os.stat_result, real_root: Path,
                max_bytes: int | None = MAX_FILE_BYTES) -> tuple[str | None, os.stat_result | None]:
    """Why the file cannot be read (None if it can), and its stat (its target's, for a link)."""
    info = lstat
    if stat.S_ISLNK(lstat.st_mode):  # only links need resolving (a large site has tens of thousands of files)
        try:
            target, info = path.resolve(strict=True), path.stat()
        except (OSError, RuntimeError):  # RuntimeError: a link loop, before Python 3.13
            return "is a link that leads nowhere (its target is missing or a loop); copy the file here instead", None
        if not target.is_relative_to(real_root):
            return "is a link to somewhere outside content/; copy the file here instead", None
    if not stat.S_ISREG(info.st_mode):  # a linked folder; a pipe or a device would hang the build
        return "is not a regular file; content/ holds Markdown files and folders", None
    if max_bytes is not None and info.st_size > max_bytes:
        return f"is larger than {max_bytes // 1024} KiB; split it or remove embedded data", None
    return None, info


def _kind(path: Path, content_dir: Path) -> str | None:
    parts = path.relative_to(content_dir).parts
    if len(parts) == 1:
        return "page"
    if len(parts) == 2:
        return "year" if parts[0] == YEARS else KINDS.get(parts[0])
    return None


def _split_name(name: str, languages: tuple[str, ...]) -> tuple[str, str | None] | None:
    """'excom-2024.md' -> ('excom-2024', None); 'excom-2024.ko.md' -> (.., 'ko')."""
    if not name.endswith(".md"):
        return None
    parts = name[:-3].split(".")
    if len(parts) == 1:
        return parts[0], None
    if len(parts) == 2 and parts[1] in languages:
        return parts[0], parts[1]
    return None


def _misplaced(path: Path, content_dir: Path, languages: tuple[str, ...]) -> str:
    if not path.name.endswith(".md"):
        return (f"is not a Markdown file or an image ({', '.join(SUFFIXES)}); content/ holds only those "
                "(other files, such as PDFs, go on a website the item links to)")
    if _kind(path, content_dir) is None:
        folders = ", ".join(f"content/{k}/" for k in (*KINDS, YEARS))
        return f"is not in a content folder (use: content/, {folders})"
    lang = path.name[:-3].split(".")[-1]
    return f"{lang!r} is not a language of site.toml (use: {', '.join(languages)})"


def read_images(content_dir: Path, root: Path, paths: Iterable[str]) -> dict[str, ImageFile]:
    """The facts of each image file named (project paths, 'content/events/images/x.jpg'):
    size, pixels, format and a hash of the bytes. Only headers are decoded, by Pillow."""
    real_root = content_dir.resolve()
    return {path: _read_image(root / path, path, real_root) for path in sorted(set(paths))
            if path.startswith("content/") and path.lower().endswith(SUFFIXES)}


def _read_image(file: Path, path: str, real_root: Path) -> ImageFile:
    from PIL import Image, UnidentifiedImageError  # a build without images never loads Pillow

    try:
        lstat = file.lstat()
    except OSError:
        return ImageFile(path, problem="does not exist")
    # No size limit here: content/images.py judges the size, at the line that shows the image.
    problem, _ = _check_file(file, lstat, real_root, max_bytes=None)
    if problem:
        return ImageFile(path, problem=problem)
    data = file.read_bytes()
    facts = ImageFile(path, size=len(data), digest=hashlib.sha256(data).hexdigest())
    if len(data) > MAX_BYTES:
        return facts  # too large to open: content/images.py says so
    try:
        with Image.open(file) as image:
            width, height = image.size
            if image.getexif().get(0x0112) in (5, 6, 7, 8):  # EXIF orientation: turned a quarter
                width, height = height, width
            return ImageFile(path, len(data), width, height, image.format, facts.digest,
                             animated=bool(getattr(image, "is_animated", False)))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return facts  # format None: not an image Pillow can read
