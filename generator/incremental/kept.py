"""What a preview keeps between rebuilds, so that each costs what the change costs.

I/O only through the stages it wraps (reading site.toml, catalogs, content,
git). Everything is kept by content (a file's text, a catalog's stamp, an
item's digest), never by object identity: an edit is a new key, not a stale hit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.config import SiteConfig, parse_config, read_config_text
from generator.content.history import Revision, edited, read_history
from generator.content.sources import SourceFile
from generator.content.validate import Checked, check_source
from generator.i18n.catalogs import catalog_file, load_catalog
from generator.incremental.manifest import Manifest
from generator.incremental.cache import cache_dir
from generator.incremental.reuse import Reuse
from generator.incremental.store import Store
from generator.incremental.sources import ContentReader
from generator.incremental.templates import template_cache


@dataclass
class Kept:
    root: Path
    """The project: compiled layouts are kept under its .cache/jinja."""
    sources: ContentReader = field(default_factory=ContentReader)
    """The content files as last read."""
    reuse: Reuse = field(init=False)
    """What renders lend each other: VEVENTs, fragments, faces, events.json entries."""
    keys: dict[str, str] = field(default_factory=dict)
    """Output path -> key of every page and feed of the last good build."""
    _configs: dict[str, SiteConfig] = field(default_factory=dict)
    _catalogs: dict[tuple, object] = field(default_factory=dict)
    checked: dict[Path, tuple[tuple, Checked]] = field(default_factory=dict)
    """Each content file's check, by what it depends on (its text, site.toml): one version per file."""
    items: dict[str, tuple] = field(default_factory=dict)
    """Each item by its file, with what it is made of (its files' digests and history) and its
    sort key (content/validate.py)."""
    _settings: tuple = (None, 0)
    """The config of the last check and a hash of its text."""
    _history: dict[Path, Revision] | None = None
    _history_stamps: dict[Path, tuple] = field(default_factory=dict)
    _edited: set[Path] = field(default_factory=set)
    """The files whose stamp differed from the one they had when git's history was read."""
    _lent: dict | None = None
    """The keys the lent manifest was made of (`lend`)."""

    def __post_init__(self):
        # Processed photos in the one-off builds' store: a preview's first build encodes none again.
        store = Store(cache_dir(self.root / ".cache" / "store"))
        self.reuse = Reuse(None, {}, {}, template_cache(self.root / ".cache" / "jinja"), images=store.section("image"))

    def config(self, path: Path) -> SiteConfig:
        """site.toml, checked once per text."""
        text = read_config_text(path)
        if text not in self._configs:
            self._configs.clear()
            self.items.clear()  # checked against the old settings
            self._configs[text] = parse_config(text)
        return self._configs[text]

    def catalog(self, locales: Path, lang: str, default_lang: str):
        """A language's catalog, compiled once per version of its file (size and time)."""
        path = catalog_file(locales, lang)
        try:
            stat = path.stat()
            stamp = (lang, default_lang, stat.st_size, stat.st_mtime_ns)
        except FileNotFoundError:
            return load_catalog(locales, lang, default_lang)  # English needs none; another's missing: an error
        if self._catalogs.get(path, (None,))[0] != stamp:
            self._catalogs[path] = (stamp, load_catalog(locales, lang, default_lang))
        return self._catalogs[path][1]

    def check(self, source: SourceFile, config: SiteConfig) -> Checked:
        """content/validate.check_source, done again only when the file or site.toml changed;
        one version per file is kept."""
        if config is not self._settings[0]:  # a new config: describe it once, not once per file
            self._settings = (config, hash(repr(config)))
        key = (self._settings[1], source.display, source.kind, source.lang, source.text)
        found = self.checked.get(source.path)
        if found is None or found[0] != key:
            found = self.checked[source.path] = (key, check_source(source, config))
        return found[1]

    def history(self, root: Path, paths: list[Path]) -> dict[Path, Revision]:
        """From git once; files changed since then count one more, uncommitted, revision."""
        if self._history is None:
            self._history = read_history(root, paths)
            self._history_stamps = {path: self.sources.stamp(path) for path in paths}
            self._edited = set()
            return self._history
        # Only a file read again can have changed since the last call (when the tree was walked, any).
        for path in paths if self.sources.reread is None else self.sources.reread:
            if self._history_stamps.get(path) != self.sources.stamp(path):
                self._edited.add(path)
        self._edited = {path for path in self._edited if self.sources.stamp(path) is not None}  # not deleted since
        changed = [path for path in self._edited if self._history_stamps.get(path) != self.sources.stamp(path)]
        return {**self._history, **edited(self._history, sorted(changed))}

    def lend(self, out: Path) -> Reuse:
        """The reuse of the next render into `out`: the last good build's files by key (the
        preview writes its own folder, so they are trusted without a stat each)."""
        previous = self.reuse.previous
        if previous is None or previous.out != out.absolute() or self._lent is not self.keys:
            # Made once per build's keys, not once per rebuild that fails or changes nothing.
            self.reuse.previous = Manifest(out.absolute(), {p: (k, 0, 0) for p, k in self.keys.items()}, trusted=True)
            self._lent = self.keys
        return self.reuse
