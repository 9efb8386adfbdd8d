"""Site model -> HTML pages, one Jinja2 template per kind of page.

Pure: returns Artifacts. `plan_pages` lists every page with its template and
the model objects it shows; `render_pages` renders them. Templates get the
model, read-only, and a few helpers (URLs, formatting, Markdown); values are
autoescaped and undefined names are errors, never blanks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator.views import queries as views
from generator.views.monthgrid import neighbours
from generator.i18n.formatting import Formatter
from generator.content.images import image_path, image_refs
from generator.content.markdown import content_link_path, render_markdown
from generator.content.model import Item, Page, Site, Text
from generator.outputs.urls import Urls, output_file
from generator.views.worldmap import world_map
from generator.outputs import Artifact
from generator.outputs.headers import content_security_policy
from generator.outputs.images import Picture, picture_html
from generator.outputs.jsonld import event_json_ld

SECTIONS = ("events", "programs", "networks")


def N_(message: str) -> str:
    """Marks a string for `sitegen catalogs` to extract; it is translated where shown."""
    return message


FORMAT_NAMES = {"in-person": N_("In person"), "online": N_("Online"), "hybrid": N_("Hybrid")}
"""Names of model.FORMATS; layouts show them translated through `format_name`."""


@dataclass(frozen=True, slots=True)
class Alternate:
    lang: str
    url: str


@dataclass(frozen=True, slots=True)
class ShareImage:
    """The picture social networks and chat apps show with a link to the page (og:image)."""

    url: str
    """Absolute: 'https://example.org/images/berlin-hall-1600.3f2a9c1b0d.jpg'."""
    width: int
    height: int
    alt: str


SHARE_IMAGE = ("share.png", 1200, 630)
"""The site's own share image in assets/ and its size (1200 x 630, what Facebook, LinkedIn and
X crop to): the og:image of every page without a photo of its own (layouts/base.html)."""


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What the head of a page says about it."""

    path: str
    title: str
    description: str
    alternates: tuple[Alternate, ...]
    """The same page in every language that really has it (hreflang)."""
    canonical: str
    kind: str = "website"
    image: ShareImage | None = None
    """The page's own share image (an item's first photo); None: the site's (SHARE_IMAGE)."""


@dataclass(frozen=True, slots=True)
class PagePlan:
    lang: str
    template: str
    meta: PageMeta
    context: dict[str, Any] = field(hash=False)
    shows: frozenset[str] = frozenset()
    """Ids of the items whose data the page shows: the incremental build re-renders a page
    only when one of these changed (incremental.py). A layout may read no item it does not name."""


@dataclass
class Memos:
    """What a renderer may keep between renders of the same layouts and settings (a preview's):
    each entry is keyed by the digests of the items it is made from, so an edit misses it."""

    fragments: dict = field(default_factory=dict)
    """(language, macro, arguments, options) -> HTML: see `Renderer.fragment`."""
    plans: dict = field(default_factory=dict)
    """Page path, or (language, item id) -> (what its plan was made from, the PagePlan): see `_kept`."""
    keys: dict = field(default_factory=dict)
    """id(plan) -> (plan, page key, render it was last valid in), for plans kept in `plans`
    (incremental.Keys)."""
    items: tuple = (0, {})
    """(render number, item id -> item) of the last render whose pages were keyed (incremental.Keys)."""
    faces: dict = field(default_factory=dict)
    """Item id -> what the item's faces are made of, and those taken (incremental.Keys)."""
    face_in: dict = field(default_factory=dict)
    """Language -> item id -> the item's face there, for the items of the last render (incremental.Keys)."""
    alternates: dict = field(default_factory=dict)
    """(item id, kind, languages) -> its page's alternates (hreflang links)."""
    sitemap: dict = field(default_factory=dict)
    """id(page meta) -> (meta, its sitemap entry) of the last render's pages (outputs/sitemap.py)."""
    data: dict = field(default_factory=dict)
    """(language, item id, item digest) -> the item's entry in events.json (outputs/data.py)."""
    feeds: dict = field(default_factory=dict)
    """(settings, item id) -> what the feeds are made of an item (outputs/ics.py)."""


