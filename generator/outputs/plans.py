"""Page plans: what a page is (its head, template and context), what it is made from and
which items it shows, and the helpers every kind of page is planned with (outputs/pages.py).

Pure. `made_from` and `shows` are derived from a plan's context, so that the page keys
(generator/incremental/keys.py) cannot drift from what a layout reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from datetime import date
from typing import Any, Callable, Iterator, Mapping, MutableMapping

from generator.content.model import Item, Page, Site, Text
from generator.i18n.formatting import Formatter
from generator.outputs.images import Picture
from generator.outputs.paging import chunks
from generator.outputs.urls import Urls
from generator.views import queries as views


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
    """Everything the layout shows of the content, by name."""
    made_from: tuple | None = None
    """What the plan is made from: its kind, language, place, its lists as their items' ids
    and digests, its other values as text. Under the same settings (catalogs, site.toml,
    layouts, date), equal `made_from`, equal plan and page. Plain data only (tuples, strings,
    numbers, None): a one-off build keeps the keys by it for the next (incremental/memos.py)."""

    @property
    def path(self) -> str:
        return self.meta.path

    @property
    def shows(self) -> frozenset[str]:
        """Ids of the items the context holds (`items_in`): an edit of any other item cannot
        change the page. Derived when asked: only a page whose key is not known yet needs them."""
        return shown_in(self.context)


class DeferredPlan:
    """A page planned as far as a render needs for a page the last render made from the same
    (`made_from`): its key, file and sitemap entry are in the memos by that. Its head and
    context (a list's grids and maps, an item page's dates, alternates and share image) are
    made only if asked for (a page rendered, a key or an entry not kept). A preview keeps none of
    these: its kept plans (`Planner.kept`) are made in full, as a deferred plan holds its
    render's model."""

    __slots__ = ("lang", "template", "path", "made_from", "_make", "_plan")

    def __init__(self, lang: str, template: str, path: str, made_from: tuple, make: Callable[[tuple], PagePlan]):
        self.lang, self.template, self.path, self.made_from = lang, template, path, made_from
        self._make: Callable[[tuple], PagePlan] | None = make
        self._plan: PagePlan | None = None

    @property
    def plan(self) -> PagePlan:
        if self._plan is None:
            self._plan, self._make = self._make(self.made_from), None
        return self._plan

    @property
    def meta(self) -> PageMeta:
        return self.plan.meta

    @property
    def context(self) -> dict[str, Any]:
        return self.plan.context

    @property
    def shows(self) -> frozenset[str]:
        return self.plan.shows


Listed = tuple[str, str, tuple, str, str]
"""A page of an item no edit reached, as the last render listed it (incremental/items.py):
(template, path, what it is made from, key, file)."""


class ListedPages:
    """An item's pages in one language, for an item no edit reached since the last render: in
    the plans in its pages' place, as the last render listed them (`entries`). A render takes
    their keys and files as they are and gets to them once the other pages are written (a
    preview's browsers reload before); a plan of one is made (`plan`) only where a page is
    asked for more: its file is not the one the last build wrote, its sitemap entry not kept.
    At 10,000 events, these are 40,000 of 43,000 pages."""

    __slots__ = ("lang", "entries", "_again")

    def __init__(self, lang: str, entries: tuple[Listed, ...], again: Callable[[str, tuple], PagePlan]):
        self.lang, self.entries = lang, entries
        self._again = again
        """(path, made_from) -> the page's plan, made in full."""

    def plan(self, entry: Listed) -> DeferredPlan:
        template, path, made_from, _, _ = entry
        return DeferredPlan(self.lang, template, path, made_from, partial(self._again, path))


@dataclass(frozen=True, slots=True)
class Planner:
    """What every plan is made from: the model, the build date, URLs and each language's formatter."""

    site: Site
    today: date
    urls: Urls
    formatters: dict[str, Formatter]
    pictures: Mapping[str, Picture] = field(default_factory=dict)
    """The processed body images by their original's path (outputs/images.py)."""
    kept: MutableMapping[tuple, PagePlan] | None = None
    """Plans of earlier renders by what they are made from (a preview's, under the same
    settings): an unchanged page is not planned again. None: a one-off build, whose plans
    are deferred instead (`kept_plan`)."""
    unchanged: Mapping[tuple[str, str], tuple] = field(default_factory=dict)
    """The pages of the items no edit reached since the last render, by language and id, as
    (template, address, made_from, key, file) each (incremental/items.py): listed from these,
    not planned again."""
    planned: dict[tuple[str, str], list | tuple] | None = None
    """Where this render's item pages are recorded, by language and id, for the next (None:
    nowhere): their plans, or for an item no edit reached, what `unchanged` holds of them."""
    item_alternates: dict[str, tuple[Alternate, ...]] = field(default_factory=dict)
    """Each item's pages in every language it has: the same for its page in each language, so
    made once per render (a fifth of planning 40,000 item pages)."""
    lists: dict[tuple[str, int, int], tuple] = field(default_factory=dict)
    """This render's lists cut into pages and fingerprinted, by the list's id (the list held
    beside, so that no other takes its id): every language shows the same lists (the views'
    are made once per site), cut and fingerprinted once, not once a language (at 10,000
    events, a render fingerprinted 311,000 items, 227,000 of them again)."""

    def pieces(self, items: tuple[Item, ...], size: int) -> list[tuple[Item, ...]]:
        """`paging.chunks(items, size)`, the same pieces for every language."""
        found = self.lists.get(("pieces", id(items), size))
        if found is None:
            found = self.lists["pieces", id(items), size] = (items, chunks(items, size))
        return found[1]

    def fingerprint(self, items: tuple[Item, ...]) -> tuple:
        """`fingerprint(items)`, made once a render for each list."""
        found = self.lists.get(("fingerprint", id(items), 0))
        if found is None:
            found = self.lists["fingerprint", id(items), 0] = (items, fingerprint(items))
        return found[1]


