"""The immutable model every output reads: Site, Item, Page, Text.

Pure data. Built once by validate.py and model_index(); templates, feeds and
the brochure receive it read-only. Derived views (by month, by category) are
new objects made by functions in views.py, never fields filled in later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from types import MappingProxyType
from typing import Mapping

from generator.config import SiteConfig
from generator.content.when import When

ITEM_KINDS = ("event", "program", "network")
FORMATS = ("in-person", "online", "hybrid")
STATUSES = ("confirmed", "tentative", "cancelled", "postponed")
LINK_KINDS = ("website", "registration", "contact", "document")


@dataclass(frozen=True, slots=True)
class Link:
    kind: str
    """One of LINK_KINDS; its label is translated by the layouts."""
    url: str
    """An http(s) or mailto address, already checked."""


@dataclass(frozen=True, slots=True)
class ImageRef:
    """One image written in a Markdown body (found by content/images.py)."""

    source: str
    """The Markdown file, as shown in errors: 'content/events/berlin-2025.md'."""
    line: int
    """The file line the image is written on."""
    src: str
    """As written: 'images/berlin-hall.jpg'."""
    alt: str
    path: str | None
    """The file it names, from the project folder ('content/events/images/berlin-hall.jpg');
    None for an image of another website or a data: URL."""


@dataclass(frozen=True, slots=True)
class Detail:
    """One key fact of a program: a label with a text, a list or a date."""

    label: str
    text: str | None = None
    items: tuple[str, ...] = ()
    when: When | None = None


@dataclass(frozen=True, slots=True)
class Text:
    """The words of an item or page in one language, from one file."""

    lang: str
    source: str
    """The file these words come from, as shown in errors."""
    title: str
    summary: str
    location: str | None
    details: tuple[Detail, ...]
    body: str
    """Markdown source of the description."""
    body_line: int
    """Line of the file where the body starts, for error messages."""
    translated_from: str | None = None
    """For a translation: the fingerprint of the original it was made from."""
    untranslated: bool = False
    """A translation file still holding the copy of the original that `sitegen new translation`
    made: reported as not yet translated, and never shown; its language shows the original."""
    digest: str = ""
    """Hash of the file these words come from (incremental.py)."""
    images: tuple[ImageRef, ...] = ()
    """The images its body shows, in order (content/images.py `image_refs`): found once, when
    its file is checked, not searched for again in every body of the site by every build."""


class _Translated:
    """Shared by items and pages: their text in any language, with fallback."""

    __slots__ = ()

    @property
    def original(self) -> Text:
        return self.texts[0]

    def text(self, lang: str) -> Text:
        """The text in `lang`, or the original's when not translated (yet)."""
        for text in self.texts:  # a loop, not next(genexpr): asked 170,000 times a build at 10,000 events
            if text.lang == lang and not text.untranslated:
                return text
        return self.texts[0]

    def is_translated(self, lang: str) -> bool:
        return any(t.lang == lang and not t.untranslated for t in self.texts)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(t.lang for t in self.texts if not t.untranslated)


@dataclass(frozen=True, slots=True)
class Item(_Translated):
    """An event, program or network: one file in content/ plus its translations."""

    kind: str
    id: str
    source: str
    category: str
    regions: tuple[str, ...]
    when: When | None
    texts: tuple[Text, ...]
    """The original first, then translations in site.toml's language order."""
    start_time: time | None = None
    end_time: time | None = None
    timezone: str | None = None
    city: str | None = None
    country: str | None = None
    coordinates: tuple[float, float] | None = None
    """Latitude and longitude of `city`, from site.toml's [[places]] or the gazetteer."""
    format: str = "in-person"
    status: str = "confirmed"
    program: str | None = None
    conference: bool = False
    links: tuple[Link, ...] = ()
    updated: date | None = None
    draft: bool = False
    modified: datetime | None = None
    """Last change of the item's files (git, see history.py), or `updated` when given."""
    revisions: int = 0
    """How many revisions its files have had; feeds' SEQUENCE."""
    digest: str = ""
    """Hash of everything the item is made from: equal digests, equal item."""

    @property
    def section(self) -> str:
        """URL folder of the kind: 'events', 'programs', 'networks'."""
        return self.kind + "s"

    def sort_key(self) -> tuple:
        """Dated items in date order, undated after them, then by title."""
        dated = self.when is not None
        return (not dated, self.when.sort_key() if dated else (), self.original.title.casefold(), self.id)


@dataclass(frozen=True, slots=True)
class Page(_Translated):
    """A plain page (home, about, contact), or the introduction of a year (id '2025'),
    which that year's page and the home page show."""

    id: str
    source: str
    texts: tuple[Text, ...]
    draft: bool = False


@dataclass(frozen=True, slots=True)
class Site:
    config: SiteConfig
    items: tuple[Item, ...]
    """Every published event, program and network, in date order."""
    pages: Mapping[str, Page]
    """Plain pages by id ('home', 'about', 'contact')."""
    intros: Mapping[int, Page] = field(default_factory=dict)
    """The years' introductions by year (content/years/2025.md); a year may have none."""
    by_id: Mapping[str, Item] = field(init=False, repr=False, compare=False)
    views: dict = field(init=False, repr=False, compare=False)
    """views.py's memo: derived views, each computed once per site (the site never changes)."""

    def __post_init__(self):
        object.__setattr__(self, "pages", MappingProxyType(dict(self.pages)))
        object.__setattr__(self, "intros", MappingProxyType(dict(sorted(self.intros.items()))))
        object.__setattr__(self, "by_id", MappingProxyType({i.id: i for i in self.items}))
        object.__setattr__(self, "views", {})

    def documents(self) -> tuple[Item | Page, ...]:
        """Everything with texts to translate and check: the items, the plain pages (by id),
        the years' introductions (by year)."""
        return (*self.items, *(self.pages[k] for k in sorted(self.pages)), *self.intros.values())

    def of_kind(self, kind: str) -> tuple[Item, ...]:
        """Once per site (every language's home page asks)."""
        found = self.views.get(("of_kind", kind))
        if found is None:
            found = self.views["of_kind", kind] = tuple(i for i in self.items if i.kind == kind)
        return found

    def item(self, item_id: str) -> Item | None:
        return self.by_id.get(item_id)