class Renderer:
    """Renders pages of one site; holds the Jinja2 environments, one per language."""

    def __init__(self, site: Site, layouts: Path, catalogs: dict, asset_names: dict[str, str], today: date,
                 bytecode_cache: jinja2.BytecodeCache | None = None, pictures: dict[str, Picture] | None = None):
        self.site, self.today, self.catalogs = site, today, catalogs
        self.pictures = pictures or {}
        """The processed body images by their original's path (outputs/images.py)."""
        self.bytecode_cache = bytecode_cache
        self.memos = Memos()
        self.urls = Urls(site.config)
        self.asset_names = asset_names
        self.formatters = {lang: Formatter(site.config.language(lang).locale or lang, catalogs[lang])
                           for lang in site.config.language_codes}
        self.envs = {lang: self._environment(layouts, lang, catalogs[lang]) for lang in site.config.language_codes}
        self.sources = {text.source: item for item in site.items for text in item.texts}

    def _environment(self, layouts: Path, lang: str, catalog) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(layouts),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=self.bytecode_cache,
        )
        env.install_gettext_translations(catalog, newstyle=True)
        config = self.site.config
        env.globals.update(
            site=self.site, config=config, urls=self.urls, views=views, today=self.today,
            lang=lang, language=config.language(lang), fmt=self.formatters[lang],
            asset=lambda name: self.urls.asset(self.asset_names[name]),
            body=lambda text: self.body(text, lang),
            text_attrs=lambda text: self.text_attrs(text, lang),
            category=config.category, region=config.region,
            json_ld=lambda item: self.json_ld(item, lang),
            fragment=lambda name, *args, **options: self.fragment(lang, name, args, options),
            format_name=lambda key: catalog.gettext(FORMAT_NAMES[key]),
            format_keys=tuple(FORMAT_NAMES),
            home_upcoming=HOME_UPCOMING,
            world_map=lambda items: world_map(items, config, lang),
            neighbours=neighbours,
            content_security_policy=content_security_policy(meta=True),
            share_image=SHARE_IMAGE,
        )
        return env

    def body(self, text: Text, lang: str) -> Markup:
        """A text's Markdown as HTML, its content links pointing into `lang`."""
        folder = Path(text.source).parent

        def resolve(href: str) -> str | None:
            target = content_link_path(href, folder)
            if target is None:
                return None
            item = self.sources.get(target.as_posix())
            anchor = href.partition("#")[2]
            return (self.urls.item(lang, item) if item else href) + (f"#{anchor}" if anchor else "")

        def picture(src: str, alt: str, title: str | None, first: bool) -> str | None:
            found = self.pictures.get(image_path(src, text.source) or "")
            return picture_html(found, alt, title, eager=first) if found else None

        return Markup(render_markdown(text.body, resolve, picture))

    def share_image(self, text: Text) -> ShareImage | None:
        """The first photo of a text, as its page's og:image: the largest JPEG (or PNG)."""
        for ref in image_refs(text):
            found = self.pictures.get(ref.path or "")
            if found:
                largest = found.largest
                return ShareImage(self.urls.absolute(largest.url), largest.width, largest.height, ref.alt)
        return None

    def fragment(self, lang: str, macro: str, args: tuple, options: dict) -> Markup:
        """A macro of macros.html that shows one item (a card, an agenda line) or one number,
        rendered once per language: lists repeat them, and a preview keeps them between rebuilds.

        Such macros may read only their arguments and the environment's globals, so an
        item's digest (with `keep_memos`' salt for everything else) decides the HTML."""
        key = (lang, macro, tuple((a.id, a.digest) if isinstance(a, Item) else a for a in args),
               tuple(sorted(options.items())))
        found = self.memos.fragments.get(key)
        if found is None:
            found = self.memos.fragments[key] = Markup(getattr(self._macros(lang), macro)(*args, **options))
        return found

    def keep_memos(self, store: dict, salt: str) -> None:
        """Share memos with earlier renders of the same layouts, catalogs, settings and date
        (`salt` hashes them: incremental.Keys.salt); those of any other salt are dropped."""
        for stale in [key for key in store if key != salt]:
            del store[stale]
        self.memos = store.setdefault(salt, self.memos)

    def _macros(self, lang: str):
        return self.envs[lang].get_template("macros.html").module

    def text_attrs(self, text: Text, lang: str) -> Markup:
        """lang/dir attributes for text shown in another language than the page's."""
        if text.lang == lang:
            return Markup("")
        direction = self.site.config.language(text.lang).direction
        return Markup(f' lang="{text.lang}" dir="{direction}"')

    def json_ld(self, item: Item, lang: str) -> Markup:
        data = event_json_ld(item, item.text(lang), self.urls, lang)
        # '<' escaped as \u003c: no field can close the <script> element it sits in.
        return Markup(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).replace("<", "\\u003c"))

    def render(self, plan: PagePlan) -> Artifact:
        template = self.envs[plan.lang].get_template(plan.template)
        html = template.render(page=plan.meta, **plan.context)
        return Artifact(output_file(plan.meta.path, self.urls.prefix), html.encode("utf-8"))


