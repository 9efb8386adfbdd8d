"""The build pipeline, in one place: load -> validate -> model -> render -> write.

Each stage is a function of the previous stage's result, written as if every
build were cold. Only `load_project` (reading) and `write_artifacts` (writing)
touch the disk; the build date is passed in, never read from the clock inside
the pipeline. What a build may take from earlier ones (files of the previous
output, VEVENTs, PDFs, a preview's memos) comes from generator/incremental as
optional, typed reuse objects: `build` opens the one-off build's, the preview
keeps its own (serve/preview.py).
"""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable, Collection, Iterator

from generator.config import SiteConfig, load_config, with_base_url
from generator.content.history import read_history
from generator.content.images import ImageFile, check_images, site_images
from generator.content.model import Site
from generator.content.sources import read_images, read_sources
from generator.content.validate import build_site, check_source
from generator.errors import BuildFailed, SiteError, fail_if, layout_error
from generator.i18n.catalogs import load_catalog
from generator.i18n.translations import missing_strings
from generator.incremental import BuildCache, Kept, Reuse, finish_render, render_keyed, start_render
from generator.incremental.items import unchanged_pages
from generator.incremental.snapshot import Snapshot
from generator.outputs import Artifact, Outputs, Unchanged
from generator.outputs.assets import render_assets
from generator.outputs.atom import render_atom
from generator.outputs.brochure import render_brochures
from generator.outputs.calendar.ics import Calendars, render_feeds
from generator.outputs.data import render_data
from generator.outputs.headers import render_headers
from generator.outputs.html import Renderer
from generator.outputs.images import FOLDER as IMAGES_FOLDER, Pictures, render_pictures
from generator.outputs.item_pages import PageMaker
from generator.outputs.pages import PagePlan, plan_item_pages, plan_pages
from generator.outputs.plans import ListedPages
from generator.outputs.search import search_indexer
from generator.outputs.sitemap import render_sitemap
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

    def inputs(self) -> tuple[list[Path], list[Path]]:
        """The folders and files a build reads."""
        return [self.content, self.layouts, self.assets, self.locales], [self.config_file]


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
    exiting: bool = False
    """The build is the last work of its process (the `sitegen build` command): it records what
    the next build takes (.cache/) in a process of its own once the site is published, and the
    next build waits for that; what it made is left to the process's exit, not freed object by
    object (0.3 s of each at 10,000 events)."""

    def facts(self) -> tuple[str, ...]:
        """The options that change what a build makes (not where, how fast or how fresh)."""
        return (self.today.isoformat(), repr(self.base_url), repr(self.drafts), repr(self.brochure),
                repr(self.search))


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
    rest: Iterator[Artifact | Unchanged]
    """Made once the pages are written: the pages the previous build supplies (`Unchanged`),
    feeds, sitemap, data, headers. A preview's browser reloads before them."""
    pictures: Pictures
    """The processed body images (their files are in `first`)."""
    pages: set[str]
    """Output path of every page: all of them once `rest` is written."""
    reused_pages: set[str]
    """Output path of the pages the previous build supplies: all of them once `rest` is written."""
    keys: dict[str, str]
    """Output path -> key of every page and feed, for the next build's manifest (none
    when nothing is reused: a cold render keys nothing); the feeds' once `rest` is written."""

    def every(self, after_pages: Callable[[], None] | None = None) -> Iterator[Artifact | Unchanged]:
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
    unrecorded: str | None = None
    """The traceback file of the last build's recording of .cache/, if it failed (that build's
    successor rendered more than it needed); None when it did not."""


def load_project(project: Project, options: Options, kept: Kept | None = None,
                 changed: set[Path] | None = None, snapshot: Snapshot | None = None) -> Loaded:
    """Read and check everything; raise BuildFailed with every problem found. A preview passes
    what it `kept` of earlier loads and the files its watcher saw change since (None: unknown);
    a one-off build, the `snapshot` of its cache (what the last build loaded: unchanged files
    are not read again, nor their items assembled)."""
    config = kept.config(project.config_file) if kept else load_config(project.config_file)
    if options.base_url:
        config = with_base_url(config, options.base_url)
    languages = config.language_codes
    if snapshot:
        snapshot.settle(config)
    sources, errors = (kept.sources.read(project.content, project.root, languages, changed) if kept
                       else read_sources(project.content, project.root, languages, snapshot.read, snapshot.keep,
                                         snapshot.lstat)
                       if snapshot else read_sources(project.content, project.root, languages))
    paths = [s.path for s in sources]
    history = (kept.history(project.root, paths) if kept
               else read_history(project.root, paths, [s.modified for s in sources]))
    check = kept.check if kept else snapshot.check if snapshot else check_source
    assembled = kept.items if kept else snapshot.assembled if snapshot else None
    site, found = build_site(sources, config, drafts=options.drafts, history=history, check=check,
                             assembled=assembled)
    errors += found
    images = {}
    if site is not None:
        refs = site_images(site)
        images = read_images(project.content, project.root, [r.path for r in refs if r.path])
        errors += check_images(refs, images)
    catalogs, found = _load_catalogs(project, config, kept.catalog if kept else load_catalog)
    errors += found
    fail_if(errors)
    return Loaded(config, site, catalogs, images)


