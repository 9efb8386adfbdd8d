"""Site model -> the printable annual brochure: HTML from layouts/brochure/, then a PDF by WeasyPrint.

Pure: model -> `Contents` -> one self-contained HTML string (stylesheet, fonts
and logo inlined) -> PDF bytes -> Artifact. WeasyPrint may fetch nothing, so
the PDF never depends on the network or on the fonts installed here. The one
side effect is the optional PDF cache, keyed by a hash of that HTML string.
"""

from __future__ import annotations

import base64
import re
import traceback
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Mapping
from urllib.parse import urljoin, urlsplit

import jinja2
import weasyprint
from babel import Locale
from babel.lists import format_list
from markupsafe import Markup
from weasyprint.urls import FatalURLFetchingError

from .. import __version__, views
from ..cache import Cache, Entry, make_key
from ..config import Category
from ..errors import BuildFailed, SiteError
from ..i18n import Formatter
from ..markdown import content_link_path, render_markdown
from ..model import Item, Site, Text
from ..urls import Urls, output_file
from ..when import Precision
from . import Artifact

TEMPLATE = "brochure/brochure.html"
"""Under layouts/; it includes the other templates of layouts/brochure/."""

FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf"}

COUNTER_STYLES = {"latn": "decimal", "arab": "arabic-indic", "arabext": "persian", "deva": "devanagari",
                  "beng": "bengali", "thai": "thai", "khmr": "khmer", "mymr": "myanmar", "tamldec": "tamil"}
"""CLDR numbering system -> CSS counter style, so page numbers use the digits Babel uses."""


@dataclass(frozen=True, slots=True)
class Entry_:
    """One item as the brochure describes it, with the activities that belong to it."""

    item: Item
    parts: tuple[Item, ...] = ()
    """Events of this program described in full right after it, in the same chapter."""
    elsewhere: tuple[Item, ...] = ()
    """Its events described in another chapter: listed with a link there."""


@dataclass(frozen=True, slots=True)
class Chapter:
    category: Category
    entries: tuple[Entry_, ...]


@dataclass(frozen=True, slots=True)
class Contents:
    """What the brochure of one year shows, in its order; the same in every language."""

    year: int
    overview: tuple[views.Group, ...]
    """Activities of the year by category: the overview table."""
    chapters: tuple[Chapter, ...]
    """One per category, in site.toml's order, before the conferences table."""
    conferences: tuple[Item, ...]
    regional: tuple[Chapter, ...]
    """Categories holding the regional networks: after the conferences table, as in print."""
    edition: date
    """The brochure's date: the latest `updated` of its items, else 1 January of the year."""


@dataclass(frozen=True, slots=True)
class Download:
    """What a year page says about its brochure (layouts/year.html)."""

    url: str
    """Site path of the PDF: '/en/brochure/wego-calendar-2024-en.pdf'."""
    size: int
    """In bytes."""
    pages: int


@dataclass(frozen=True, slots=True)
class Brochure:
    lang: str
    year: int
    artifact: Artifact
    download: Download


def plan_contents(site: Site, year: int, lang: str) -> Contents:
    """Choose and order the brochure's items; BuildFailed for an unknown language or an empty year."""
    _check_request(site, year, lang)
    dated = views.in_year(site, year)
    shown = dated + views.undated(site)  # ongoing programs belong to every year's brochure
    regional_keys = {i.category for i in shown if i.kind == "network"}
    chapters = tuple(_chapter(site, cat, shown) for cat in site.config.categories)
    conferences = tuple(i for i in views.conferences(site) if i in dated)
    updated = [i.updated for i in shown if i.updated]
    return Contents(
        year=year,
        overview=views.by_category(site, dated),
        chapters=tuple(c for c in chapters if c.entries and c.category.key not in regional_keys),
        conferences=conferences,
        regional=tuple(c for c in chapters if c.entries and c.category.key in regional_keys),
        edition=max(updated) if updated else date(year, 1, 1),
    )


def _check_request(site: Site, year: int, lang: str) -> None:
    codes = site.config.language_codes
    if lang not in codes:
        raise BuildFailed([SiteError("site.toml", None, "--lang", f"{lang!r} is not a language of this site",
                                     allowed=", ".join(codes))])
    if not views.in_year(site, year):
        known = ", ".join(str(y) for y in views.years(site)) or "none: content/ has no dated activity"
        raise BuildFailed([SiteError("content", None, "--year", f"no activity takes place in {year}",
                                     allowed=known)])


