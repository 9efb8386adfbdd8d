"""The build pipeline, in one place: load -> validate -> model -> render -> write.

Each stage is a function of the previous stage's result. Only `load_project`
(reading) and `write_artifacts` (writing) touch the disk; the build date is
passed in, never read from the clock inside the pipeline.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2

from .config import SiteConfig, load_config, with_base_url
from .errors import BuildFailed, SiteError, display_path, fail_if
from .history import read_history
from .i18n import load_catalog
from .model import Site
from .outputs import Artifact
from .outputs.assets import render_assets
from .outputs.html import Renderer, plan_pages
from .outputs.sitemap import render_sitemap
from .sources import read_sources
from .validate import build_site
from .write import write_artifacts


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


@dataclass(frozen=True, slots=True)
class Loaded:
    config: SiteConfig
    site: Site
    catalogs: dict


@dataclass(frozen=True, slots=True)
class Result:
    pages: int
    files: int
    seconds: float
    missing_strings: dict[str, tuple[str, ...]]
    """Language -> interface strings shown in English for want of a translation."""


def load_project(project: Project, options: Options) -> Loaded:
    """Read and check everything; raise BuildFailed with every problem found."""
    config = load_config(project.config_file)
    if options.base_url:
        config = with_base_url(config, options.base_url)
    sources, errors = read_sources(project.content, project.root, config.language_codes)
    history = read_history(project.root, [s.path for s in sources])
    site, found = build_site(sources, config, drafts=options.drafts, history=history)
    errors += found
    catalogs, found = _load_catalogs(project, config)
    errors += found
    fail_if(errors)
    return Loaded(config, site, catalogs)


def render_site(project: Project, loaded: Loaded, today: date) -> tuple[list[Artifact], int]:
    """Every output file of the site, and how many of them are pages."""
    assets, asset_names = render_assets(project.assets, loaded.config)
    renderer = Renderer(loaded.site, project.layouts, loaded.catalogs, asset_names, today)
    plans = plan_pages(renderer)
    try:
        pages = [renderer.render(plan) for plan in plans]
    except Exception as exc:  # a template error: report it like any other
        raise BuildFailed([_template_error(exc, project)]) from exc
    indexable = [p.meta for p in plans if p.template not in ("root.html", "404.html")
                 and p.meta.canonical == renderer.urls.absolute(p.meta.path)]
    sitemap = render_sitemap(indexable, renderer.urls.absolute, loaded.config.site.base_url)
    return pages + assets + sitemap, len(pages)


def build(project: Project, options: Options) -> Result:
    """The whole build; the output folder changes only if every stage succeeded."""
    started = time.perf_counter()
    loaded = load_project(project, options)
    artifacts, pages = render_site(project, loaded, options.today)
    files = write_artifacts(options.out, artifacts)
    missing = {lang: tuple(sorted(catalog.missing)) for lang, catalog in loaded.catalogs.items()
               if getattr(catalog, "missing", None)}
    return Result(pages, files, time.perf_counter() - started, missing)


def _load_catalogs(project: Project, config: SiteConfig) -> tuple[dict, list[SiteError]]:
    catalogs, errors = {}, []
    for lang in config.language_codes:
        try:
            catalogs[lang] = load_catalog(project.locales, lang, config.site.default_language)
        except FileNotFoundError:
            errors.append(SiteError(f"locales/{lang}/LC_MESSAGES/messages.po", None, None,
                                    "is missing: every language of site.toml needs a catalog",
                                    allowed="sitegen catalogs --init " + lang))
        except Exception as exc:  # Babel's parse errors carry the line in their text only
            errors.append(SiteError(f"locales/{lang}/LC_MESSAGES/messages.po", getattr(exc, "lineno", None),
                                    None, f"is not a valid catalog: {exc}"))
    return catalogs, errors


def _template_error(exc: Exception, project: Project) -> SiteError:
    """Name the layout file and line: Jinja2 puts template frames in the traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return SiteError(f"layouts/{exc.name}", exc.lineno, None, exc.message or str(exc))
    layouts = str(project.layouts.resolve())
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(layouts)]
    if not frames:
        raise exc  # a bug in the generator, not in a layout: let it show
    where = frames[-1]
    path = display_path(Path(where.filename), project.root)
    return SiteError(path, where.lineno, None, f"{type(exc).__name__}: {exc}")
