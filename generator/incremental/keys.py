"""Which pages must be re-rendered: a key per page from everything it is made of.

Pure. A page's key hashes its template and every template it includes, the
language's catalog, the site settings, the build date, the page's own
metadata and context, and the faces of the items it shows (PagePlan.shows), in
the order the site lists them. Equal key, equal bytes: the preview server and the
cached build re-render a page only when its key changed. This is the dependency
graph, made explicit: an item's edit reaches exactly the pages whose `shows` name
it, in the languages whose face of it changed.

An item's face in a language is what any page of that language can show of it:
its facts (dates, places, links, status...), its text in that language (the
original's where it has no translation) and the languages it has. Not the
original's words when a translation replaces them: fixing a typo in the English
title re-renders no Korean page of a translated event, unless the fix moves the
event in the lists (the site orders items by their original title on equal
dates), which the order of `shows` in the key catches.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields, is_dataclass
from typing import Iterable, MutableMapping

import jinja2
import jinja2.meta

from generator import __version__

from generator.views import queries as views
from generator.i18n.catalogs import catalog_messages
from generator.content.model import Item, Page, Text
from generator.outputs.html import Renderer
from generator.outputs import pages
from generator.outputs.pages import PagePlan


class Keys:
    """Computes page keys for one render of one site."""

    def __init__(self, renderer: Renderer, faces: MutableMapping[tuple, str] | None = None,
                 known: MutableMapping[tuple, str] | None = None,
                 references: MutableMapping[str, tuple[str, ...]] | None = None):
        """`faces`: where items' faces are kept, by id and digest; `known`: item pages' keys by
        their plan's `made_from`. A preview lends those of its earlier renders under the same
        salt (`salt`). `references`: the templates each layout names, by its source's hash,
        under any salt (parsing the layouts to find them is a quarter of a second)."""
        self.renderer = renderer
        self.faces = {} if faces is None else faces
        self.known = {} if known is None else known
        self.references = {} if references is None else references
        self._templates: dict[tuple[str, str], str] = {}
        shared = self._shared_hash()
        self._globals = {lang: self._globals_hash(lang, shared) for lang in renderer.envs}
        self._position = {i.id: n for n, i in enumerate(renderer.site.items)}
        self._tuples: dict[tuple[int, str], tuple] = {}

    def key(self, plan: PagePlan) -> str:
        """The page's key: equal keys, equal bytes."""
        if plan.made_from is not None:  # the same items make the same page (under one salt)
            found = self.known.get(plan.made_from)
            if found is None:
                found = self.known[plan.made_from] = self._key(plan)
            return found
        return self._key(plan)

    def keep_only(self, made_from: set) -> None:
        """Forget the keys of pages made from anything else (earlier versions of edited items):
        a preview's memo then holds one render's worth."""
        for stale in [m for m in self.known if m not in made_from]:
            del self.known[stale]

    def _key(self, plan: PagePlan) -> str:
        return _hash([self._globals[plan.lang], self.template(plan.lang, plan.template), self._shown(plan),
                      repr(plan.meta), self._describe(plan.context, plan.lang)])

    def face(self, item: Item, lang: str) -> str:
        """Hash of what a page in `lang` can show of an item (see the module's docstring)."""
        text = item.text(lang)  # the original's where `lang` has no translation: they share the face
        if item.digest is None:  # made in memory, not read from files: its words stand for it
            return _facts(item) + _words(text)
        key = (item.id, item.digest, text.lang)
        found = self.faces.get(key)
        if found is None:
            facts = self.faces.get((item.id, item.digest))
            if facts is None:
                facts = self.faces[(item.id, item.digest)] = _facts(item)
            found = self.faces[key] = facts + _words(text)
        return found

    def _shown(self, plan: PagePlan) -> str:
        """The faces of the items a page shows, in the site's order: a list shows them in it."""
        by_id, position, lang, shows = self.renderer.site.by_id, self._position, plan.lang, plan.shows
        absent = sorted(i for i in shows if i not in position)  # a draft's, say: nothing to show
        shown = sorted(shows.difference(absent) if absent else shows, key=position.__getitem__)
        return _hash([*absent, *(self.face(by_id[i], lang) for i in shown)])

    def _describe(self, context: dict, lang: str) -> str:
        """A stable text for a page's context, with items by face rather than in full."""
        return repr(sorted((name, self._value(value, lang)) for name, value in context.items()
                           if name not in DERIVED))

    def _value(self, value, lang: str):
        if isinstance(value, Item):
            return ("item", value.id, self.face(value, lang))
        if isinstance(value, Page):
            return ("page", repr(value))
        if isinstance(value, Text):
            # Its words are in the face of the item (or the page, in the globals) it belongs to,
            # which the context always holds too: naming it is enough, and much faster.
            return ("text", value.source, value.lang)
        if isinstance(value, tuple):
            # The views' lists are shared by the pages of a language: describe each once.
            found = self._tuples.get((id(value), lang))
            if found is None or found[0] is not value:
                described = (f"{v.id}:{self.face(v, lang)}" if type(v) is Item else repr(self._value(v, lang))
                             for v in value)
                found = self._tuples[(id(value), lang)] = (value, _hash(described))
            return found[1]
        if is_dataclass(value):
            return (type(value).__name__, tuple(self._value(getattr(value, f.name), lang) for f in fields(value)))
        return repr(value)

    def salt(self) -> str:
        """Everything pages depend on besides the items: settings, catalogs, date, every layout.
        What a preview lends a render (incremental/reuse.py: fragments, faces, plans...) is valid under one salt."""
        env = next(iter(self.renderer.envs.values()))
        names = env.list_templates(filter_func=lambda name: name.endswith(".html"))
        return _hash(self._globals[lang] + "".join(self.template(lang, name) for name in names)
                     for lang in sorted(self._globals))

    def template(self, lang: str, name: str) -> str:
        """Hash of a template's source and of every template it extends, includes or imports."""
        if (lang, name) not in self._templates:
            env = self.renderer.envs[lang]
            source, _, _ = env.loader.get_source(env, name)
            referenced = _referenced(env, name, source, self.references)
            self._templates[(lang, name)] = ""  # a cycle, if any, ends here
            self._templates[(lang, name)] = _hash([source] + [self.template(lang, n) for n in referenced])
        return self._templates[(lang, name)]

    def _globals_hash(self, lang: str, shared: str) -> str:
        """What every page of a language depends on: its catalog, and what all languages share."""
        return _hash([lang, catalog_messages(self.renderer.catalogs[lang]), shared])

    def _shared_hash(self) -> str:
        """What every page of every language depends on: settings, date, assets, the years in the
        menu, the plain pages (home, about, contact), the processed body images (their names hash
        their bytes: a replaced photo changes the pages that show it) and the years' introductions."""
        r = self.renderer
        pages = sorted((k, repr(p)) for k, p in r.site.pages.items())
        return _hash([__version__, repr(r.site.config), r.today.isoformat(), repr(sorted(r.asset_names.items())),
                      repr(views.years(r.site)), repr(pages), repr(sorted(r.pictures.items())),
                      repr(sorted(r.site.intros.items()))])