def _chapter(site: Site, category: Category, shown: tuple[Item, ...]) -> Chapter:
    """A category's items; a program's events follow it, the rest in date order, year-round and ongoing last."""
    mine = [i for i in shown if i.category == category.key]
    ids = {i.id for i in mine}
    top = sorted((i for i in mine if i.program not in ids), key=_reading_order)
    entries = []
    for item in top:
        members = [m for m in views.in_program(site, item.id) if m in shown]
        entries.append(Entry_(item, tuple(m for m in members if m.category == category.key),
                              tuple(m for m in members if m.category != category.key)))
    return Chapter(category, tuple(entries))


def _reading_order(item: Item) -> tuple:
    loose = item.when is None or item.when.precision is Precision.YEAR
    return (item.when is None, loose, item.sort_key())


def brochure_url(site: Site, year: int, lang: str) -> str:
    """'/en/brochure/wego-calendar-2024-en.pdf'."""
    name = f"{site.config.site.short_name.lower()}-calendar-{year}-{lang}.pdf"
    return Urls(site.config).path(lang, "brochure", name, folder=False)


# --- HTML ------------------------------------------------------------------


def render_html(site: Site, contents: Contents, lang: str, catalog, layouts: Path,
                resources: Mapping[str, bytes]) -> str:
    """The print-ready HTML: one file, with the stylesheet, fonts and logo inlined."""
    env = _environment(site, lang, catalog, layouts, resources)
    try:
        html = env.get_template(TEMPLATE).render(contents=contents)
    except Exception as exc:  # a layout's mistake, reported like a content error
        raise BuildFailed([_layout_error(exc, layouts)]) from exc
    head, body = html.split("<body", 1)
    return head + "<body" + _keep_hangul_words(body)


def read_resources(layouts: Path, assets: Path) -> dict[str, bytes]:
    """What the HTML inlines, by the name the layouts use: 'print.css', 'logo.svg', 'fonts/X.otf'."""
    files = {"print.css": (layouts / "brochure" / "print.css").read_bytes(),
             "logo.svg": (assets / "logo.svg").read_bytes()}
    for path in sorted((assets / "fonts").iterdir()):
        if path.suffix in FONT_TYPES:
            files[f"fonts/{path.name}"] = path.read_bytes()
    return files


def _environment(site: Site, lang: str, catalog, layouts: Path, resources: Mapping[str, bytes]) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(layouts), autoescape=True,
                             undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"],
                             trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(catalog, newstyle=True)
    config = site.config
    language = config.language(lang)
    fmt = Formatter(language.locale or lang, catalog)
    in_brochure = {i.id for i in site.items}
    env.globals.update(
        site=site, config=config, lang=lang, language=language, fmt=fmt, views=views,
        category=config.category, version=__version__,
        counter_style=COUNTER_STYLES.get(Locale.parse(fmt.locale).default_numbering_system, "decimal"),
        stylesheet=lambda: Markup(_inline_css(resources)),
        logo=lambda: Markup(_data_uri("image/svg+xml", resources["logo.svg"])),
        body=lambda text, level=2: Markup(_body(site, text, lang, level, in_brochure)),
        text_attrs=lambda text: _text_attrs(site, text, lang),
        place=lambda item, text: text.location or item.city or "",
        fmt_list=lambda values: format_list(list(values), locale=fmt.locale),
    )
    return env


def _inline_css(resources: Mapping[str, bytes]) -> str:
    """print.css with its font URLs made data: URIs, so the HTML needs no other file."""
    def inline(match: re.Match) -> str:
        name = match.group(1)
        return f'url("{_data_uri(FONT_TYPES[Path(name).suffix], resources[name])}")'
    css = resources["print.css"].decode("utf-8")
    return re.sub(r'url\("(fonts/[^"]+)"\)', inline, css)


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _body(site: Site, text: Text, lang: str, level: int, in_brochure: set[str]) -> str:
    """A text's Markdown as HTML: headings below `level`, links to items kept inside the PDF."""
    folder = Path(text.source).parent
    by_source = {t.source: i for i in site.items for t in i.texts}
    home = urljoin(site.config.site.base_url, Urls(site.config).home(lang))

    def resolve(href: str) -> str | None:
        target = content_link_path(href, folder)
        if target is not None:
            item = by_source.get(target.as_posix())
            return f"#item-{item.id}" if item and item.id in in_brochure else href
        # A relative link means the site; the PDF has no site around it.
        return None if urlsplit(href).scheme or href.startswith("#") else urljoin(home, href)

    html = render_markdown(text.body, resolve)
    # Body headings start at h2 (the page title is h1); here the item title is `level`.
    html = re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + level - 1)}", html)
    # Heading ids must be unique in the one document that holds every item.
    return re.sub(r'(<h[1-6] id=")', rf"\g<1>{Path(text.source).stem}--", html)