def render_pages(renderer: Renderer) -> list[Artifact]:
    return [renderer.render(plan) for plan in plan_pages(renderer)]


def plan_pages(r: Renderer, downloads: dict | None = None) -> list[PagePlan]:
    """Every HTML page of the site, in every language; `downloads`: (language, year) -> the
    brochure's address, size and page count that its year page links to (layouts/year.html)."""
    plans = [_root(r)]
    for lang in r.site.config.language_codes:
        plans += _language_pages(r, lang, downloads or {})
    return plans + [_root_not_found(r, plans)]


def _root_not_found(r: Renderer, plans: list[PagePlan]) -> PagePlan:
    """/404.html, which static hosts serve for any missing address: the default language's 404."""
    default = r.site.config.site.default_language
    page = next(p for p in plans if p.lang == default and p.template == "404.html")
    path = r.urls.file("404.html")
    return _kept(r, path, (page,), lambda: replace(page, meta=replace(page.meta, path=path)))


def _language_pages(r: Renderer, lang: str, downloads: dict) -> list[PagePlan]:
    site, urls, fmt = r.site, r.urls, r.formatters[lang]
    _ = fmt._
    plans = [
        _page(r, lang, "home.html", urls.home(lang), site.pages["home"], page_id="home", shows=_home_shows(r)),
        _page(r, lang, "page.html", urls.page(lang, "about"), site.pages["about"], page_id="about"),
        _page(r, lang, "contact.html", urls.page(lang, "contact"), site.pages["contact"], page_id="contact"),
        _fixed(r, lang, "404.html", urls.path(lang, "404.html", folder=False), _("Page not found"),
               _("The page you were looking for is not here.")),
        _fixed(r, lang, "search.html", urls.search(lang), _("Search"),
               _("Search every activity, program and network of the calendar.")),
    ]
    for year in views.years(site):
        plans.append(_year_page(r, lang, year, downloads.get((lang, year))))
    plans += [_item_page(r, lang, item) for item in site.items]
    section_titles = {"events": _("Events"), "programs": _("Programs"), "networks": _("Regional networks")}
    for section, kind in zip(SECTIONS, ("event", "program", "network")):
        plans += _paged(r, lang, "section.html", urls.section(lang, section), section_titles[section],
                        _("All WeGO %(section)s, with dates and places.") % {"section": section_titles[section]},
                        site.of_kind(kind), _ids, section=section)
    plans.append(_index(r, lang, "categories.html", urls.section(lang, "categories"), _("Areas of activity"),
                        _("WeGO's activities by area."),
                        {cat.key: views.in_category(site, cat.key) for cat in site.config.categories}))
    plans.append(_index(r, lang, "regions.html", urls.section(lang, "regions"), _("Regions"),
                        _("WeGO's activities by region of the world."),
                        {reg.key: views.in_region(site, reg.key) for reg in site.config.regions}))
    for cat in site.config.categories:
        name = _(cat.name)
        items = views.in_category(site, cat.key)
        plans += _paged(r, lang, "category.html", urls.category(lang, cat.key), name,
                        _("WeGO activities in %(name)s.") % {"name": name}, items, _listed, cat=cat)
    for reg in site.config.regions:
        name = _(reg.name)
        items = views.in_region(site, reg.key)
        plans += _paged(r, lang, "region.html", urls.region(lang, reg.key), name,
                        _("WeGO activities in %(name)s.") % {"name": name}, items, _listed, reg=reg)
    return plans + _month_pages(r, lang) + _format_pages(r, lang)


def _year_page(r: Renderer, lang: str, year: int, brochure) -> PagePlan:
    fmt, items = r.formatters[lang], views.in_year(r.site, year)
    _ = fmt._
    path = r.urls.year(lang, year)
    return _kept(r, path, (items, brochure), lambda: _plan(
        r, lang, "year.html", path, _("%(year)s Calendar of Activities") % {"year": fmt.year(year)},
        _("Every WeGO activity of %(year)s by category and month, with dates and places.") % {"year": fmt.year(year)},
        shows=_listed(items), year=year, brochure=brochure))