_FACTS = tuple(f.name for f in fields(Item) if f.name not in ("texts", "digest", "modified", "revisions"))
"""What an item's pages show in every language. Not `digest`, which hashes its files and so
changes with any word, nor its history (`modified`, `revisions`: every save changes them), which
only the feeds, events.json and the Atom feed show (a test holds the layouts to that)."""


def _facts(item: Item) -> str:
    """Hash of what an item's pages show in every language."""
    return _sha1(repr((*(_plain(getattr(item, name)) for name in _FACTS), item.languages)))


def _words(text: Text) -> str:
    """Hash of an item's text in one language. A translation without place or details shows
    the original's (validate._texts). A text made in memory rather than read from a file has
    no digest: its words stand for it."""
    digest = text.digest or repr(_plain(text))
    return _sha1(f"{text.source}|{digest}|{text.location}|{_plain(text.details)}")


DERIVED = pages.DERIVED | {"filters"}
"""Context values made from others the key already holds, slow to describe: a month's grid is
its year, month, items (`shows`) and the language's first weekday (globals); a map is its items'
places and site.toml's; a filter's choices are its items' values and programs (`shows`)."""

def _referenced(env: jinja2.Environment, name: str, source: str,
                known: MutableMapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Templates a template source names; parsing is costly, so `known` by the source's hash."""
    digest = hashlib.sha256(source.encode()).hexdigest()
    found = known.get(digest)
    if found is None:
        tree = env.parse(source, name)  # named, so that a syntax error names the layout
        found = known[digest] = tuple(sorted(n for n in jinja2.meta.find_referenced_templates(tree) if n))
    return found


def _plain(value):
    """A value as builtins, whose repr is much faster than dataclasses' (When, Link, Detail
    become tuples of their fields): a cold build takes the face of every item."""
    if type(value) in _BUILTIN:
        return value
    if isinstance(value, tuple):
        return tuple(map(_plain, value))
    if is_dataclass(value):
        return (type(value).__name__, *(_plain(getattr(value, f.name)) for f in fields(value)))
    return value


_BUILTIN = frozenset({str, int, bool, type(None)})


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _hash(parts: Iterable[str]) -> str:
    """Hash of the parts, each ended by a NUL."""
    parts = list(parts)
    return hashlib.sha1(("\0".join(parts) + "\0").encode() if parts else b"").hexdigest()
