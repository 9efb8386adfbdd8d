"""A one-off build leaves its memos for the next (generator/incremental/memos.py).

The page keys, events.json entries and feed facts a build made are what the next
`sitegen build` process takes instead of making them again: after one edit it keys
only the pages whose plan changed, and encodes only the edited item's entries. The
memos must never change what is built: every build here is compared with a cold one.
"""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import jinja2
import pytest

from conftest import BUILD_DAY
from generator import build as build_module
from generator.build import Options, Project, build
from generator.config import load_config
from generator.errors import BuildFailed
from generator.incremental import keys as keys_module
from generator.incremental.memos import lend_memos, memo_shelf
from generator.incremental.shelf import SHARDS
from generator.incremental.reuse import Reuse
from generator.incremental.sealed import read_sealed
from generator.outputs.html import Renderer
from generator.outputs import data as data_module, pages as pages_module, plans as plans_module, sitemap as sitemap_module
from test_images import berlin

pytestmark = [pytest.mark.build]


def options(out: Path, **kw) -> Options:
    return Options(out=out, today=BUILD_DAY, search=False, brochure=False, workers=1, **kw)


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def memos_folder(project: Project) -> Path:
    [found] = [p for p in (project.root / ".cache" / "memos").iterdir() if p.is_dir()]
    return found


def saved_memos(project: Project) -> tuple[dict, str]:
    """The memos the last build kept, and the code stamp they were kept under."""
    folder = memos_folder(project)
    code = read_sealed(next(folder.glob("*.shard")))["code"]
    return memo_shelf(folder, code).load()[0], code


def shards(project: Project) -> dict[str, bytes]:
    """Each memo file's bytes, by shard number ('head', '014'; a save names its files '014.3')."""
    return {p.name.split(".")[0]: p.read_bytes() for p in sorted(memos_folder(project).glob("*.shard"))}


@pytest.fixture
def counted(monkeypatch) -> dict[str, int]:
    """How many pages are keyed and planned, and how many events.json and sitemap entries made."""
    counts = {"keys": 0, "asked": 0, "entries": 0, "sitemap": 0, "plans": 0, "deferred": 0, "parses": 0, "items": 0}
    asked, key, item_data, entry = keys_module.Keys.key, keys_module.Keys._key, data_module.item_data, sitemap_module._entry
    deferred, defer = plans_module.DeferredPlan.plan.fget, plans_module.DeferredPlan.__init__
    parse, item_pages = jinja2.Environment.parse, pages_module._item_pages

    def counting_key(self, plan):
        counts["keys"] += 1
        return key(self, plan)

    def counting_asked(self, plan):
        counts["asked"] += 1
        return asked(self, plan)

    def counting_data(*args, **kw):
        counts["entries"] += 1
        return item_data(*args, **kw)

    def counting_entry(*args):
        counts["sitemap"] += 1
        return entry(*args)

    def counting_plan(self):
        counts["plans"] += self._plan is None
        return deferred(self)

    def counting_defer(self, *args):
        counts["deferred"] += 1
        defer(self, *args)

    def counting_items(*args):
        counts["items"] += 1
        return item_pages(*args)

    def counting_parse(self, *args):
        counts["parses"] += 1
        return parse(self, *args)

    monkeypatch.setattr(keys_module.Keys, "_key", counting_key)
    monkeypatch.setattr(keys_module.Keys, "key", counting_asked)
    monkeypatch.setattr(plans_module.DeferredPlan, "plan", property(counting_plan))
    monkeypatch.setattr(plans_module.DeferredPlan, "__init__", counting_defer)
    monkeypatch.setattr(jinja2.Environment, "parse", counting_parse)
    monkeypatch.setattr(pages_module, "_item_pages", counting_items)
    monkeypatch.setattr(sitemap_module, "_entry", counting_entry)
    monkeypatch.setattr(data_module, "item_data", counting_data)
    return counts


def edit(project: Project, words: str) -> None:
    event = project.content / "events" / "berlin-2024.md"
    event.write_text(event.read_text().replace("Three days", words, 1))


def test_the_next_build_keys_only_the_pages_an_edit_changed(tmp_path, counted):
    project = berlin(tmp_path)  # with a photo: its page's plan holds a share image
    out = tmp_path / "out"
    first = build(project, options(out))
    assert counted["keys"] >= first.pages - 1  # a first build keys every page (the two 404s share one)
    saved, _ = saved_memos(project)
    assert len(saved["page_keys"]) >= first.pages - 2  # every plan's key was plain data, and kept
    langs = len(load_config(project.config_file).language_codes)
    items = len(saved["entries"]) // langs
    assert counted["plans"] > first.pages / 2  # items', lists' and months' plans, deferred, all made
    assert counted["parses"] > 0  # the layouts, for the templates they name (keys.py)
    assert counted["items"] >= items * langs  # every item's pages worked out
    counted.update(keys=0, asked=0, entries=0, sitemap=0, plans=0, deferred=0, parses=0, items=0)
    edit(project, "Four days")
    second = build(project, options(out))
    listed = (items - 1) * langs  # the other items' own pages, at least
    # The Berlin conference's summary shows on its page and on the lists that hold it, in each
    # language (untranslated, they show the original): those plans changed, no other.
    assert 0 < counted["keys"] <= langs * 12
    assert counted["keys"] < second.pages / 4
    assert counted["entries"] == langs  # its entry in each language's events.json
    # Lists' and months' plans are deferred (the other items' pages are listed, not planned:
    # below), and only the changed ones made in full (the others' keys and sitemap entries are
    # kept by what they are made from); each one's sitemap entry is made again.
    assert counted["deferred"] > second.pages / 2
    assert 0 < counted["plans"] <= counted["keys"]
    assert counted["parses"] == 0  # no layout changed: the templates each names are kept
    # Only the edited event's pages are worked out again, in each language (it has no program):
    # the other items' pages are taken as the last build planned them (incremental/items.py).
    assert counted["items"] == langs
    # Their keys are the ones the last build listed them with: not even looked up by what the
    # pages are made from, nor kept so again.
    assert counted["asked"] <= second.pages - listed
    assert len(saved_memos(project)[0]["page_keys"]) <= second.pages - listed
    assert counted["sitemap"] <= counted["keys"]
    assert "Four days" in (out / "en/events/berlin-2024/index.html").read_text()
    assert tree(out) == cold(project, tmp_path)
    assert items > 1  # the entries of the other items were there to take


