"""Site model -> the printable annual brochure: HTML from layouts/brochure/, then a PDF by WeasyPrint.

Pure apart from reading its design (`read_design`: layouts/brochure/, the logo
and fonts of assets/) and its templates: model -> `Contents` -> HTML string ->
PDF bytes -> Artifact. WeasyPrint fetches nothing but the fonts, logo and photos
held in memory (`Design`), so the PDF never depends on the network or on the
fonts installed here. Body images stored in content/ are printed from their
largest processed file (outputs/images.py); any other image (another
website's) is left out, never fetched. The PDFs it may reuse are lent by the
caller (`pdfs`), keyed by a hash of every input.
"""

from __future__ import annotations

import base64
import importlib.metadata
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from datetime import date
from html import escape
from pathlib import Path
from typing import Mapping, MutableMapping
from urllib.parse import urljoin, urlsplit

import jinja2
import jinja2.bccache
from babel import Locale
from babel.lists import format_list
from markupsafe import Markup

from generator import __version__

from generator.views import queries as views
from generator.config import Category
from generator.errors import BuildFailed, SiteError, layout_error
from generator.i18n.formatting import Formatter
from generator.content.images import image_path
from generator.content.markdown import content_link_path, render_markdown
from generator.content.model import Item, Site, Text
from generator.outputs.urls import Urls, output_file
from generator.content.when import Precision
from generator.outputs import Artifact, make_key
from generator.outputs.images import Picture, Pictures
from generator.outputs.labels import labeller
from generator.parallel import render_all

TEMPLATE = "brochure/brochure.html"
"""Under layouts/; it includes the other templates of layouts/brochure/."""

FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf"}

PRESS_BLEED = "3mm"
"""What print shops ask for around each page of a PDF to be trimmed (`sitegen brochure --press`).
The covers' colour runs into it, so no white edge shows after the cut; WeasyPrint sets each
page's TrimBox to the A4 page. The text stays 18 mm or more inside the trim (print.css)."""

PDF_VARIANT = "pdf/ua-1"
"""Tagged for accessibility (ISO 14289-1, which EN 301 549 and Section 508 point to): a structure
tree of headings, paragraphs, lists and tables that screen readers follow, the document's
language, and its title shown instead of the file name."""

COUNTER_STYLES = {"latn": "decimal", "arab": "arabic-indic", "arabext": "persian", "deva": "devanagari",
                  "beng": "bengali", "thai": "thai", "khmr": "khmer", "mymr": "myanmar", "tamldec": "tamil"}
"""CLDR numbering system -> CSS counter style, so page numbers use the digits Babel uses."""


@dataclass(frozen=True, slots=True)
class Listing:
    """One item as a chapter describes it, with the activities that belong to it."""

    item: Item
    parts: tuple[Item, ...] = ()
    """Its events of the same chapter, shown right after it."""
    elsewhere: tuple[Item, ...] = ()
    """Its events described in another chapter: listed with a link there."""