def render_site(project: Project, loaded: Loaded, today: date, reuse: Reuse | None = None,
                workers: int | None = None, brochure: bool = True, edited: Collection[str] = (),
                on_edited: Callable[[list[Artifact]], None] | None = None) -> Rendered:
    """Every output file of the site. With `reuse`, the pages and feeds the previous build
    supplies are reused (by key), and so are the VEVENTs, PDFs, processed images and memos it lends.
    `on_edited(pages)` is given the pages of the items whose files are `edited` (display paths) before
    the rest of the site is planned: a preview writes them at once, so that a browser showing the
    item being edited reloads long before the lists are all made (those pages are not made again)."""
    assets, asset_names = render_assets(project.assets, loaded.config)
    pictures = render_pictures(loaded.images, project.root, loaded.config.url_prefix,
                               reuse.images if reuse else None)
    renderer = Renderer(loaded.site, project.layouts, loaded.catalogs, asset_names, today,
                        reuse.templates if reuse else None, reuse.fragments if reuse else None, pictures.by_source)
    brochures = render_brochures(loaded.site, loaded.catalogs, project.layouts, project.assets,
                                 reuse.pdfs if reuse else None, workers, pictures) if brochure else []
    # Each item's VEVENTs are made with its page, from the same parse of its body (item_pages.py).
    calendars = Calendars(loaded.site, renderer.formatters, today, reuse.vevents if reuse else None,
                          reuse.feed_facts if reuse else None)
    maker = PageMaker(renderer, calendars)
    try:
        keys = start_render(renderer, reuse) if reuse else None
        early: dict[str, bytes] = {}
        if on_edited is not None:
            made = _edited_pages(renderer, calendars, edited)
            on_edited(made)
            early.update((page.path, page.data) for page in made)  # the same plans: not made twice
        planner = (replace(renderer.planner, kept=reuse.plans, planned={},
                           unchanged=unchanged_pages(loaded.site, reuse.item_pages)) if reuse else renderer.planner)
        plans = plan_pages(planner, {(b.lang, b.year): b.download for b in brochures}, calendars.feed_lists)
        page_keys: dict[str, str] = {}
        listed: Iterator[Artifact] = iter(())
        if reuse:
            pages, page_keys, listed = render_keyed(renderer, plans, keys, reuse,
                                                    lambda todo: maker.make(todo, workers, early))
        else:
            pages = Outputs({}, Unchanged([]), _render_pages(renderer, plans, maker, workers))
    except Exception as exc:  # a template error: report it like any other
        raise BuildFailed([layout_error(exc, project.layouts)]) from exc
    first = assets + list(pictures.artifacts) + [b.artifact for b in brochures]
    page_paths = set(pages.keys or (renderer.output_path(plan) for plan in plans))  # keyed: known
    every_key = pages.keys  # the listed pages' and the feeds' are added as they are written
    reused_pages = set(pages.reused.paths)

    def rest() -> Iterator[Artifact | Unchanged]:
        if reuse:
            finish_render(loaded.site, plans, keys, reuse, planner.planned, page_keys)
        yield from _nonempty(pages.reused)
        for page in _reported(listed, project.layouts):  # the unchanged items' pages
            if type(page) is Unchanged:
                page_paths.update(page.paths)
                reused_pages.update(page.paths)
            else:
                page_paths.add(page.path)
            yield page
        # Planned once the pages are written, as nothing before them needs it (keying the 38,000
        # calendar files of 10,000 events takes 0.3-0.4 s in a one-off build), and made from the
        # VEVENTs the pages' tasks made: the feeds make only those no page made.
        feeds = render_feeds(loaded.site, renderer.formatters, today, previous=reuse.previous if reuse else None,
                             workers=workers, calendars=calendars)
        every_key.update(feeds.keys)
        yield from _nonempty(feeds.reused)
        late = render_sitemap(_sitemap_pages(plans), renderer.urls.absolute, loaded.config.site.base_url,
                                             reuse.sitemap if reuse else None, page_keys)
        late += render_data(loaded.site, renderer.formatters, renderer.urls, reuse.entries if reuse else None)
        late += render_atom(loaded.site, renderer.formatters, renderer.urls)
        yield from late
        yield render_headers([*(a.path for a in (*first, *late)), *page_paths, *feeds.keys],
                             asset_names, IMAGES_FOLDER if pictures.artifacts else None)
        yield from feeds.fresh

    return Rendered(first, _reported(pages.fresh, project.layouts), rest(), pictures, page_paths, reused_pages,
                    every_key)


