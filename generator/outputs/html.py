"""Page plans -> HTML pages, one Jinja2 template per kind of page.

Pure apart from reading the layouts (Jinja2's loader): returns Artifacts, writes
nothing. Layouts read their plan's context (outputs/pages.py)
and a few helpers (URLs, formatting, Markdown, labels); they query no view of
the model. Values are autoescaped and undefined names are errors, never blanks.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Mapping, MutableMapping

import jinja2
from markupsafe import Markup

from generator.content.images import image_path
from generator.content.markdown import ParsedBody, body_html, content_link_path, parse_body
from generator.content.model import Item, Site, Text
from generator.i18n.formatting import Formatter
from generator.outputs import Artifact
from generator.outputs.headers import content_security_policy
from generator.outputs.images import Picture, picture_html
from generator.outputs.jsonld import item_json_ld
from generator.outputs.labels import FORMAT_NAMES, labeller
from generator.outputs.plans import SHARE_IMAGE, PagePlan, Planner, ShareImage
from generator.outputs.urls import Urls, output_file
from generator.views import queries as views
from generator.views.queries import filter_values


class Renderer:
    """Renders pages of one site; holds the Jinja2 environments, one per language."""

    def __init__(self, site: Site, layouts: Path, catalogs: dict, asset_names: dict[str, str], today: date,
                 bytecode_cache: jinja2.BytecodeCache | None = None,
                 fragments: MutableMapping[tuple, str] | None = None, pictures: Mapping[str, Picture] | None = None):
        """`fragments`: where item fragments are kept (`fragment`); a preview lends the ones of
        its earlier renders with the same layouts, catalogs, settings and date, a one-off build
        those of the last build's pages (the memos). `pictures`: the
        processed body images by their original's path (outputs/images.py)."""
        self.site, self.today, self.catalogs = site, today, catalogs
        self.pictures = {} if pictures is None else pictures
        self.bytecode_cache = bytecode_cache
        self.fragments = {} if fragments is None else fragments
        self.urls = Urls(site.config)
        self.asset_names = asset_names
        self.formatters = {lang: Formatter(site.config.language(lang).locale or lang, catalogs[lang])
                           for lang in site.config.language_codes}
        self.planner = Planner(site, today, self.urls, self.formatters, self.pictures)
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
            config=config, urls=self.urls, today=self.today,
            current_year=views.current_year(self.site, self.today),
            lang=lang, language=config.language(lang), fmt=self.formatters[lang],
            asset=lambda name: self.urls.asset(self.asset_names[name]),
            body=lambda text: self.body(text, lang),
            text_attrs=lambda text: self.text_attrs(text, lang),
            category=config.category, region=config.region,
            json_ld=lambda item, members, image=None: self.json_ld(item, lang, members, image),
            fragment=lambda name, *args, **options: self.fragment(lang, name, args, options),
            label=labeller(catalog.gettext), format_keys=tuple(FORMAT_NAMES),
            filter_values=filter_values,
            content_security_policy=content_security_policy(meta=True),
            share_image=SHARE_IMAGE, day_class=self.day_class,
        )
        return env

    def body(self, text: Text, lang: str, parsed: ParsedBody | None = None) -> Markup:
        """A text's Markdown as HTML, its content links pointing into `lang`, its images the
        processed files' <picture>; from `parsed` when it is that text's body, parsed already."""
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

        if parsed is None or parsed.source != text.body:
            parsed = parse_body(text.body)
        return Markup(body_html(parsed, resolve, picture=picture))

    def fragment(self, lang: str, macro: str, args: tuple, options: dict) -> Markup:
        """A macro of macros.html that shows one item (a card, an agenda line), one number or
        what every page of a kind shows alike (a month grid's weekdays), rendered once per
        language: lists and months repeat them.

        Such macros may read only their arguments and the environment's globals, so an
        item's id and digest decide the HTML (with the layouts, catalogs, settings and date,
        which a preview's lent `fragments` are kept under)."""
        key = (lang, macro, tuple((a.id, a.digest) if isinstance(a, Item) else a for a in args),
               tuple(sorted(options.items())))
        found = self.fragments.get(key)
        if found is None:
            # Kept as plain text: a one-off build's memos keep them for the next (incremental/memos.py).
            found = self.fragments[key] = str(getattr(self._macros(lang), macro)(*args, **options))
        return Markup(found)

    def _macros(self, lang: str):
        return self.envs[lang].get_template("macros.html").module

    def day_class(self, day: date | None) -> str:
        """The classes of a month grid's cell under `day` (layouts/month.html), so that its
        column reads as one day: outside the month, past, today. A function, not a macro:
        a month's page asks for one per cell, several hundred."""
        if day is None:
            return "day-outside"
        return "day is-past" if day < self.today else "day is-today" if day == self.today else "day"

    def text_attrs(self, text: Text, lang: str) -> Markup:
        """lang/dir attributes for text shown in another language than the page's."""
        if text.lang == lang:
            return Markup("")
        direction = self.site.config.language(text.lang).direction
        return Markup(f' lang="{text.lang}" dir="{direction}"')

    def json_ld(self, item: Item, lang: str, members: tuple[Item, ...], image: ShareImage | None = None) -> Markup:
        """The item's schema.org data (jsonld.py; `members`: a program's or network's activities,
        from the page's plan), ready to sit in a <script> element; `image`: the page's own photo,
        which search engines show with it."""
        names = tuple(self.formatters[lang]._(self.site.config.region(key).name) for key in item.regions)
        data = item_json_ld(item, members, self.urls, lang, names)
        if image is not None:
            data["image"] = [image.url]
        # '<' escaped as \u003c: no field can close the <script> element it sits in. Escaping, not
        # splicing: '<' only occurs inside JSON strings, where \u003c is the same character, and the
        # json module has no option for it (a JSONEncoder subclass cannot change how strings are written).
        return Markup(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).replace("<", "\\u003c"))

    def output_path(self, plan: PagePlan) -> str:
        """The page's file in the output folder."""
        return output_file(plan.path, self.urls.prefix)

    def render(self, plan: PagePlan, parsed: ParsedBody | None = None) -> Artifact:
        """The page of `plan`; `parsed`: the body it shows, parsed already (outputs/item_pages.py)."""
        template = self.envs[plan.lang].get_template(plan.template)
        # The layout's `body` then renders that parse: a name given to render() hides the global.
        shown = {"body": lambda text: self.body(text, plan.lang, parsed)} if parsed is not None else {}
        html = template.render(page=plan.meta, **plan.context, **shown)
        return Artifact(self.output_path(plan), html.encode("utf-8"))
