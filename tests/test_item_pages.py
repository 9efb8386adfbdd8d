"""An item's page and its VEVENTs are made from one parse of its body (outputs/item_pages.py)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from markdown_it import MarkdownIt

from conftest import copy_project
from generator.build import Options, build, load_project
from generator.outputs.calendar import ics

pytestmark = [pytest.mark.build]

TODAY = date(2024, 6, 15)


def _options(out, **kw) -> Options:
    return Options(out=out, today=TODAY, search=False, brochure=False, workers=1, **kw)


def _counting_parses(monkeypatch) -> Counter:
    parsed = Counter()
    real = MarkdownIt.parse
    monkeypatch.setattr(MarkdownIt, "parse", lambda md, src, env=None: parsed.update([src]) or real(md, src, env))
    return parsed


def test_each_event_body_is_parsed_once_per_page_that_shows_it(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "p")
    site = load_project(project, _options(tmp_path / "out")).site
    # Bodies with images or content links are also read for their references (checks, share
    # images): what is counted here is the page and the feeds.
    events = [i for i in site.items if i.kind == "event"]
    pages = Counter(i.text(lang).body for i in events for lang in site.config.language_codes)
    plain = {body for body in pages if body.strip() and "![" not in body and ".md" not in body}
    assert len(plain) > 5
    parsed = _counting_parses(monkeypatch)
    build(project, _options(tmp_path / "out", fresh=True))
    assert {body: parsed[body] for body in plain} == {body: pages[body] for body in plain}


def _counting_vevents(monkeypatch) -> list:
    made = []
    real = ics._Events.serialise_each

    def counted(events, item, briefs, *args):
        made.extend([item.id] * len(briefs))
        return real(events, item, briefs, *args)

    monkeypatch.setattr(ics._Events, "serialise_each", counted)
    return made


def test_a_warm_build_makes_only_the_vevents_of_what_changed(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "p")
    out = tmp_path / "out"
    build(project, _options(out, fresh=True))
    made = _counting_vevents(monkeypatch)
    # Every item page is rendered again (its layout changed), every VEVENT is in the store.
    layout = project.layouts / "item.html"
    layout.write_text(layout.read_text(encoding="utf-8") + "{# changed #}\n", encoding="utf-8")
    assert build(project, _options(out)).rendered
    assert made == []
    edited = project.content / "events" / "excom-2024.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace('title: "', 'title: "Edited ', 1), encoding="utf-8")
    build(project, _options(out))
    langs = load_project(project, _options(out)).config.language_codes
    assert sorted(made) == ["excom-2024"] * 2 * len(langs)  # brief and whole, in each language
