"""The content tree as a preview keeps it: a file is read again only when it changed.

I/O (stats and reads under content/, through content/sources.py). A file's
stamp (time, size, inode) says whether to read it again; the watcher's list of
saved files says whether the tree must be walked again at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.content.sources import SourceFile, read_source, walk_content
from generator.errors import SiteError

Stamp = tuple[int, int, int]


@dataclass
class ContentReader:
    """What a long-running preview keeps of the content tree between rebuilds."""

    files: dict[Path, tuple[Stamp, SourceFile | SiteError]] = field(default_factory=dict)
    """Path -> (stamp, what it was read as) as last read."""
    order: list[Path] | None = None
    """Every path of the last full walk, in order."""

    def read(self, content_dir: Path, root: Path, languages: tuple[str, ...],
             changed: set[Path] | None = None) -> tuple[list[SourceFile], list[SiteError]]:
        """What content/sources.read_sources gives, reading only files whose stamp changed.
        `changed` (the watcher's report) names the only files that may differ since the last
        call: when none of them was added or removed, the tree is not walked either."""
        paths = self._known_paths(changed, content_dir)
        if paths is None:
            paths = self.order = list(walk_content(content_dir))
            walked = set(paths)
            for gone in [path for path in self.files if path not in walked]:
                del self.files[gone]  # so that a file made again under its old name counts as new
            check = paths
        else:
            check = [p for p in changed if p in self.files]
        real_root = content_dir.resolve()
        saved = changed or set()
        for path in check:
            try:
                stat = path.lstat()
            except OSError:
                continue  # deleted while we looked (a later walk drops it)
            stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            # A file the watcher saw saved is read again even if its stamp is the same: two saves of
            # the same length within the file system's clock tick leave the same size and time.
            if path in saved or path not in self.files or self.files[path][0] != stamp:
                self.files[path] = (stamp, read_source(path, stat, content_dir, real_root, root, languages))
        sources, errors = [], []
        for path in paths:
            if path in self.files:
                result = self.files[path][1]
                (errors if isinstance(result, SiteError) else sources).append(result)
        return sources, errors

    def stamp(self, path: Path) -> Stamp | None:
        found = self.files.get(path)
        return found[0] if found else None

    def _known_paths(self, changed: set[Path] | None, content_dir: Path) -> list[Path] | None:
        """The last walk's paths, if still right: no changed file was added to or removed from content/."""
        if changed is None or self.order is None:
            return None
        content = os.path.abspath(content_dir)
        for path in changed:
            if path in self.files:
                if not os.path.lexists(path):
                    return None  # deleted
                continue
            relative = os.path.relpath(os.path.abspath(path), content)
            if relative.startswith(".."):
                continue  # a layout, an asset, site.toml: not content
            if not any(part.startswith(".") for part in Path(relative).parts):  # the walk skips dot-files
                return None  # new: walk
        return self.order
