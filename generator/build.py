"""The build pipeline, in one place: load -> validate -> model -> render -> write.

Each stage is a function of the previous stage's result. Only `load_project`
(reading) and `write_artifacts` (writing) touch the disk; the build date is
passed in, never read from the clock inside the pipeline.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import CodeType
from typing import Callable, Iterator

import jinja2

from generator import __version__
from generator.incremental.cache import Cache
from generator.config import SiteConfig, load_config, with_base_url
from generator.errors import BuildFailed, SiteError, fail_if, layout_error
from generator.content.history import edited, git_head, read_history
from generator.i18n.catalogs import load_catalog
from generator.incremental.keys import Keys
from generator.incremental.manifest import Manifest, inputs_stamp, render_pages
from generator.incremental.memo import Memo, load_memo, save_memo
from generator.content.images import ImageFile, check_images, site_images
from generator.content.model import Site
from generator.incremental.images import ImageStore
from generator.outputs import Artifact
from generator.outputs.assets import render_assets
from generator.outputs.atom import render_atom
from generator.outputs.brochure import render_brochures
from generator.outputs.data import render_data
from generator.outputs.headers import render_headers
from generator.outputs.html import Renderer, plan_pages
from generator.outputs.images import FOLDER as IMAGES_FOLDER, Pictures, render_pictures
from generator.outputs.calendar.ics import render_feeds
from generator.outputs.sitemap import render_sitemap
from generator.outputs.search import index_site
from generator.content.sources import SourceCache, read_images, read_sources
from generator.i18n.translations import missing_strings
from generator.content.validate import build_site
from generator.publish.write import write_artifacts


@dataclass(frozen=True, slots=True)
class Project:
    """Where a site's files are: the folder holding site.toml."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def layouts(self) -> Path:
        return self.root / "layouts"

    @property
    def assets(self) -> Path:
        return self.root / "assets"

    @property
    def locales(self) -> Path:
        return self.root / "locales"

    @property
    def config_file(self) -> Path:
        return self.root / "site.toml"


@dataclass(frozen=True, slots=True)
class Options:
    out: Path
    today: date
    """The build date: decides past and upcoming (`--now`)."""
    base_url: str | None = None
    drafts: bool = False
    workers: int | None = None
    """Processes to render with (default: one per core)."""
    fresh: bool = False
    """Ignore the caches of earlier builds: render every page and brochure."""
    brochure: bool = True
    """Render the PDF brochures (`--no-brochure` skips them for quick previews)."""
    search: bool = True
    """Index the site for search (`--no-search` skips it for quick previews)."""


@dataclass
class Caches:
    """What a long-running preview keeps between rebuilds so that each one
    reads and checks only the files that changed (see serve.py)."""

    sources: SourceCache = field(default_factory=SourceCache)
    """The content files as last read (sources.read_sources)."""
    checked: dict = field(default_factory=dict)
    """File text -> checked result, for build_site."""
    history: dict | None = None
    """Git history read once at start; later edits count as uncommitted."""
    stamps: dict = field(default_factory=dict)
    """Path -> stat stamp when the history was read."""
    feeds: dict = field(default_factory=dict)
    """Feed entries already serialised (outputs/ics.py)."""
    pages: dict = field(default_factory=dict)
    """What the page renderer keeps between rebuilds: item fragments, plans, keys (outputs.html.Memos)."""


@dataclass(frozen=True, slots=True)
class Loaded:
    config: SiteConfig
    site: Site
    catalogs: dict
    images: dict[str, ImageFile] = field(default_factory=dict)
    """The image files the bodies show, by project path, each checked (content/images.py)."""


@dataclass(frozen=True, slots=True)
class Rendered:
    first: list[Artifact]
    """Assets and brochures: written before the pages that use them."""
    fresh_pages: Iterator[Artifact]
    """Pages made one by one as they are written: a large site is never all in memory."""
    rest: Iterator[Artifact]
    """Made once the pages are written: the pages the previous build supplies (Artifact.reuse),
    feeds, sitemap, data, headers. A preview's browser reloads before them."""
    pictures: Pictures
    """The processed body images (their files are in `first`)."""
    pages: frozenset[str]
    """Output path of every page."""
    reused_pages: frozenset[str]
    """Output path of the pages the previous build supplies."""
    keys: dict[str, str]
    """Output path -> key of every page and feed, for the next build's manifest (the feeds'
    once `rest` is consumed)."""

    def every(self, after_pages: Callable[[], None] | None = None) -> Iterator[Artifact]:
        """Every file of the site, once (most are made as they are consumed);
        `after_pages()` is called once every page is written."""
        yield from self.first
        yield from self.fresh_pages
        if after_pages is not None:
            after_pages()
        yield from self.rest