def _nonempty(unchanged: Unchanged) -> list[Unchanged]:
    """Only files: a render that reuses nothing yields Artifacts only (`sitegen check` reads them)."""
    return [unchanged] if unchanged.paths else []


def _edited_pages(renderer: Renderer, calendars: Calendars, edited: Collection[str]) -> list[Artifact]:
    """The pages of the items whose files are `edited`, in every language, as the whole render makes them."""
    items = {renderer.sources[path].id: renderer.sources[path] for path in edited if path in renderer.sources}
    return [renderer.render(plan) for _, item in sorted(items.items())
            for plan in plan_item_pages(renderer.planner, item, calendars.feed_lists)]


def _render_pages(renderer: Renderer, plans: list[PagePlan], maker: PageMaker,
                  workers: int | None) -> Iterator[Artifact]:
    """Every page, rendered (nothing to reuse, no keys to keep)."""
    for plan, data in zip(plans, maker.make(plans, workers)):
        yield Artifact(renderer.output_path(plan), data)


def _sitemap_pages(plans: list) -> list:
    """Every page but the language chooser and 404s: the sitemap lists them (not fallbacks)."""
    return [p for p in plans if type(p) is ListedPages or p.template not in ("root.html", "404.html")]


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
    with uncollected():
        result, made = _build(project, options, started)
        if options.exiting:
            _left_to_exit.append(made)
            gc.freeze()  # and no collection walks it: the collector was off while it was made
    return result


_left_to_exit: list[tuple] = []
"""What the builds of `Options.exiting` made: freed with their process, not when they return
(made with the collector off, a large site's millions of objects are all in its youngest
generation, which the next collection would walk: 0.4 s at 10,000 events)."""


def _build(project: Project, options: Options, started: float) -> tuple[Result, tuple]:
    """The Result, and what the build made (its model, pages, cache), which it no longer needs."""
    cache = BuildCache.open(project.root, project.inputs(), options.out, options.facts(), fresh=options.fresh)
    if cache.up_to_date():
        cache.close()
        pages = cache.page_count()
        return Result(pages, cache.file_count(), time.perf_counter() - started,
                      _missing_strings(project, load_config(project.config_file)), pages,
                      unrecorded=cache.unrecorded), (cache,)
    with cache:
        with cache.loading() as snapshot:
            loaded = load_project(project, options, snapshot=snapshot)
        # Kiwi (Korean search) starts loading now, beside the rendering, when no page is reused.
        with search_indexer(loaded.config.language_codes, cache.reuse.marks, early=cache.reuse.previous is None) \
                if options.search else nullcontext() as index:
            rendered = render_site(project, loaded, options.today, cache.reuse, options.workers, options.brochure)
            published = write_artifacts(options.out, rendered.every(), finish=index, spare=cache.spare)
        cache.record(rendered.keys, published, detach=options.exiting)
    result = Result(len(rendered.pages), published.files, time.perf_counter() - started,
                    _missing_strings(project, loaded.config), len(rendered.reused_pages),
                    tuple(sorted(rendered.pages - rendered.reused_pages)), cache.unrecorded)
    return result, (cache, loaded, rendered, published)


@contextmanager
def uncollected() -> Iterator[None]:
    """Inside, the cycle collector does not run. A build is a batch: the model, memos and
    manifest of a large site are millions of objects that live as long as it does, and its
    garbage is freed by reference counting (at 10,000 events, a one-file rebuild's 4,400
    collections walked them for 0.6 s of 3.3 and found 4,500 objects; a cold build of 1,000
    found 800). Forked render workers collect as before (parallel.py); a preview collects
    what its rebuild left once it is done (serve/preview.py)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _missing_strings(project: Project, config: SiteConfig) -> dict[str, tuple[str, ...]]:
    missing = {lang: missing_strings(project.locales, lang) for lang in config.language_codes
               if lang != config.site.default_language}
    return {lang: strings for lang, strings in missing.items() if strings}


def _load_catalogs(project: Project, config: SiteConfig, load: Callable = load_catalog) -> tuple[dict, list[SiteError]]:
    catalogs, errors = {}, []
    for lang in config.language_codes:
        try:
            catalogs[lang] = load(project.locales, lang, config.site.default_language)
        except FileNotFoundError:
            errors.append(SiteError(f"locales/{lang}/LC_MESSAGES/messages.po", None, None,
                                    "is missing: every language of site.toml needs a catalog",
                                    allowed=f"pybabel init -i locales/messages.pot -d locales -l {lang}"))
        except Exception as exc:  # Babel's parse errors carry the line in their text only
            errors.append(SiteError(f"locales/{lang}/LC_MESSAGES/messages.po", getattr(exc, "lineno", None),
                                    None, f"is not a valid catalog: {exc}"))
    return catalogs, errors