@dataclass(frozen=True, slots=True)
class Chapter:
    category: Category
    listings: tuple[Listing, ...]


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

    def shown(self) -> frozenset[str]:
        """Ids of the items that have an entry: links to them stay inside the PDF."""
        return frozenset(i.id for c in self.chapters + self.regional for entry in c.listings
                         for i in (entry.item,) + entry.parts)


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
    conferences = tuple(i for i in views.conferences(site) if i.when and year in i.when.years())
    updated = [i.updated for i in shown if i.updated]
    return Contents(
        year=year,
        overview=views.by_category(site, dated),
        chapters=tuple(c for c in chapters if c.listings and c.category.key not in regional_keys),
        conferences=conferences,
        regional=tuple(c for c in chapters if c.listings and c.category.key in regional_keys),
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
    ids, shown_ids = {i.id for i in mine}, {i.id for i in shown}
    top = sorted((i for i in mine if i.program not in ids), key=_reading_order)
    listings = []
    for item in top:
        members = [m for m in views.in_program(site, item.id) if m.id in shown_ids]
        listings.append(Listing(item, tuple(m for m in members if m.category == category.key),
                                tuple(m for m in members if m.category != category.key)))
    return Chapter(category, tuple(listings))


def _reading_order(item: Item) -> tuple:
    loose = item.when is None or item.when.precision is Precision.YEAR
    return (item.when is None, loose, item.sort_key())


def brochure_url(site: Site, year: int, lang: str) -> str:
    """'/en/brochure/wego-calendar-2024-en.pdf'."""
    name = f"{site.config.site.short_name.lower()}-calendar-{year}-{lang}.pdf"
    return Urls(site.config).path(lang, "brochure", name, folder=False)


# --- HTML ------------------------------------------------------------------


SCHEME = "brochure:"
"""How the HTML names the stylesheet's fonts and the logo ('brochure:logo.svg'): the PDF
renderer serves them from memory, `standalone()` inlines them as data: URIs."""


@dataclass(frozen=True, slots=True)
class Design:
    """What every brochure is made with, read once: templates, stylesheet, fonts, logo."""

    layouts: Path
    """The layouts/ folder; the templates are in layouts/brochure/."""
    stylesheet: str
    """layouts/brochure/print.css, its fonts at 'brochure:fonts/NAME'."""
    files: Mapping[str, tuple[str, bytes]]
    """Name -> (media type, bytes): 'logo.svg' and 'fonts/NotoSans-Regular.ttf'..., and the
    photos' print files ('images/berlin-hall-1600.3f2a9c1b0d.jpg', see `with_pictures`)."""
    compiled: jinja2.BytecodeCache = field(compare=False)
    """Templates compiled once for all the languages' environments."""
    pictures: Mapping[str, Picture] = field(default_factory=dict)
    """The processed body images by original (content/...): each printed from its largest file."""

    def digest(self) -> str:
        return make_key(self.stylesheet, *(part for name, (mime, data) in sorted(self.files.items())
                                           for part in (name, mime, data)))


def read_design(layouts: Path, assets: Path) -> Design:
    """Read layouts/brochure/print.css, assets/logo.svg and the fonts of assets/fonts/."""
    files = {"logo.svg": ("image/svg+xml", (assets / "logo.svg").read_bytes())}
    for path in sorted((assets / "fonts").iterdir()):
        if path.suffix in FONT_TYPES:
            files[f"fonts/{path.name}"] = (FONT_TYPES[path.suffix], path.read_bytes())
    css = (layouts / "brochure" / "print.css").read_text(encoding="utf-8")
    css = re.sub(r'url\("(fonts/[^"]+)"\)', lambda m: f'url("{SCHEME}{m.group(1)}")', css)
    return Design(layouts, css, files, _Compiled())


def with_pictures(design: Design, pictures: Pictures, prefix: str) -> Design:
    """The design with the site's processed body images: the largest JPEG (or PNG) of each,
    1600 pixels wide unless the original is narrower: about 230 dpi across the A4 text column."""
    photos = {p.largest.url[len(prefix):]: (p.largest.mime, pictures.data(p.largest, prefix))
              for p in pictures.by_source.values()}
    return replace(design, files={**design.files, **photos}, pictures=pictures.by_source)


def standalone(html: str, design: Design) -> str:
    """The HTML with its fonts and logo inlined: one file to open, print or debug anywhere."""
    for name, (mime, data) in design.files.items():
        html = html.replace(f"{SCHEME}{name}", f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}")
    return html


def render_html(site: Site, contents: Contents, lang: str, catalog, design: Design, press: bool = False) -> str:
    """The print-ready HTML; its fonts and logo are named by `SCHEME` (see `standalone`).
    For the `press`, its pages have PRESS_BLEED around them."""
    env = _environment(site, lang, catalog, design, contents.shown())
    try:
        html = env.get_template(TEMPLATE).render(contents=contents, bleed=PRESS_BLEED if press else None)
    except Exception as exc:  # a layout's mistake, reported like a content error
        raise BuildFailed([layout_error(exc, design.layouts)]) from exc
    head, body = html.split("<body", 1)
    return head + "<body" + _keep_hangul_words(body)


class _Compiled(jinja2.BytecodeCache):
    """In memory: each language has its environment (its gettext), all share the compiled code."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:  # the key includes a checksum of the template's source
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


def _environment(site: Site, lang: str, catalog, design: Design, shown: frozenset[str]) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(design.layouts), autoescape=True,
                             undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"],
                             trim_blocks=True, lstrip_blocks=True, bytecode_cache=design.compiled)
    env.install_gettext_translations(catalog, newstyle=True)
    config = site.config
    language = config.language(lang)
    fmt = Formatter(language.locale or lang, catalog)
    by_source = {t.source: i for i in site.items for t in i.texts}
    env.globals.update(
        site=site, config=config, lang=lang, language=language, fmt=fmt,
        category=config.category, version=__version__, label=labeller(catalog.gettext),
        counter_style=COUNTER_STYLES.get(Locale.parse(fmt.locale).default_numbering_system, "decimal"),
        stylesheet=Markup(design.stylesheet), logo=SCHEME + "logo.svg",
        body=lambda text, level=2: Markup(_body(site, text, lang, level, by_source, shown, design)),
        text_attrs=lambda text: _text_attrs(site, text, lang),
        place=lambda item, text: text.location or item.city or "",
        fmt_list=lambda values: format_list(list(values), locale=fmt.locale),
    )
    return env


def _body(site: Site, text: Text, lang: str, level: int, by_source: Mapping[str, Item],
          shown: frozenset[str], design: Design) -> str:
    """A text's Markdown as HTML: headings below `level`, links to items kept inside the PDF,
    photos of content/ at print size; other images are left out (docs/editing.md says so)."""
    folder, prefix = Path(text.source).parent, Path(text.source).stem + "--"
    urls = Urls(site.config)
    home = urls.absolute(urls.home(lang))

    def resolve(href: str) -> str | None:
        target = content_link_path(href, folder)
        if target is not None:  # another item: its entry here, else (another year) its page
            item = by_source.get(target.as_posix())
            if item is None:
                return href
            return f"#item-{item.id}" if item.id in shown else urls.absolute(urls.item(lang, item))
        if href.startswith("#"):
            return "#" + prefix + href[1:] if len(href) > 1 else None
        # A relative link means the site; the PDF has no site around it.
        return None if urlsplit(href).scheme else urljoin(home, href)

    def picture(src: str, alt: str, title: str | None, first: bool) -> str:
        found = design.pictures.get(image_path(src, text.source) or "")
        if found is None:
            return ""  # another website's image: the PDF loads nothing from the network
        name, largest = found.largest.url[len(site.config.url_prefix):], found.largest
        return (f'<img class="photo" src="{SCHEME}{name}" alt="{escape(alt)}" width="{largest.width}" '
                f'height="{largest.height}">')

    # Body headings start at h2 (the page title is h1); here the item title is `level`.
    # Heading ids must be unique in the one document that holds every item.
    return render_markdown(text.body, resolve, heading_shift=level - 1, id_prefix=prefix, picture=picture)


def _text_attrs(site: Site, text: Text, lang: str) -> Markup:
    """lang/dir for a text shown in another language than the brochure's (an untranslated item)."""
    if text.lang == lang:
        return Markup("")
    return Markup(f' lang="{text.lang}" dir="{site.config.language(text.lang).direction}"')


_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff"
_HANGUL_WORD = re.compile(rf"[^\s<>]*[{_HANGUL}][^\s<>]*")
_HANGUL_CHARACTER = re.compile(f"[{_HANGUL}]")


def _keep_hangul_words(html: str) -> str:
    """Make each Korean word unbreakable: WeasyPrint has no `word-break: keep-all`, and
    Korean broken between syllables of a word reads badly. In running text, a WORD JOINER
    (U+2060) between its characters forbids the break (Unicode line breaking, which Pango
    follows) and adds no element: a span per word made a 1,000-event Korean brochure take
    three times as long. Headings keep spans: a PDF bookmark is its heading's text, and
    there a joiner would stay. Text only, never tags."""
    pieces, heading = [], False
    for part in re.split(r"(<[^>]*>)", html):
        if part.startswith("<"):
            heading = bool(_HEADING_START.match(part)) or (heading and not _HEADING_END.match(part))
        elif heading:
            part = _HANGUL_WORD.sub(_spanned, part)
        else:
            part = _HANGUL_WORD.sub(_joined, part)
        pieces.append(part)
    return "".join(pieces)


def _joined(match: re.Match) -> str:
    """A joiner wherever a Hangul character meets another character: not between two
    others, where it would split ligatures ("ff" in "Kick-off") and never allows a break."""
    characters = _CHARACTER.findall(match[0])
    pieces = [characters[0]]
    for before, after in zip(characters, characters[1:]):
        if _HANGUL_CHARACTER.match(before) or _HANGUL_CHARACTER.match(after):
            pieces.append(_JOINER)
        pieces.append(after)
    return "".join(pieces)


def _spanned(match: re.Match) -> str:  # one character cannot break: no span, fewer boxes to lay out
    return f'<span class="kw">{match[0]}</span>' if len(match[0]) > 1 else match[0]


_HEADING_START = re.compile(r"<h[1-6]\b")
_HEADING_END = re.compile(r"</h[1-6]>")
_JOINER = "\u2060"
_CHARACTER = re.compile(r"&#?\w+;|.", re.S)
"""One character of HTML text: a character reference ('&amp;') counts as one."""


# --- PDF -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _weasyprint():
    """WeasyPrint, imported on first use: it takes half a second to load, and most
    commands (check, serve, a build with --no-brochure) never make a PDF."""
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError, URLFetcherResponse

    class Fetcher(weasyprint.URLFetcher):
        """Serves the design's files from memory and refuses every other address: no
        network, no installed fonts, nothing the content could smuggle in."""

        def __init__(self, design: Design):
            super().__init__(fail_on_errors=True)
            self.files = design.files

        def fetch(self, url, headers=None):
            name = url.removeprefix(SCHEME)
            if name in self.files:
                mime, data = self.files[name]
                return URLFetcherResponse(url, data, {"Content-Type": mime})
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"the brochure may not load {url[:80]!r} (it has: {', '.join(self.files)})")

    return weasyprint, Fetcher, FatalURLFetchingError