@dataclass(frozen=True, slots=True)
class Result:
    pages: int
    files: int
    seconds: float
    missing_strings: dict[str, tuple[str, ...]]
    """Language -> interface strings shown in English for want of a translation."""
    reused: int = 0
    """Pages taken unchanged from the previous build instead of rendered."""
    rendered: tuple[str, ...] = ()
    """Output paths of the pages that were rendered (not reused)."""


def load_project(project: Project, options: Options, caches: Caches | None = None,
                 changed: set[Path] | None = None) -> Loaded:
    """Read and check everything; raise BuildFailed with every problem found. A preview passes
    its `caches` and the files its watcher saw change since they were filled (None: unknown)."""
    config = load_config(project.config_file)
    if options.base_url:
        config = with_base_url(config, options.base_url)
    caches = caches or Caches()
    sources, errors = read_sources(project.content, project.root, config.language_codes, caches.sources,
                                   changed)
    history = _history(project, sources, caches)
    site, found = build_site(sources, config, drafts=options.drafts, history=history, memo=caches.checked)
    errors += found
    images = {}
    if site is not None:
        refs = site_images(site)
        images = read_images(project.content, project.root, [r.path for r in refs if r.path])
        errors += check_images(refs, images)
    catalogs, found = _load_catalogs(project, config)
    errors += found
    fail_if(errors)
    return Loaded(config, site, catalogs, images)


def _history(project: Project, sources: list, caches: Caches) -> dict:
    """From git once; files changed since then count one more, uncommitted, revision."""
    if caches.history is None:
        caches.history = read_history(project.root, [s.path for s in sources])
        caches.stamps = {path: entry[0] for path, entry in caches.sources.files.items()}
        return caches.history
    changed = [s.path for s in sources if caches.stamps.get(s.path) != caches.sources.files[s.path][0]]
    return {**caches.history, **edited(caches.history, changed)}


def render_site(project: Project, loaded: Loaded, today: date,
                previous: Manifest | None = None, workers: int | None = None, brochure: bool = True,
                fresh: bool = False, feeds_memo: Memo | dict | None = None, memos: dict | None = None,
                images: ImageStore | None = None) -> Rendered:
    """Every output file of the site; pages and feeds whose key is in `previous` are reused,
    not rendered, brochures come from the PDF cache unless `fresh`, feed entries from
    `feeds_memo`, processed images from `images` (default: .cache/images/ unless `fresh`);
    `memos` (a preview's) lends the page renderer what it kept of earlier renders."""
    assets, asset_names = render_assets(project.assets, loaded.config)
    pictures = render_pictures(loaded.images, project.root, images or image_store(project, fresh),
                               loaded.config.url_prefix)
    renderer = Renderer(loaded.site, project.layouts, loaded.catalogs, asset_names, today,
                        _template_cache(str(_cache_dir(project, "jinja"))), pictures.by_source)
    brochures = render_brochures(loaded.site, loaded.catalogs, project.layouts, project.assets,
                                 Cache(None if fresh else _cache_dir(project, "brochure")), pictures) if brochure else []
    try:
        keys = Keys(renderer)
        if memos is not None:
            renderer.keep_memos(memos, keys.salt())
        plans = plan_pages(renderer, {(b.lang, b.year): b.download for b in brochures})
        pages = render_pages(renderer, plans, previous, workers, keys)
    except Exception as exc:  # a template error: report it like any other
        raise BuildFailed([layout_error(exc, project.layouts)]) from exc
    first = assets + list(pictures.artifacts) + [b.artifact for b in brochures]
    keys = dict(pages.keys)

    def rest() -> Iterator[Artifact]:
        yield from pages.reused
        feeds = render_feeds(loaded.site, renderer.formatters, feeds_memo, previous, workers, renderer.memos.feeds)
        keys.update(feeds.keys)
        indexable = [p.meta for p in plans if p.template not in ("root.html", "404.html")
                     and p.meta.canonical == renderer.urls.absolute(p.meta.path)]
        late = feeds.reused + render_sitemap(indexable, renderer.urls.absolute, loaded.config.site.base_url,
                                             renderer.memos.sitemap)
        late += render_data(loaded.site, renderer.formatters, renderer.urls, renderer.memos.data)
        late += render_atom(loaded.site, renderer.formatters, renderer.urls)
        yield from late
        yield render_headers([*first, *late, *(Artifact(path, None) for path in keys)], asset_names,
                             IMAGES_FOLDER if pictures.artifacts else None)
        yield from feeds.fresh

    return Rendered(first, _reported(pages.fresh, project.layouts), rest(), pictures, frozenset(pages.keys),
                    frozenset(a.path for a in pages.reused), keys)


def _reported(pages: Iterator[Artifact], layouts: Path) -> Iterator[Artifact]:
    """Pages are rendered as they are written: a template error then is reported like any other."""
    try:
        yield from pages
    except BuildFailed:
        raise
    except Exception as exc:
        raise BuildFailed([layout_error(exc, layouts)]) from exc