def _fixed(r: Renderer, lang: str, template: str, path: str, title: str, description: str) -> PagePlan:
    """A page that shows nothing of the content."""
    return _kept(r, path, (), lambda: _plan(r, lang, template, path, title, description))


def _index(r: Renderer, lang: str, template: str, path: str, title: str, description: str,
           lists: dict[str, tuple[Item, ...]]) -> PagePlan:
    """A page of links to lists, each with how many items it holds: it shows no item itself."""
    counts = tuple((key, len(items)) for key, items in lists.items())
    return _kept(r, path, counts, lambda: _plan(r, lang, template, path, title, description,
                                               counts=dict(counts)))


def _month_pages(r: Renderer, lang: str) -> list[PagePlan]:
    """Every month of every year as a grid, so that the previous and next month always exist."""
    site, fmt, _ = r.site, r.formatters[lang], r.formatters[lang]._
    plans = []
    for year in views.years(site):
        for month in range(1, 13):
            path = r.urls.month(lang, year, month)
            touching, all_year = views.month_items(site, year, month), views.year_round(site, year)
            plans.append(_kept(r, path, (touching, all_year), lambda: _plan(
                r, lang, "month.html", path, fmt.month(year, month),
                _("WeGO activities in %(name)s.") % {"name": fmt.month(year, month)},
                shows=_ids(touching + all_year), year=year, month=month,
                grid=views.grid(site, year, month, fmt.first_weekday))))
    return plans


def _format_pages(r: Renderer, lang: str) -> list[PagePlan]:
    """One page per way of taking part (the no-JavaScript format filter), and their index."""
    site, _ = r.site, r.formatters[lang]._
    plans = [_index(r, lang, "formats.html", r.urls.section(lang, "formats"), _("Formats"),
                    _("WeGO's activities in person, online and hybrid."),
                    {key: views.in_format(site, key) for key in FORMAT_NAMES})]
    for key, label in FORMAT_NAMES.items():
        name, items = _(label), views.in_format(site, key)
        plans += _paged(r, lang, "format.html", r.urls.format(lang, key), name,
                        _("WeGO activities: %(format)s.") % {"format": name}, items, _listed, format_key=key)
    return plans


@dataclass(frozen=True, slots=True)
class Pager:
    """Where a page stands in a list that continues on several pages (layouts/macros.html)."""

    number: int
    count: int
    first: str
    """The list's first page, which the others are numbered below (Urls.list_page)."""

    @property
    def numbers(self) -> tuple[int | None, ...]:
        """The page numbers to link to: the first, the last and two either side of this one;
        None where numbers are left out."""
        shown = sorted({1, self.count} | set(range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)))
        found: list[int | None] = []
        for n in shown:
            if found and n - found[-1] > 1:
                found.append(None)
            found.append(n)
        return tuple(found)


def _paged(r: Renderer, lang: str, template: str, first: str, title: str, description: str,
           items: tuple[Item, ...], shows, **context) -> list[PagePlan]:
    """A list of items on as many pages as site.toml's [lists] page_size asks: the first at
    `first`, the others below it. `shows(chunk)` says what each page shows of the model."""
    size, fmt = r.site.config.lists.page_size, r.formatters[lang]
    _ = fmt._
    chunks = [items[start:start + size] for start in range(0, len(items), size)] or [()]
    plans = []
    for number, chunk in enumerate(chunks, 1):
        path = r.urls.list_page(first, number)
        heading = title if number == 1 else _("%(title)s, page %(page)s of %(pages)s") % {
            "title": title, "page": fmt.number(number), "pages": fmt.number(len(chunks))}
        plans.append(_kept(r, path, (chunk, len(items)), lambda: _plan(
            r, lang, template, path, heading, description, shows=shows(chunk),
            items=chunk, total=len(items), pager=Pager(number, len(chunks), first), **context)))
    return plans