def test_without_the_memos_the_next_build_makes_everything_again(tmp_path, counted):
    """The control of the test above: the same edit, the memos gone."""
    project = berlin(tmp_path)
    out = tmp_path / "out"
    first = build(project, options(out))
    shutil.rmtree(memos_folder(project))
    counted.update(keys=0, entries=0, sitemap=0)
    edit(project, "Four days")
    build(project, options(out))
    assert counted["keys"] >= first.pages - 1
    assert counted["sitemap"] > first.pages / 2
    assert counted["entries"] > len(load_config(project.config_file).language_codes)
    assert tree(out) == cold(project, tmp_path)


def test_damaged_memos_are_not_read(tmp_path, counted):
    project = berlin(tmp_path)
    out = tmp_path / "out"
    first = build(project, options(out))
    for shard in memos_folder(project).glob("*.shard"):
        data = bytearray(shard.read_bytes())
        data[len(data) // 2] ^= 0x01  # one bit: the SHA-256 in front no longer matches
        shard.write_bytes(bytes(data))
    counted.update(keys=0, entries=0)
    edit(project, "Four days")
    build(project, options(out))
    assert counted["keys"] >= first.pages - 1
    assert tree(out) == cold(project, tmp_path)


def test_an_edit_writes_again_only_the_memos_it_reached(tmp_path):
    """The memos are kept in shards (incremental/shelf.py): after one edit, those holding none
    of the entries that changed are left as they are (rewriting all took 0.4 s at 10,000 events)."""
    project = berlin(tmp_path)
    out = tmp_path / "out"
    build(project, options(out))
    before = shards(project)
    assert len(before) == SHARDS + 1  # and the head
    edit(project, "Four days")
    build(project, options(out))
    after = shards(project)
    rewritten = [name for name in before if after[name] != before[name]]
    assert 0 < len(rewritten) < SHARDS / 4
    assert tree(out) == cold(project, tmp_path)


def test_memos_made_by_other_code_are_not_taken(tmp_path):
    project = berlin(tmp_path)
    build(project, options(tmp_path / "out"))
    saved, code = saved_memos(project)
    reuse = Reuse(None, {}, {})
    lend_memos(reuse, memo_shelf(memos_folder(project), code))
    assert reuse.page_keys.get(next(iter(saved["page_keys"]))) is not None
    other = Reuse(None, {}, {})
    lend_memos(other, memo_shelf(memos_folder(project), code + "-upgraded"))
    assert not other.page_keys.earlier and not other.entries.earlier and not other.feed_facts.earlier
    assert other.salt == ""


def test_the_cards_an_edit_reaches_again_are_taken_from_the_last_build(tmp_path, monkeypatch):
    """The fragments (cards, agenda lines) of the pages a build rendered are kept for the next:
    editing the same file again, its lists are rendered again with the other items' cards as
    they were, and only the edited item's made anew (at 10,000 events, two thousand cards took
    a quarter of a second of a one-file rebuild)."""
    project = berlin(tmp_path)
    out = tmp_path / "out"
    build(project, options(out))
    edit(project, "Four days")
    build(project, options(out))
    made, macros = [], Renderer._macros
    monkeypatch.setattr(Renderer, "_macros", lambda self, lang: made.append(lang) or macros(self, lang))
    event = project.content / "events" / "berlin-2024.md"
    event.write_text(event.read_text().replace("Four days", "Five days", 1))
    second = build(project, options(out))
    langs = len(load_config(project.config_file).language_codes)
    assert any("/events/" in path and path.count("/") == 2 for path in second.rendered)  # a list, rendered again
    # The edited event's own: its cards (lists show them with and without the year), agenda,
    # overview and place lines, in each language. Without the kept fragments: 100.
    assert 0 < len(made) <= langs * 5
    assert "Five days" in (out / "en/index.html").read_text() + (out / "en/events/index.html").read_text()
    assert tree(out) == cold(project, tmp_path)


def cold(project: Project, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "cold"
    build(project, options(out, fresh=True))
    return tree(out)


def test_a_build_runs_without_the_collector_and_gives_it_back(tmp_path, monkeypatch):
    """A build loads and renders with the cycle collector off (its collections walked a large
    site's model again and again, for a fifth of a one-file rebuild) and turns it back on when
    it ends, failed or not: builds one after another in one process (a test run) collect between."""
    seen, render = [], build_module.render_site

    def watching_render(*args, **kw):
        seen.append(gc.isenabled())
        return render(*args, **kw)

    monkeypatch.setattr(build_module, "render_site", watching_render)
    project = berlin(tmp_path)
    assert gc.isenabled()
    build(project, options(tmp_path / "out"))
    assert seen == [False]
    assert gc.isenabled()
    (project.content / "events" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build(project, options(tmp_path / "out"))
    assert gc.isenabled()
