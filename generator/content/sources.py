"""content/ -> SourceFile values: the only stage that reads the content tree.

Classifies each file by folder (events, programs, networks, plain pages) and
by name (`id.md` or the translation `id.LANG.md`); refuses what an editor
could not mean: other file types, oversized files, links leading outside.
Images beside the Markdown are not sources: `read_images` reads the facts of
those the bodies show (content/images.py judges them).
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from generator.content.images import MAX_BYTES, SUFFIXES, ImageFile
from generator.errors import SiteError, display_path

KINDS = {"events": "event", "programs": "program", "networks": "network"}
"""Folder under content/ -> kind of item. Files directly in content/ are pages."""

MAX_FILE_BYTES = 512 * 1024
"""No real item comes near this; a larger file is a mistake or an attack."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    display: str
    """The path as printed in errors: 'content/events/excom-2024.md'."""
    kind: str
    """'event', 'program', 'network' or 'page'."""
    stem: str
    """File name without language and extension: the default id."""
    lang: str | None
    """The language of a translation file; None for an original."""
    text: str


@dataclass
class SourceCache:
    """What a long-running preview keeps of the content tree between rebuilds."""

    files: dict = field(default_factory=dict)
    """Path -> (stamp, SourceFile or SiteError) as last read."""
    order: list[Path] | None = None
    """Every path of the last full walk, in order."""


def read_sources(content_dir: Path, root: Path, languages: tuple[str, ...], cache: SourceCache | None = None,
                 changed: set[Path] | None = None) -> tuple[list[SourceFile], list[SiteError]]:
    """Every content file, in a stable order, with the problems found on the way.

    `cache` (kept by a long-running preview) holds each path's last result and the
    stamp it had: files that did not change are not read again. `changed` (the
    watcher's report) names the only files that may differ since the cache was
    filled: when none of them was added or removed, the tree is not walked either.
    """
    cache = SourceCache() if cache is None else cache
    paths = _known_paths(cache, changed, content_dir)
    if paths is None:
        paths = cache.order = list(_walk(content_dir))
        walked = set(paths)
        for gone in [path for path in cache.files if path not in walked]:
            del cache.files[gone]  # so that a file made again under its old name counts as new
        check = paths
    else:
        check = [p for p in changed if p in cache.files]
    real_root = content_dir.resolve()
    saved = changed or set()
    for path in check:
        if path.suffix.lower() in SUFFIXES:
            continue  # an image: read by read_images if a body shows it
        try:
            stat = path.lstat()
        except OSError:
            continue  # deleted while we looked (a later walk drops it)
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        # A file the watcher saw saved is read again even if its stamp is the same: two saves of
        # the same length within the file system's clock tick leave the same size and time.
        if path in saved or path not in cache.files or cache.files[path][0] != stamp:
            cache.files[path] = (stamp, _read_one(path, stat, content_dir, real_root, root, languages))
    sources, errors = [], []
    for path in paths:
        if path in cache.files:
            result = cache.files[path][1]
            (errors if isinstance(result, SiteError) else sources).append(result)
    return sources, errors


def _known_paths(cache: SourceCache, changed: set[Path] | None, content_dir: Path) -> list[Path] | None:
    """The last walk's paths, if still right: no changed file was added to or removed from content/."""
    if changed is None or cache.order is None:
        return None
    content = os.path.abspath(content_dir)
    for path in changed:
        if path in cache.files:
            if not os.path.lexists(path):
                return None  # deleted
            continue
        relative = os.path.relpath(os.path.abspath(path), content)
        if relative.startswith(".."):
            continue  # a layout, an asset, site.toml: not content
        if not any(part.startswith(".") for part in Path(relative).parts):  # the walk skips dot-files
            return None  # new: walk
    return cache.order


def _read_one(path: Path, lstat: os.stat_result, content_dir: Path, real_root: Path, root: Path,
              languages: tuple[str, ...]) -> SourceFile | SiteError:
    display = display_path(path, root)
    problem = _check_file(path, lstat, real_root)
    if problem:
        return SiteError(display, None, None, problem)
    kind = _kind(path, content_dir)
    name = _split_name(path.name, languages)
    if kind is None or name is None:
        return SiteError(display, None, None, _misplaced(path, content_dir, languages))
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return SiteError(display, None, None, f"not UTF-8 text (byte {exc.start})", allowed="save the file as UTF-8")
    return SourceFile(path, display, kind, name[0], name[1], text.replace("\r\n", "\n"))


def _walk(content_dir: Path):
    """Files under content/, sorted, skipping dot-files (.gitkeep, .DS_Store)."""
    for folder, dirs, files in os.walk(content_dir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name
        for name in dirs:
            if (Path(folder) / name).is_symlink():
                yield Path(folder) / name  # reported by _check_file, never followed


def _check_file(path: Path, lstat: os.stat_result, real_root: Path, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    info = lstat
    if stat.S_ISLNK(lstat.st_mode):  # only links need resolving (a large site has tens of thousands of files)
        try:
            target, info = path.resolve(strict=True), path.stat()
        except (OSError, RuntimeError):  # RuntimeError: a link loop, before Python 3.13
            return "is a link that leads nowhere (its target is missing or a loop); copy the file here instead"
        if not target.is_relative_to(real_root):
            return "is a link to somewhere outside content/; copy the file here instead"
    if not stat.S_ISREG(info.st_mode):  # a linked folder; a pipe or a device would hang the build
        return "is not a regular file; content/ holds Markdown files and folders"
    if info.st_size > max_bytes:
        return f"is larger than {max_bytes // 1024} KiB; split it or remove embedded data"
    return None


def _kind(path: Path, content_dir: Path) -> str | None:
    parts = path.relative_to(content_dir).parts
    if len(parts) == 1:
        return "page"
    if len(parts) == 2:
        return KINDS.get(parts[0])
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
        return f"is not in a content folder (use: content/, {', '.join('content/' + k + '/' for k in KINDS)})"
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
    problem = _check_file(file, lstat, real_root, max_bytes=1 << 62)
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