def render_pdf(html: str, design: Design) -> tuple[bytes, int]:
    """The PDF of a brochure's HTML, and its number of pages."""
    weasyprint, fetcher, fetch_error = _weasyprint()
    try:
        document = weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=fetcher(design)).render(
            pdf_variant=PDF_VARIANT)
    except fetch_error as exc:
        raise BuildFailed([SiteError(TEMPLATE, None, None, str(exc.__cause__ or exc))]) from exc
    return document.write_pdf(pdf_variant=PDF_VARIANT), len(document.pages)


def brochure_html(site: Site, year: int, lang: str, catalogs: Mapping, design: Design,
                  press: bool = False) -> str:
    """The print-ready HTML of one language's brochure of `year` (`sitegen brochure --format html`);
    with bleed for a print shop if `press` (the site publishes the A4 one)."""
    contents = plan_contents(site, year, lang)
    return render_html(site, contents, lang, catalogs[lang], design, press)


def cache_key(html: str, design: Design) -> str:
    """Everything a PDF is made from: the HTML (content, layouts, catalog and language
    are all in it), the stylesheet, fonts and logo, the PDF variant and the versions of the programs."""
    return make_key(html, design.digest(), PDF_VARIANT, __version__, importlib.metadata.version("weasyprint"))


def render_brochure(site: Site, year: int, lang: str, catalogs: Mapping, design: Design,
                    pdfs: MutableMapping[str, tuple[bytes, int]] | None = None, press: bool = False) -> Brochure:
    """One language's brochure of `year` (with bleed if `press`). `pdfs` (the build's store)
    keeps each PDF and its page count by `cache_key`: an unchanged HTML is not laid out again."""
    html = brochure_html(site, year, lang, catalogs, design, press)
    key = cache_key(html, design)
    found = pdfs.get(key) if pdfs is not None else None
    if found is None:
        found = render_pdf(html, design)
        if pdfs is not None:
            pdfs[key] = found
    return _published(site, year, lang, found)