def build(project: Project, options: Options) -> Result:
    """The whole build; the output folder changes only if every stage succeeded."""
    started = time.perf_counter()
    manifest_file = _cache_dir(project, "manifests") / (hashlib.sha1(str(options.out.absolute()).encode()).hexdigest() + ".json")
    previous = None if options.fresh else Manifest.load(manifest_file, options.out)
    inputs = _inputs_stamp(project, options)
    if previous is not None and previous.up_to_date(inputs):
        pages = sum(1 for path in previous.entries if path.endswith(".html"))  # the others are feeds
        return Result(pages, len(previous.files), time.perf_counter() - started,
                      _missing_strings(project, load_config(project.config_file)), pages)
    loaded = load_project(project, options)
    memo_file = _cache_dir(project, "memo") / "feeds.bin"
    feeds_memo = Memo() if options.fresh else load_memo(memo_file)
    rendered = render_site(project, loaded, options.today, previous, options.workers, options.brochure,
                           options.fresh, feeds_memo)
    files = write_artifacts(options.out, rendered.every(), finish=index_site if options.search else None)
    Manifest.record(options.out, rendered.keys, inputs).save(manifest_file)
    save_memo(memo_file, feeds_memo)
    return Result(len(rendered.pages), files, time.perf_counter() - started, _missing_strings(project, loaded.config),
                  len(rendered.reused_pages), tuple(sorted(rendered.pages - rendered.reused_pages)))


def _missing_strings(project: Project, config: SiteConfig) -> dict[str, tuple[str, ...]]:
    missing = {lang: missing_strings(project.locales, lang) for lang in config.language_codes
               if lang != config.site.default_language}
    return {lang: strings for lang, strings in missing.items() if strings}


def _inputs_stamp(project: Project, options: Options) -> str:
    """Everything a build reads: when it equals the last build's, the output is already right."""
    facts = (__version__, options.today.isoformat(), repr(options.base_url), repr(options.drafts),
             repr(options.brochure), repr(options.search), git_head(project.root) or "no git",
             *(f"{name} {importlib.metadata.version(name)}" for name in _LIBRARIES))
    code = Path(__file__).resolve().parent  # the generator itself: an upgrade rebuilds everything
    return inputs_stamp([project.content, project.layouts, project.assets, project.locales, code],
                        [project.config_file], *facts)


_LIBRARIES = ("babel", "jinja2", "markdown-it-py", "icalendar", "pyyaml", "weasyprint", "pillow")


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Compiled layouts in .cache/jinja, and in memory for the rest of the process: every
    language's environment and every later render (a preview's rebuilds) share the code
    instead of reading and unmarshalling it again. Like the PDF cache, one that cannot be
    written (a full disk, a read-only checkout) only means compiling again next time."""

    def __init__(self, directory: str):
        super().__init__(directory)
        self.loaded: dict[tuple[str, str], CodeType] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.loaded.get((bucket.key, bucket.checksum))  # the checksum is the source's
        if code is None:
            super().load_bytecode(bucket)
            code = bucket.code
        if code is not None:
            bucket.code = self.loaded[(bucket.key, bucket.checksum)] = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.loaded[(bucket.key, bucket.checksum)] = bucket.code
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


@functools.lru_cache(maxsize=None)
def _template_cache(directory: str) -> _TemplateCache:
    return _TemplateCache(directory)


def image_store(project: Project, fresh: bool = False) -> ImageStore:
    """Processed body images in .cache/images/; `fresh` encodes every image again."""
    return ImageStore(None if fresh else _cache_dir(project, "images"))


def _cache_dir(project: Project, name: str) -> Path:
    """.cache/NAME under the project: disposable, ignored by git, rebuilt when missing."""
    path = project.root / ".cache" / name
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # a read-only checkout or a full disk: every cache write is optional and skipped
    return path


def _load_catalogs(project: Project, config: SiteConfig) -> tuple[dict, list[SiteError]]:
    catalogs, errors = {}, []
    for lang in config.language_codes:
        try:
            catalogs[lang] = load_catalog(project.locales, lang, config.site.default_language)
        except FileNotFoundError:
            errors.append(SiteError(f"locales/{lang}/LC_MESSAGES/messages.po", None, None,
                                    "is missing: every language of site.toml needs a catalog",
                                    allowed=f"pybabel init -i locales/messages.pot -d locales -l {lang}"))
        except Exception as exc:  # Babel's parse errors carry the line in their text only
            errors.append(SiteError(f"locales/{lang}/LC_MESSAGES/messages.po", getattr(exc, "lineno", None),
                                    None, f"is not a valid catalog: {exc}"))
    return catalogs, errors