def _kept(r: Renderer, key, inputs: tuple, make) -> PagePlan:
    """The plan `make()` gives, or the one kept (Memos.plans) from a render whose `inputs` were
    the same: items are compared by identity (an unchanged item is the same object from one
    preview rebuild to the next), anything else by value. Everything else a plan is made of
    (settings, catalogs, date) is the same under the memos' salt."""
    found = r.memos.plans.get(key)
    if found is not None and _same(found[0], inputs):
        return found[1]
    plan = make()
    if found is not None:
        r.memos.keys.pop(id(found[1]), None)
    r.memos.plans[key] = (inputs, plan)
    return plan


def _same(a, b) -> bool:
    if a is b:
        return True
    if type(a) is not type(b) or type(a) is Item:
        return False
    if type(a) is tuple:
        return len(a) == len(b) and all(map(_same, a, b))
    return a == b


def _item_page(r: Renderer, lang: str, item: Item) -> PagePlan:
    """An item's page shows it, its program and its program's members."""
    members = views.in_program(r.site, item.id)

    def make() -> PagePlan:
        text = item.text(lang)
        shows = frozenset({item.id, item.program} - {None}) | {i.id for i in members}
        return PagePlan(lang, "item.html", _item_meta(r, lang, item, text), {"item": item, "text": text}, shows)

    return _kept(r, (lang, item.id), (item, members), make)


HOME_UPCOMING = 6
"""How many of the next activities the home page shows (layouts/home.html)."""


def _home_shows(r: Renderer) -> frozenset[str]:
    """The next activities, the current year's (counted by area), and every program and network."""
    site = r.site
    year = views.current_year(site, r.today)
    return (_ids(views.upcoming(site, r.today, HOME_UPCOMING)) | _ids(views.in_year(site, year))
            | _ids(site.of_kind("program")) | _ids(site.of_kind("network")))


def _root(r: Renderer) -> PagePlan:
    default = r.site.config.site.default_language
    return _kept(r, r.urls.root(), (), lambda: PagePlan(default, "root.html", PageMeta(
        r.urls.root(), r.site.config.site.title, r.site.config.site.organisation,
        _alternates(r, r.site.config.language_codes, r.urls.home), r.urls.absolute(r.urls.home(default))),
        {}, frozenset()))


def _ids(items) -> frozenset[str]:
    return frozenset(i.id for i in items)


def _listed(items) -> frozenset[str]:
    """A filtered list shows its items, and the titles of their programs in the program filter."""
    return _ids(items) | views.values_present(items, "program")


def _plan(r: Renderer, lang: str, template: str, path: str, title: str, description: str,
          shows: frozenset[str] = frozenset(), **context) -> PagePlan:
    """A page that exists in every language at the same place under each prefix."""
    local = path[len(r.urls.home(lang)):]
    meta = PageMeta(path, title, description,
                    _alternates(r, r.site.config.language_codes, lambda other: r.urls.home(other) + local),
                    r.urls.absolute(path))
    return PagePlan(lang, template, meta, context, shows)


def _page(r: Renderer, lang: str, template: str, path: str, page: Page, page_id: str,
          shows: frozenset[str] = frozenset()) -> PagePlan:
    def make() -> PagePlan:
        text = page.text(lang)
        meta = PageMeta(path, text.title, text.summary,
                        _alternates(r, page.languages, lambda other: r.urls.page(other, page_id)),
                        r.urls.absolute(r.urls.page(text.lang, page_id)))
        return PagePlan(lang, template, meta, {"text": text, "page_id": page_id}, shows)

    return _kept(r, path, (page, shows), make)


def _item_meta(r: Renderer, lang: str, item: Item, text: Text) -> PageMeta:
    """Alternates name real translations only; a fallback page is canonical at the original."""
    key = (item.id, item.kind, item.languages)  # the same for the item's page in every language
    if key not in r.memos.alternates:
        r.memos.alternates[key] = _alternates(r, item.languages, lambda other: r.urls.item(other, item))
    return PageMeta(r.urls.item(lang, item), text.title, text.summary, r.memos.alternates[key],
                    r.urls.absolute(r.urls.item(text.lang, item)), kind="article", image=r.share_image(text))


def _alternates(r: Renderer, langs, url_for) -> tuple[Alternate, ...]:
    ordered = [code for code in r.site.config.language_codes if code in langs]
    alternates = [Alternate(code, r.urls.absolute(url_for(code))) for code in ordered]
    default = r.site.config.site.default_language
    if len(alternates) > 1 and default in ordered:
        alternates.append(Alternate("x-default", r.urls.absolute(url_for(default))))
    return tuple(alternates)
