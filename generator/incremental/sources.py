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
    reread: list[Path] | None = None
    """The files the last `read` read again, when it did not walk the tree (None: it did)."""
    _listed: tuple[list, list, dict[Path, tuple[bool, int]]] | None = None
    """What the last `read` gave (sources, errors) and where each path is in them: after an
    edit, only its file's place changes (34,000 files at 10,000 events are not listed again)."""

    def read(self, content_dir: Path, root: Path, languages: tuple[str, ...],
             changed: set[Path] | None = None) -> tuple[list[SourceFile], list[SiteError]]:
        """What content/sources.read_sources gives, reading only files whose stamp changed.
        `changed` (the watcher's report) names the only files that may differ since the last
        call: when none of them was added or removed, the tree is not walked either."""
        paths = self._known_paths(changed, content_dir)
        walked = paths is None
        if walked:
            paths = self.order = list(walk_content(content_dir))
            listed = set(paths)
            for gone in [path for path in self.files if path not in listed]:
                del self.files[gone]  # so that a file made again under its old name counts as new
            check, self._listed = paths, None
        else:
            check = [p for p in changed if p in self.files]
        real_root = content_dir.resolve()
        saved = changed or set()
        reread = []
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
                reread.append(path)
        self.reread = None if walked else reread
        sources, errors = self._list(paths, reread)
        return list(sources), list(errors)

    def _list(self, paths: list[Path], reread: list[Path]) -> tuple[list, list]:
        """The files' results in the walk's order, sources apart from errors: the last lists
        with the files read again put in their places, unless one became (or stopped being)
        an error."""
        if self._listed is not None and self.reread is not None:
            sources, errors, places = self._listed
            for path in reread:
                place, result = places.get(path), self.files[path][1]
                if place is None or place[0] != isinstance(result, SiteError):
                    break
                (errors if place[0] else sources)[place[1]] = result
            else:
                return sources, errors
        sources, errors, places = [], [], {}
        for path in paths:
            if path in self.files:
                result = self.files[path][1]
                failed = isinstance(result, SiteError)
                found = errors if failed else sources
                places[path] = (failed, len(found))
                found.append(result)
        self._listed = (sources, errors, places)
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