def _text_attrs(site: Site, text: Text, lang: str) -> Markup:
    """lang/dir for a text shown in another language than the brochure's (an untranslated item)."""
    if text.lang == lang:
        return Markup("")
    return Markup(f' lang="{text.lang}" dir="{site.config.language(text.lang).direction}"')


_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff"
_HANGUL_WORD = re.compile(rf"[^\s<>]*[{_HANGUL}][^\s<>]*")


def _keep_hangul_words(html: str) -> str:
    """Make each Korean word unbreakable: WeasyPrint has no `word-break: keep-all`,
    and Korean broken between syllables of a word reads badly. Text only, never tags."""
    parts = re.split(r"(<[^>]*>)", html)
    return "".join(p if p.startswith("<") else _HANGUL_WORD.sub(r'<span class="kw">\g<0></span>', p)
                   for p in parts)


def _layout_error(exc: Exception, layouts: Path) -> SiteError:
    """Name the layout file and line, as build.py does for the site's pages."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return SiteError(f"layouts/{exc.name}", exc.lineno, None, exc.message or str(exc))
    root = str(layouts.resolve())
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(root)]
    if not frames:
        raise exc  # a bug in the generator, not in a layout: let it show
    where = frames[-1]
    path = "layouts/" + Path(where.filename).resolve().relative_to(root).as_posix()
    return SiteError(path, where.lineno, None, f"{type(exc).__name__}: {exc}")


# --- PDF -------------------------------------------------------------------


class _NoFetching(weasyprint.URLFetcher):
    """Everything the brochure needs is inside its HTML; refuse any other address."""

    def __init__(self):
        super().__init__(fail_on_errors=True)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"the brochure may not load {url[:80]!r}: put files in the layouts, not links")


def render_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of a brochure's HTML, and its number of pages."""
    try:
        document = weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=_NoFetching()).render()
    except FatalURLFetchingError as exc:
        raise BuildFailed([SiteError(TEMPLATE, None, None, str(exc.__cause__ or exc))]) from exc
    return document.write_pdf(), len(document.pages)


def brochure_html(site: Site, year: int, lang: str, catalogs: Mapping, layouts: Path,
                  resources: Mapping[str, bytes]) -> str:
    """The print-ready HTML of one language's brochure of `year` (`sitegen brochure --format html`)."""
    contents = plan_contents(site, year, lang)
    return render_html(site, contents, lang, catalogs[lang], layouts, resources)


def cache_key(html: str) -> str:
    """Everything a PDF is made from: the HTML (content, layouts, catalog, language,
    stylesheet and fonts are all inside it) and the versions of the programs."""
    return make_key(html, __version__, weasyprint.__version__)


def render_brochure(site: Site, year: int, lang: str, catalogs: Mapping, layouts: Path,
                    resources: Mapping[str, bytes], cache: Cache) -> Brochure:
    """One language's brochure of `year`, from the cache when its HTML has not changed."""
    html = brochure_html(site, year, lang, catalogs, layouts, resources)
    key = cache_key(html)
    entry = cache.get(key)
    if entry is None or not isinstance(entry.meta.get("pages"), int):
        data, pages = render_pdf(html)
        entry = Entry(data, {"pages": pages})
        cache.put(key, entry)
    url = brochure_url(site, year, lang)
    return Brochure(lang, year, Artifact(output_file(url, site.config.url_prefix), entry.data),
                    Download(url, len(entry.data), entry.meta["pages"]))


def render_brochures(site: Site, catalogs: Mapping, layouts: Path, assets: Path, cache: Cache) -> list[Brochure]:
    """Every language's brochure of every year the content covers."""
    resources = read_resources(layouts, assets)
    return [render_brochure(site, year, lang, catalogs, layouts, resources, cache)
            for year in views.years(site) for lang in site.config.language_codes]
