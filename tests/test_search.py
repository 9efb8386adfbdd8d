"""The search stage: Pagefind indexes the staged site, deterministically, inside the atomic write.

Searching in a browser is tested in test_quality.py."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from conftest import BUILD_DAY, ROOT
from generator.build import Options, Project, build
from generator.cli import main
from generator.errors import BuildFailed

pytestmark = [pytest.mark.build, pytest.mark.slow]

LANGS = ("en", "ko", "es", "ar")


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_index_has_every_language_and_only_the_indexed_pages(real_site):
    bundle = real_site / "pagefind"
    assert (bundle / "pagefind-ui.js").is_file() and (bundle / "pagefind.js").is_file()
    metas = {p.name.split("_")[0].removeprefix("pagefind.") for p in bundle.glob("pagefind.*.pf_meta")}
    assert metas == set(LANGS)
    for lang in LANGS:
        item = (real_site / lang / "events" / "excom-2024" / "index.html").read_text()
        about = (real_site / lang / "about" / "index.html").read_text()
        calendar = (real_site / lang / "2024" / "index.html").read_text()
        assert "data-pagefind-body" in item and "data-pagefind-body" in about
        assert "data-pagefind-body" not in calendar  # lists would only repeat the items' own results


def test_category_and_region_filters_are_named_in_the_page_language(real_site):
    en = (real_site / "en" / "events" / "excom-2024" / "index.html").read_text()
    assert 'data-pagefind-filter="Area of activity">Governance<' in en
    assert 'data-pagefind-filter="World region">Central Asia<' in en
    ko = (real_site / "ko" / "events" / "excom-2024" / "index.html").read_text()
    assert 'data-pagefind-filter="활동 분야">거버넌스<' in ko
    assert {p.name.split("_")[0] for p in (real_site / "pagefind" / "filter").iterdir()} == set(LANGS)


VARYING = ("pagefind/filter/", "pagefind/pagefind-entry.json", "pagefind/pagefind.")
"""What Pagefind writes in hash-map order (its filter values), and the files that name them by hash."""


def test_two_builds_differ_only_in_pagefinds_filter_files(tmp_path):
    for name in ("first", "second"):
        build(Project(ROOT), Options(out=tmp_path / name, today=BUILD_DAY, fresh=True))
    first, second = digests(tmp_path / "first"), digests(tmp_path / "second")
    differ = sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))
    assert [name for name in differ if not name.startswith(VARYING)] == []
    assert any(name.startswith("pagefind/fragment/") for name in first)  # the indexed text itself is stable


def test_a_rebuild_keeps_unchanged_index_files_as_they_were(tmp_path):
    out = tmp_path / "public"
    build(Project(ROOT), Options(out=out, today=BUILD_DAY))
    before = {p.relative_to(out): p.stat().st_ino for p in (out / "pagefind").rglob("*") if p.is_file()}
    build(Project(ROOT), Options(out=out, today=BUILD_DAY))
    after = {p.relative_to(out): p.stat().st_ino for p in (out / "pagefind").rglob("*") if p.is_file()}
    kept = [name for name in after if before.get(name) == after[name]]
    assert len(kept) > 0.9 * len(after)  # hard-linked from the previous output: same inode, same timestamp
    assert all(before.get(name) == after[name] for name in after if str(name).startswith("pagefind/fragment/"))


def test_a_failed_indexing_publishes_nothing(tmp_path, monkeypatch):
    out = tmp_path / "public"
    build(Project(ROOT), Options(out=out, today=BUILD_DAY, search=False))
    before = digests(out)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")  # Pagefind's own override: a binary that fails
    with pytest.raises(BuildFailed) as failed:
        build(Project(ROOT), Options(out=out, today=BUILD_DAY.replace(day=16)))
    assert "Pagefind failed" in str(failed.value.errors[0])
    assert digests(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["public"]  # no staging folder left behind


def test_no_search_builds_a_preview_without_the_index(tmp_path, capsys):
    out = tmp_path / "preview"
    assert main(["--root", str(ROOT), "build", "--out", str(out), "--now", "2024-06-15", "--no-search"]) == 0
    assert not (out / "pagefind").exists()
    page = (out / "en" / "search" / "index.html").read_text()
    assert 'id="search-unavailable" hidden' in page
    assert "/pagefind/" not in page.replace('data-bundle="/pagefind/"', "")  # loaded by search.js, if at all
    assert os.path.isfile(out / "en" / "events.json")
