"""Which pages must be re-rendered: a key per page from everything it is made of.

Pure. A page's key hashes its template and every template it includes, the
language's catalog, the site settings, the build date, the page's own
metadata and context, and the digests of the items it shows (PagePlan.shows).
Equal key, equal bytes: the preview server and the cached build re-render a
page only when its key changed. This is the dependency graph, made explicit:
an item's edit reaches exactly the pages whose `shows` name it.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields, is_dataclass
from typing import Iterable

import jinja2
import jinja2.meta

from . import __version__, views
from .model import Item, Page, Text
from .outputs.html import PagePlan, Renderer


class Keys:
    """Computes page keys for one render of one site."""

    def __init__(self, renderer: Renderer):
        self.renderer = renderer
        self._templates: dict[tuple[str, str], str] = {}
        self._globals = {lang: self._globals_hash(lang) for lang in renderer.envs}
        self._everything = _hash(i.digest for i in renderer.site.items)
        self._digests = {i.id: i.digest for i in renderer.site.items}
        self._since: frozenset[str] | None = None
        self._generation = 0
        self._tuples: dict[int, tuple] = {}

    def key(self, plan: PagePlan) -> str:
        """The page's key. A plan the renderer kept from the previous render (Memos.plans) keeps
        its key while none of the items it shows changed since: an unchanged item is the same
        object from one preview rebuild to the next (validate.py)."""
        remembered, changed = self.renderer.memos.keys, self._changed()
        found = remembered.get(id(plan))
        if (found is not None and found[0] is plan and self._generation - found[2] <= 1
                and changed.isdisjoint(plan.shows)):
            remembered[id(plan)] = (plan, found[1], self._generation)
            return found[1]
        key = self._key(plan)
        if plan.shows is not None:  # None: it may show any item, so its key depends on them all
            remembered[id(plan)] = (plan, key, self._generation)
        return key

    def _changed(self) -> frozenset[str]:
        """Ids of the items that are not the same objects as in the previous render (Memos.items)."""
        if self._since is None:
            memos = self.renderer.memos
            generation, before = memos.items
            now = self.renderer.site.by_id
            self._since = frozenset(i for i in before.keys() | now.keys() if before.get(i) is not now.get(i))
            self._generation = generation + 1
            memos.items = (self._generation, now)
        return self._since

    def _key(self, plan: PagePlan) -> str:
        shows = self._everything if plan.shows is None else _hash(
            f"{i}:{self._digests.get(i, '-')}" for i in sorted(plan.shows))
        return _hash([self._globals[plan.lang], self.template(plan.lang, plan.template), shows,
                      repr(plan.meta), self._describe(plan.context)])

    def _describe(self, context: dict) -> str:
        """A stable text for a page's context, with items by digest rather than in full."""
        return repr(sorted((name, self._value(value)) for name, value in context.items() if name not in DERIVED))

    def _value(self, value):
        if isinstance(value, Item):
            return ("item", value.id, value.digest)
        if isinstance(value, Page):
            return ("page", repr(value))
        if isinstance(value, Text):
            # Its words are in the digest of the item (or the page, in the globals) it belongs to,
            # which the context always holds too: naming it is enough, and much faster.
            return ("text", value.source, value.lang)
        if isinstance(value, tuple):
            # The views' lists are shared by the pages of every language: describe each once.
            found = self._tuples.get(id(value))
            if found is None or found[0] is not value:
                described = (f"{v.id}:{v.digest}" if type(v) is Item else repr(self._value(v)) for v in value)
                found = self._tuples[id(value)] = (value, _hash(described))
            return found[1]
        if is_dataclass(value):
            return (type(value).__name__, tuple(self._value(getattr(value, f.name)) for f in fields(value)))
        return repr(value)

    def salt(self) -> str:
        """Everything pages depend on besides the items: settings, catalogs, date, every layout.
        What the renderer remembers between renders (outputs.html.Memos) is valid under one salt."""
        env = next(iter(self.renderer.envs.values()))
        names = env.list_templates(filter_func=lambda name: name.endswith(".html"))
        return _hash(self._globals[lang] + "".join(self.template(lang, name) for name in names)
                     for lang in sorted(self._globals))

    def template(self, lang: str, name: str) -> str:
        """Hash of a template's source and of every template it extends, includes or imports."""
        if (lang, name) not in self._templates:
            env = self.renderer.envs[lang]
            source, _, _ = env.loader.get_source(env, name)
            referenced = _referenced(env, name, source)
            self._templates[(lang, name)] = ""  # a cycle, if any, ends here
            self._templates[(lang, name)] = _hash([source] + [self.template(lang, n) for n in referenced])
        return self._templates[(lang, name)]

    def _globals_hash(self, lang: str) -> str:
        """What every page of a language depends on: settings, catalog, date, assets, the years in the menu."""
        r = self.renderer
        messages = sorted(getattr(r.catalogs[lang], "_catalog", {}).items(), key=repr)
        pages = sorted((k, repr(p)) for k, p in r.site.pages.items())
        return _hash([__version__, lang, repr(r.site.config), repr(messages), r.today.isoformat(),
                      repr(sorted(r.asset_names.items())), repr(views.years(r.site)), repr(pages)])


DERIVED = frozenset({"grid"})
"""Context values made from others the key already holds: a month's grid is its year, month,
items (`shows`) and the language's first weekday (globals). Describing one is slow."""

_REFERENCES: dict[str, tuple[str, ...]] = {}


def _referenced(env: jinja2.Environment, name: str, source: str) -> tuple[str, ...]:
    """Templates a template source names; parsing is costly, so remembered by source text."""
    if source not in _REFERENCES:
        tree = env.parse(source, name)  # named, so that a syntax error names the layout
        _REFERENCES[source] = tuple(sorted(n for n in jinja2.meta.find_referenced_templates(tree) if n))
    return _REFERENCES[source]


def _hash(parts: Iterable[str]) -> str:
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()