DERIVED = frozenset({"grid", "map"})
"""Context values made from others of the same context (a month's grid from its agenda, a map
from the list it draws): the items they hold are already among those, so `shows` skips them."""


def items_in(value: Any) -> Iterator[Item]:
    """Every item a context value holds, through tuples, mappings and dataclasses."""
    kind = type(value)
    if kind is Item:
        yield value
    elif kind in _NO_ITEMS:
        return
    elif kind is tuple or kind is list or kind is frozenset:
        for v in value:
            if type(v) is Item:
                yield v
            else:
                yield from items_in(v)
    elif kind is dict:
        for v in value.values():
            yield from items_in(v)
    elif kind is views.Group:
        yield from value.items
    elif hasattr(kind, "__dataclass_fields__"):
        for name in kind.__dataclass_fields__:
            yield from items_in(getattr(value, name))


_NO_ITEMS = frozenset({str, int, bool, type(None), Text, Page})
"""What holds no item (a page's text, say): not walked field by field."""


def kept_plan(p: Planner, lang: str, template: str, path: str, made_from: tuple,
              make: Callable[[tuple], PagePlan]) -> PagePlan | DeferredPlan:
    """The plan `make(made_from)` gives for the page at `path`: the one a preview kept from an
    earlier render (`Planner.kept`) made from the same, as lists' plans are costly (grids, maps,
    filters); in a one-off build, a `DeferredPlan`, made when first needed. (A preview's are
    made at once: a deferred plan holds its render's model, which a preview keeping it would
    hold through every later edit.)"""
    if p.kept is None:
        return DeferredPlan(lang, template, path, made_from, make)
    found = p.kept.get(made_from)
    if found is None:
        found = p.kept[made_from] = make(made_from)
    return found


def fingerprint(items: tuple[Item, ...]) -> tuple:
    """A list as its items' ids and digests, in order (an item made in memory, in full). Every
    list of every page is fingerprinted each build (360,000 items at 10,000 events): `made_of`
    inlined."""
    return tuple([(i.id, i.digest) if type(i) is Item and i.digest else made_of(i) for i in items])


def made_from_context(lang: str, path: str, template: str, context: dict[str, Any]) -> tuple:
    """What a page is made from, under one salt: its lists as their items' ids and digests in
    order, its other values as text. The values DERIVED from those, and the filter's choices
    (its items' values and programs, among the items), add nothing; the programs' names the
    filter shows are added by the pages that have one (outputs/pages.py `_filtered_programs`)."""
    parts: list = [lang, path, template]
    for name, value in context.items():
        if name in DERIVED or name == "filters":
            continue
        parts.append(name)
        if isinstance(value, (Item, Page, Text)):
            parts.append(made_of(value))
        elif type(value) is tuple or type(value) is dict or isinstance(value, views.Group):
            parts.append(tuple(made_of(i) for i in items_in(value)) or repr(value))
        else:
            parts.append(repr(value))
    return tuple(parts)


def made_of(value: Item | Page | Text) -> tuple | str:
    if type(value) is Item and value.digest:
        return value.id, value.digest
    return repr(value)  # a plain page, a text, an item made in memory (no digest): in full


def shown_in(context: dict[str, Any]) -> frozenset[str]:
    return frozenset(i.id for name, value in context.items() if name not in DERIVED for i in items_in(value))


def language_plan(p: Planner, lang: str, template: str, path: str, title: str, description: str,
                  made_from: tuple | None = None, **context) -> PagePlan:
    """A page that exists in every language at the same place under each prefix; `made_from`:
    what it is made from, when the caller knows (`kept_plan`)."""
    local = path[len(p.urls.home(lang)):]
    meta = PageMeta(path, title, description,
                    alternates_of(p, p.site.config.language_codes, lambda other: p.urls.home(other) + local),
                    p.urls.absolute(path))
    return PagePlan(lang, template, meta, context,
                    made_from or made_from_context(lang, path, template, context))


def alternates_of(p: Planner, langs, url_for: Callable[[str], str]) -> tuple[Alternate, ...]:
    ordered = [code for code in p.site.config.language_codes if code in langs]
    alternates = [Alternate(code, p.urls.absolute(url_for(code))) for code in ordered]
    default = p.site.config.site.default_language
    if len(alternates) > 1 and default in ordered:
        alternates.append(Alternate("x-default", p.urls.absolute(url_for(default))))
    return tuple(alternates)
