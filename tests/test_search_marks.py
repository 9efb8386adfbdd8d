"""The copy of the pages Pagefind reads, Korean compounds marked (generator/outputs/search.py):
only the pages it indexes, each marked as if on its own, the marks kept in the store by page
so that a build whose Korean pages did not change does not load Kiwi.

That search then finds the words is tested in a browser in test_quality.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import BUILD_DAY, copy_project
from generator.build import Options, build
from generator.incremental.store import Store
from generator.outputs import analyzer
from generator.outputs.analyzer import Analyzer
from generator.outputs.compounds import load_analyzer, mark_compounds
from generator.outputs.search import _TAG_OR_SCRIPT, _copy_pages, search_indexer

pytestmark = [pytest.mark.build, pytest.mark.slow]


def _marked_whole(html: str, kiwi) -> str:
    """The page with every text of it marked, as the search index did before marks were kept."""
    pieces = _TAG_OR_SCRIPT.split(html)
    pieces[0::2] = mark_compounds(pieces[0::2], kiwi)
    return "".join(pieces)


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _indexed_korean(site: Path) -> list[Path]:
    return [p for p in sorted(site.glob("ko/**/index.html")) if "data-pagefind-body" in p.read_text()]


def test_indexed_korean_pages_are_marked_as_each_page_alone_would_be(real_site, tmp_path):
    marks: dict = {}
    with Analyzer() as kiwi_process:
        _copy_pages(real_site, tmp_path / "copy", marks, kiwi_process)
    kiwi = load_analyzer()
    indexed = _indexed_korean(real_site)
    assert len(indexed) > 20
    for page in indexed:
        copy = (tmp_path / "copy" / page.relative_to(real_site)).read_text(encoding="utf-8")
        assert copy == _marked_whole(page.read_text(encoding="utf-8"), kiwi), page
    # Pages Pagefind does not index (lists, calendars) are left out, so not analysed.
    copied = {p.relative_to(tmp_path / "copy") for p in (tmp_path / "copy").rglob("*.html")}
    assert copied == {p.relative_to(real_site) for p in real_site.rglob("*.html")
                      if "data-pagefind-body" in p.read_text(encoding="utf-8")}
    assert "스마트+시티" in (tmp_path / "copy" / "ko" / "about" / "index.html").read_text(encoding="utf-8")
    assert len(marks) == len(indexed)

    # Again, with the marks kept: the same copy, without Kiwi.
    loads = analyzer.loads
    with Analyzer() as kiwi_process:
        _copy_pages(real_site, tmp_path / "again", marks, kiwi_process)
    assert analyzer.loads == loads
    assert _files(tmp_path / "again") == _files(tmp_path / "copy")


def test_kiwi_starts_loading_early_only_when_asked_and_korean_is_a_language(tmp_path):
    loads = analyzer.loads
    with search_indexer(["en", "es"], {}, early=True):
        assert analyzer.loads == loads  # nothing to analyse
    with search_indexer(["en", "ko"], {}, early=False):
        assert analyzer.loads == loads  # only if a page needs it
    with search_indexer(["en", "ko"], {}, early=True):
        assert analyzer.loads == loads + 1


def test_a_build_loads_kiwi_only_when_a_korean_page_changed(tmp_path):
    project = copy_project(tmp_path / "site")
    options = Options(out=tmp_path / "public", today=BUILD_DAY)
    loads = analyzer.loads
    build(project, options)
    assert analyzer.loads == loads + 1
    first = _stored_marks(project)
    assert len(first) == len(_indexed_korean(options.out))

    english = project.content / "events" / "excom-2024.md"
    english.write_text(english.read_text() + "\nOne more paragraph, in English only.\n")
    build(project, options)
    assert analyzer.loads == loads + 1  # every Korean page's marks came from the store
    assert _stored_marks(project) == first

    korean = project.content / "events" / "excom-2024.ko.md"
    korean.write_text(korean.read_text() + "\n스마트시티 집행위원회가 다시 열립니다.\n")
    build(project, options)
    assert analyzer.loads == loads + 2
    assert len(set(_stored_marks(project)) - set(first)) == 1  # the event's Korean page


def _stored_marks(project) -> dict:
    store = Store(project.root / ".cache" / "store")
    try:
        return dict(store.section("mark"))
    finally:
        store.close()