def render_brochures(site: Site, catalogs: Mapping, layouts: Path, assets: Path,
                     pdfs: MutableMapping[str, tuple[bytes, int]] | None = None,
                     workers: int | None = None, pictures: Pictures | None = None) -> list[Brochure]:
    """Every language's brochure of every year the content covers, in that order. The HTML is
    made here; the PDFs that `pdfs` does not hold are made on up to `workers` processes at
    once (seconds each, and WeasyPrint uses one core), with the body images of `pictures`."""
    design = read_design(layouts, assets)
    if pictures is not None:
        design = with_pictures(design, pictures, site.config.url_prefix)
    wanted = [(year, lang) for year in views.years(site) for lang in site.config.language_codes]
    pages = [brochure_html(site, year, lang, catalogs, design) for year, lang in wanted]
    keys = [cache_key(html, design) for html in pages]
    found = [pdfs.get(key) if pdfs is not None else None for key in keys]
    missing = [i for i, pdf in enumerate(found) if pdf is None]
    if missing:
        _weasyprint()  # imported once here, not once in each worker forked below
    for i, pdf in zip(missing, render_all(lambda i: render_pdf(pages[i], design), missing, workers, per_worker=1)):
        found[i] = pdf
        if pdfs is not None:
            pdfs[keys[i]] = pdf
    return [_published(site, year, lang, pdf) for (year, lang), pdf in zip(wanted, found)]


def _published(site: Site, year: int, lang: str, pdf: tuple[bytes, int]) -> Brochure:
    data, pages = pdf
    url = brochure_url(site, year, lang)
    return Brochure(lang, year, Artifact(output_file(url, site.config.url_prefix), data),
                    Download(url, len(data), pages))
