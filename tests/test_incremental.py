"""Cached, incremental and parallel builds give exactly the bytes of a cold single-process build."""

from __future__ import annotations

import pytest
import multiprocessing.pool
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

from conftest import ROOT, copy_project
from generator.build import Options, Project, build, load_project, render_site
from generator.content import sources as content_sources, validate
from generator.content.model import Site
from generator.serve.preview import Preview

sys.path.insert(0, str(ROOT / "bench"))

pytestmark = [pytest.mark.build, pytest.mark.slow]
from corpus import LANGS, write_corpus  # noqa: E402


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def options(out: Path, today: date = date(2024, 6, 15), **kw) -> Options:
    # Brochures have their own cache and tests; Pagefind's index is not byte-stable (see README).
    return Options(out=out, today=today, search=False, brochure=False, **kw)


def committed(root: Path) -> None:
    """In git, as editors' content is: a preview then counts its edits as uncommitted revisions,
    as the cold builds it is compared with do."""
    for command in (["init", "-q"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c"]):
        subprocess.run(["git", *command], cwd=root, check=True)


def synthetic(tmp_path: Path) -> Project:
    """200 events in 4 languages (bench/corpus.py): enough tasks for the pages to be rendered
    on forked workers; the real content is too small for that."""
    root = tmp_path / "corpus"
    write_corpus(root, 200, LANGS, seed=1)
    return Project(root)


def cold(project, tmp_path: Path, name: str, today: date = date(2024, 6, 15)) -> dict[str, bytes]:
    out = tmp_path / name
    build(project, options(out, today, workers=1, fresh=True))
    return tree(out)


def test_parallel_build_equals_single_process_build(tmp_path):
    project = copy_project(tmp_path / "p")
    build(project, options(tmp_path / "parallel", workers=2, fresh=True))
    assert tree(tmp_path / "parallel") == cold(project, tmp_path, "single")


def test_a_synthetic_corpus_forks_workers_and_matches_a_single_process_build_after_edits(tmp_path, monkeypatch):
    project = synthetic(tmp_path)
    root = project.root
    forks = []
    real_imap = multiprocessing.pool.Pool.imap
    monkeypatch.setattr(multiprocessing.pool.Pool, "imap",
                        lambda pool, *args, **kw: forks.append(pool) or real_imap(pool, *args, **kw))
    out = tmp_path / "parallel"
    build(project, options(out, workers=2, fresh=True))
    assert len(forks) == 1  # pages: each VEVENT is made beside its item's page, none is left for the feeds
    assert tree(out) == cold(project, tmp_path, "single")
    events = root / "content" / "events"
    edited = events / "event-00007.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace('title: "', 'title: "Edited ', 1), encoding="utf-8")
    for gone in events.glob("event-00011*.md"):
        gone.unlink()
    for lang in ("", ".ko", ".es", ".ar"):
        if (events / f"event-00012{lang}.md").exists():
            (events / f"event-00012{lang}.md").rename(events / f"event-renamed{lang}.md")
    build(project, options(out, workers=2))
    assert tree(out) == cold(project, tmp_path, "single-after")
    assert "Edited " in (out / "en/events/event-00007/index.html").read_text(encoding="utf-8")


def test_a_preview_of_a_synthetic_corpus_matches_a_cold_build_after_edits(tmp_path):
    project = synthetic(tmp_path)
    root = project.root
    committed(root)
    preview = Preview(project, tmp_path / "preview", date(2024, 6, 15), drafts=False)
    assert not preview.rebuild().errors
    events = root / "content" / "events"
    edited, moved = events / "event-00007.ko.md", events / "event-00030.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace('title: "', 'title: "고친 ', 1), encoding="utf-8")
    moved.write_text(re.sub(r'(?m)^when: .*$', 'when: "2021-03"', moved.read_text(encoding="utf-8")),
                     encoding="utf-8")  # to another year and month: lists, months and years change
    gone = set(events.glob("event-00011*.md"))
    for path in gone:
        path.unlink()
    assert not preview.rebuild({edited, moved, *gone}).errors
    assert "고친 " in (tmp_path / "preview/ko/events/event-00007/index.html").read_text(encoding="utf-8")
    assert tree(tmp_path / "preview") == cold(project, tmp_path, "cold-1")
    # Again: the first rebuild after start made the fragments it kept (the start forked workers).
    edited.write_text(edited.read_text(encoding="utf-8").replace("고친 ", "다시 고친 ", 1), encoding="utf-8")
    assert not preview.rebuild({edited}).errors
    assert tree(tmp_path / "preview") == cold(project, tmp_path, "cold-2")


def test_unchanged_build_reuses_every_page_and_changes_nothing(tmp_path):
    project = copy_project(tmp_path / "p")
    out = tmp_path / "out"
    first = build(project, options(out))
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    second = build(project, options(out))
    assert second.reused == first.pages
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before  # timestamps kept


def test_editing_one_event_re_renders_exactly_the_pages_that_show_it(tmp_path):
    project = copy_project(tmp_path / "p")
    out = tmp_path / "out"
    build(project, options(out))
    source = project.content / "events" / "chengdu-training-2024.md"
    source.write_text(source.read_text().replace("title: \"Chengdu Training Program\"", "title: \"Chengdu Smart City Training\""))
    changed = set(build(project, options(out)).rendered)
    for lang in ("en", "ar"):  # Arabic has no translation of it: it shows the English title
        assert f"{lang}/events/chengdu-training-2024/index.html" in changed
        assert f"{lang}/2024/index.html" in changed                      # the calendar lists it
        assert f"{lang}/categories/capacity-building/index.html" in changed
        assert f"{lang}/regions/east-asia/index.html" in changed
        assert f"{lang}/events/index.html" in changed
    for lang in ("en", "ko", "es", "ar"):
        assert f"{lang}/events/excom-2024/index.html" not in changed     # unrelated pages are untouched
        assert f"{lang}/about/index.html" not in changed
        assert f"{lang}/regions/africa/index.html" not in changed
        assert f"{lang}/categories/index.html" not in changed            # no count changed
    # Korean and Spanish show their own translation's title: none of their pages changes.
    assert not [path for path in changed if path.startswith(("ko/", "es/"))]
    assert tree(out) == cold(project, tmp_path, "cold")
    translation = project.content / "events" / "chengdu-training-2024.ko.md"
    translation.write_text(translation.read_text().replace("청두 교육 프로그램", "청두 스마트시티 교육"))
    changed = set(build(project, options(out)).rendered)
    assert {"ko/events/chengdu-training-2024/index.html", "ko/2024/index.html"} <= changed
    assert not [path for path in changed if not path.startswith("ko/")]
    assert tree(out) == cold(project, tmp_path, "cold-2")


def test_a_change_of_place_in_the_lists_re_renders_every_language_that_lists_it(tmp_path):
    """Lists order items of the same dates by their original title: a translated language's
    page changes when its order does, though nothing of its own words did."""
    project = copy_project(tmp_path / "p")
    out = tmp_path / "out"
    build(project, options(out))
    korean = (out / "ko/2024/10/index.html").read_text()
    assert korean.index("제2회 서울스마트도시상 시상식") < korean.index("WeGO-SHRDC 교육 프로그램")  # both in October
    source = project.content / "events" / "wego-shrdc-training-2024.md"
    source.write_text(source.read_text().replace('title: "WeGO-SHRDC', 'title: "2024 WeGO-SHRDC'))
    changed = set(build(project, options(out)).rendered)
    assert "ko/2024/10/index.html" in changed
    assert "ko/events/wego-shrdc-training-2024/index.html" not in changed
    korean = (out / "ko/2024/10/index.html").read_text()
    assert korean.index("제2회 서울스마트도시상 시상식") > korean.index("WeGO-SHRDC 교육 프로그램")
    assert tree(out) == cold(project, tmp_path, "cold")


def test_a_preview_reorders_a_translated_languages_list_that_it_kept(tmp_path):
    """The home page's plan is kept while the set of items it shows is the same; an edit that
    only reorders two of them must still reach it in a language whose words did not change."""
    project = copy_project(tmp_path / "p")
    committed(project.root)
    today = date(2024, 9, 22)  # both October events are among the next six activities
    preview = Preview(project, tmp_path / "preview", today, drafts=False)
    assert not preview.rebuild().errors
    prize, training = "제2회 서울스마트도시상 시상식", "WeGO-SHRDC 교육 프로그램"
    korean = (tmp_path / "preview/ko/index.html").read_text()
    assert korean.index(prize) < korean.index(training)
    source = project.content / "events" / "wego-shrdc-training-2024.md"
    source.write_text(source.read_text().replace('title: "WeGO-SHRDC', 'title: "2024 WeGO-SHRDC'))
    assert not preview.rebuild({source}).errors
    korean = (tmp_path / "preview/ko/index.html").read_text()
    assert korean.index(prize) > korean.index(training)
    assert tree(tmp_path / "preview") == cold(project, tmp_path, "cold", today)


def test_pages_show_nothing_of_an_items_history(tmp_path):
    """incremental.Keys leaves `modified` and `revisions` out of what pages show (every save
    changes them): the layouts must not show them, only feeds and data do."""
    project = copy_project(tmp_path / "p")
    loaded = load_project(project, options(tmp_path / "unused"))

    def pages(site: Site) -> dict[str, bytes]:
        rendered = render_site(project, replace(loaded, site=site), date(2024, 6, 15), workers=1, brochure=False)
        return {a.path: a.data for a in rendered.fresh_pages}

    later = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    other = Site(loaded.site.config, tuple(replace(i, modified=later, revisions=i.revisions + 7) for i in loaded.site.items),
                 loaded.site.pages, loaded.site.intros)
    assert pages(other) == pages(loaded.site)


def test_edits_deletions_renames_and_template_changes_match_a_cold_build(tmp_path):
    project = copy_project(tmp_path / "p")
    out = tmp_path / "out"
    build(project, options(out))
    events = project.content / "events"
    (events / "cop29.md").write_text((events / "cop29.md").read_text().replace("2024-11-11/2024-11-22", "2024-11"))
    for name in ("ces-2024.md", "ces-2024.ko.md", "ces-2024.es.md"):
        (events / name).unlink()
    for lang in ("", ".ko", ".es"):
        (events / f"wsis-2024{lang}.md").rename(events / f"itu-wsis-2024{lang}.md")
    layout = project.layouts / "item.html"
    layout.write_text(layout.read_text().replace('<div class="prose"', '<div class="prose item-body"'))
    build(project, options(out))
    assert tree(out) == cold(project, tmp_path, "cold")
    assert "item-body" in (out / "en/events/excom-2024/index.html").read_text()


def test_a_damaged_cache_is_detected_and_rebuilt(tmp_path):
    project = copy_project(tmp_path / "p")
    out = tmp_path / "out"
    build(project, options(out))
    page = out / "en" / "events" / "excom-2024" / "index.html"
    page.write_bytes(page.read_bytes()[:100])            # truncated output file
    [manifest] = (project.root / ".cache" / "manifests").iterdir()
    result = build(project, options(out))
    assert result.reused == result.pages - 1
    assert tree(out) == cold(project, tmp_path, "cold")
    for shard in manifest.glob("*.shard"):
        shard.write_bytes(shard.read_bytes()[:50])        # truncated manifest
    assert build(project, options(out)).reused == 0
    assert tree(out) == cold(project, tmp_path, "cold2")


def test_nothing_changed_means_nothing_to_do_and_a_damaged_output_is_repaired(tmp_path):
    project = copy_project(tmp_path / "p")
    out = tmp_path / "out"
    build(project, options(out))
    again = build(project, options(out))
    assert again.rendered == () and again.reused == again.pages
    (out / "en" / "about" / "index.html").unlink()        # someone deleted a published file
    repaired = build(project, options(out))
    assert repaired.rendered == ("en/about/index.html",)
    assert tree(out) == cold(project, tmp_path, "cold")
    settings = project.config_file.read_text()
    project.config_file.write_text(settings.replace('name = "Africa"', 'name = "Africa (AU)"'))
    assert "en/regions/africa/index.html" in build(project, options(out)).rendered


def test_an_unchanged_items_page_damaged_by_hand_is_made_again_after_another_edit(tmp_path):
    """The pages of the items no edit reached are taken as the last build listed them, after
    the other pages (incremental/pages.py `_listed_pages`): one whose file is not the one the
    last build wrote is made again, and counted so; the others are counted as reused."""
    project = copy_project(tmp_path / "p")
    out = tmp_path / "out"
    build(project, options(out))
    page = out / "es" / "events" / "excom-2024" / "index.html"
    page.write_bytes(page.read_bytes()[:-20])
    source = project.content / "events" / "chengdu-training-2024.md"
    source.write_text(source.read_text().replace("title: \"Chengdu Training Program\"", "title: \"Chengdu Smart City Training\""))
    result = build(project, options(out))
    assert "es/events/excom-2024/index.html" in result.rendered
    assert "en/events/excom-2024/index.html" not in result.rendered
    assert result.reused == result.pages - len(result.rendered) and result.reused > result.pages / 2
    assert tree(out) == cold(project, tmp_path, "cold")


def test_a_preview_after_edits_and_layout_changes_matches_a_cold_build(tmp_path):
    """The preview keeps plans, keys and item fragments between rebuilds: none may go stale."""
    project = copy_project(tmp_path / "p")
    committed(project.root)
    preview = Preview(project, tmp_path / "preview", date(2024, 6, 15), drafts=False)
    assert not preview.rebuild().errors
    events = project.content / "events"
    excom = events / "excom-2024.md"
    excom.write_text(excom.read_text().replace("title: \"", "title: \"Edited ", 1))
    assert not preview.rebuild({excom}).errors  # the files saved, as the watcher reports them
    assert tree(tmp_path / "preview") == cold(project, tmp_path, "cold-1")
    macros = project.layouts / "macros.html"  # the cards of every list, kept between rebuilds
    macros.write_text(macros.read_text().replace('<li class="card ', '<li class="card card-edited '))
    (events / "cop29.md").write_text((events / "cop29.md").read_text().replace("2024-11-11/2024-11-22", "2024-11"))
    deleted = {events / name for name in ("ces-2024.md", "ces-2024.ko.md", "ces-2024.es.md")}
    for path in deleted:
        path.unlink()
    assert not preview.rebuild({macros, events / "cop29.md", *deleted}).errors
    assert "card-edited" in (tmp_path / "preview/en/events/index.html").read_text()
    assert tree(tmp_path / "preview") == cold(project, tmp_path, "cold-2")
    added = events / "excom-autumn-2024.md"
    added.write_text(excom.read_text().replace("title: \"Edited ", "title: \"Autumn ", 1))
    assert not preview.rebuild({added}).errors
    assert "Autumn" in (tmp_path / "preview/en/events/excom-autumn-2024/index.html").read_text()
    assert tree(tmp_path / "preview") == cold(project, tmp_path, "cold-3")


def test_the_vevents_are_kept_and_a_damaged_store_is_ignored(tmp_path):
    from generator.build import load_project
    from generator.outputs.calendar.entries import in_calendars
    from generator.incremental.store import Store
    project = copy_project(tmp_path / "p")
    out = tmp_path / "out"
    build(project, options(out))
    folder = project.root / ".cache" / "store"

    def kept() -> dict[str, bytes]:
        store = Store(folder)
        found = dict(store.section("vevent"))
        store.close()
        return found

    first = kept()
    site = load_project(project, options(out)).site
    # Per language: the brief VEVENT of subscription feeds, and an event's whole one (its own file).
    carried = [i for i in site.items if in_calendars(i, site.config.feeds)]
    assert len(first) == 4 * (len(carried) + sum(i.kind == "event" for i in carried))
    assert all(v.startswith(b"BEGIN:VEVENT\r\n") and v.endswith(b"END:VEVENT\r\n") for v in first.values())
    expected = cold(project, tmp_path, "cold")
    database = folder / "cache.db"
    original = database.read_bytes()
    excom = project.content / "events" / "excom-2024.md"
    for n, damaged in enumerate([original[:len(original) // 2], original[:-1] + b"x", b"", original[:70],
                                 b"not a database" * 100]):
        for extra in folder.glob("cache.db-*"):  # SQLite's journal: the damage must not be undone
            extra.unlink()
        database.write_bytes(damaged)
        excom.write_text(excom.read_text() + "\n")  # a change, so that the feeds are made again
        build(project, options(out))
        assert {p: b for p, b in tree(out).items() if p.endswith(".ics")} == {
            p: b for p, b in cold(project, tmp_path, f"cold-{n}").items() if p.endswith(".ics")}
    rewritten = kept()  # whole again: every entry is made anew where the store was damaged
    assert len(rewritten) >= len(first) and all(v.startswith(b"BEGIN:VEVENT\r\n") for v in rewritten.values())
    assert expected.keys() == tree(out).keys()


def test_a_preview_that_breaks_while_writing_recovers_to_a_cold_build(tmp_path):
    """A layout error met while pages stream leaves some pages newly written: they must not be
    taken for their old selves when the layout is put back."""
    project = copy_project(tmp_path / "p")
    preview = Preview(project, tmp_path / "preview", date(2024, 6, 15), drafts=False)
    assert not preview.rebuild().errors
    base = project.layouts / "base.html"
    original = base.read_text()
    # Arabic comes last: the English home page is written before the error, also when workers
    # render the pages in chunks (a failing chunk writes none of its pages).
    broken = original.replace("<body", '{% if item is defined and item.id == "excom-2024" and lang == "ar" %}'
                                       "{{ item.no_such_field }}{% endif %}<!-- MARKER --><body", 1)
    assert broken != original
    base.write_text(broken)
    assert preview.rebuild().errors
    assert "MARKER" in (tmp_path / "preview/en/index.html").read_text()  # written before the error
    base.write_text(original)
    assert not preview.rebuild().errors
    assert tree(tmp_path / "preview") == cold(project, tmp_path, "cold")


def test_a_preview_reads_again_only_the_files_its_watcher_reports(tmp_path):
    """The watcher names the saved files; the tree is walked again only when one is new or gone."""
    from generator.incremental.sources import ContentReader
    project = copy_project(tmp_path / "p")
    events, langs, reader = project.content / "events", ("en", "ko", "es", "ar"), ContentReader()

    def texts(changed=None) -> dict[str, str]:
        sources, errors = reader.read(project.content, project.root, langs, changed)
        assert not errors
        return {s.path.name: s.text for s in sources}

    first = texts()
    excom, cop29 = events / "excom-2024.md", events / "cop29.md"
    excom.write_text(excom.read_text() + "\nSaved.\n")
    cop29.write_text(cop29.read_text() + "\nNot reported.\n")
    second = texts({excom, project.layouts / "base.html"})
    assert second["excom-2024.md"].endswith("Saved.\n")
    assert second["cop29.md"] == first["cop29.md"]  # trusted unchanged: the watcher did not report it
    added = events / "added-2024.md"
    added.write_text(excom.read_text())
    (events / "ces-2024.ko.md").unlink()
    third = texts({added, events / "ces-2024.ko.md"})
    assert "added-2024.md" in third and "ces-2024.ko.md" not in third
    assert third["cop29.md"].endswith("Not reported.\n")  # a walk reads every changed file again
    assert list(third) == list(texts())  # the same files, in the same order, as a cold read
    (events / "ces-2024.ko.md").write_text("---\ntitle: 다시\n---\n")  # made again under its old name
    assert texts({events / "ces-2024.ko.md"})["ces-2024.ko.md"].startswith("---\ntitle: 다시")
    # A file that becomes unreadable, then readable again: each read gives what a cold one does.
    text = excom.read_text()
    excom.write_bytes(b"\xff\xfe not UTF-8")
    sources, errors = reader.read(project.content, project.root, langs, {excom})
    assert [e.path for e in errors] == ["content/events/excom-2024.md"]
    assert [s.path for s in sources] == [s.path for s in ContentReader().read(project.content, project.root, langs)[0]]
    excom.write_text(text + "\nBack.\n")
    again = texts({excom})
    assert again["excom-2024.md"].endswith("Back.\n") and list(again) == list(texts())


def test_a_new_build_opens_and_parses_only_the_edited_item_and_never_trusts_a_damaged_snapshot(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "p")
    out = tmp_path / "out"
    build(project, options(out))
    files = len(list(project.content.rglob("*.md")))
    parsed, opened = [], []
    real = validate.parse_front_matter
    monkeypatch.setattr(validate, "parse_front_matter", lambda text, display: parsed.append(display) or real(text, display))
    monkeypatch.setattr(content_sources, "open", lambda path, *a: opened.append(Path(path).name) or open(path, *a), raising=False)
    source = project.content / "events" / "chengdu-training-2024.md"
    source.write_text(source.read_text().replace('title: "Chengdu Training Program"', 'title: "Chengdu Smart City Training"'))
    build(project, options(out))
    item = ["chengdu-training-2024.es.md", "chengdu-training-2024.ko.md", "chengdu-training-2024.md"]
    assert sorted(parsed) == [f"content/events/{name}" for name in item]  # the other files are kept
    assert sorted(opened) == item  # the edited file, and its translations: its item is made again
    assert tree(out) == cold(project, tmp_path, "cold")
    for shard in (project.root / ".cache" / "content").glob("*.pickle"):
        data = shard.read_bytes()
        shard.write_bytes(data[:-64] + bytes([data[-64] ^ 1]) + data[-63:])  # one bit of one entry
    translation = project.content / "events" / "chengdu-training-2024.ko.md"
    translation.write_text(translation.read_text().replace("청두 교육 프로그램", "청두 스마트시티 교육"))
    parsed.clear()
    build(project, options(out))
    assert len(parsed) == files  # the damaged shards are ignored: every file is checked again
    assert tree(out) == cold(project, tmp_path, "cold-2")


def test_a_preview_whose_new_items_page_was_written_early_recovers_to_a_cold_build(tmp_path):
    """A new event's pages are written before the rest of the site (a browser may show them); if
    a layout then breaks, and the event is taken back, its pages must not stay behind."""
    project = copy_project(tmp_path / "p")
    preview = Preview(project, tmp_path / "preview", date(2024, 6, 15), drafts=False)
    assert not preview.rebuild().errors
    events, year = project.content / "events", project.layouts / "year.html"
    new = events / "added-2024.md"
    new.write_text((events / "excom-2024.md").read_text())  # its id is its file's name
    original = year.read_text()
    year.write_text(original.replace("{% block main %}", "{% block main %}{{ no_such_value.field }}", 1))
    told = []
    outcome = preview.rebuild({new, year}, on_page=told.append)
    assert outcome.errors and "/en/events/added-2024/" in told  # written early, then the year page broke
    assert (tmp_path / "preview/en/events/added-2024/index.html").exists()
    new.unlink()
    year.write_text(original)
    assert not preview.rebuild({new, year}, on_page=told.append).errors
    assert tree(tmp_path / "preview") == cold(project, tmp_path, "cold")


def test_a_preview_that_writes_the_edited_pages_first_matches_a_cold_build(tmp_path):
    """The edited items' pages made before the rest of the site (and not made again with it)
    are the pages a cold build makes, as is everything else, with VEVENTs and feeds."""
    project = copy_project(tmp_path / "p")
    committed(project.root)
    preview = Preview(project, tmp_path / "preview", date(2024, 6, 15), drafts=False)
    assert not preview.rebuild().errors
    events = project.content / "events"
    edited, translated, added = events / "cop29.md", events / "excom-2024.ko.md", events / "added-2024.md"
    edited.write_text(edited.read_text().replace("2024-11-11/2024-11-22", "2024-11"))
    translated.write_text(translated.read_text() + "\n추가한 문단.\n")
    added.write_text((events / "chengdu-training-2024.md").read_text())
    told = []
    outcome = preview.rebuild({edited, translated, added}, on_page=told.append)
    assert not outcome.errors
    assert {"/en/events/cop29/", "/ko/events/excom-2024/", "/ar/events/added-2024/"} <= set(told[:12])
    assert tree(tmp_path / "preview") == cold(project, tmp_path, "cold")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_edits_that_reach_programs_and_their_members_match_a_cold_build(tmp_path):
    """An item's pages are planned again only when an edit reaches them (incremental/items.py):
    an edit of a program reaches its members' pages, a member's edit its program's, a move
    both programs'. One-off builds and a preview, each step compared with a cold build."""
    project = copy_project(tmp_path / "p")
    committed(project.root)
    out = tmp_path / "out"
    build(project, options(out))
    preview = Preview(project, tmp_path / "preview", date(2024, 6, 15), drafts=False)
    assert not preview.rebuild().errors
    events, programs = project.content / "events", project.content / "programs"
    steps = [
        (programs / "conferences-expos-webinars.md", 'title: "', 'title: "Renamed '),  # its members show its title
        (events / "cop29.md", "program: conferences-expos-webinars", "program: activator"),  # from one program to another
        (events / "ces-2024.md", 'title: "', 'title: "Moved '),  # a member's card on its program's page
        (events / "ascn-annual-meeting-2024.md", "program: ascn\n", ""),  # out of its network
    ]
    for number, (path, old, new) in enumerate(steps):
        _edit(path, old, new)
        build(project, options(out))
        assert not preview.rebuild({path}).errors
        expected = cold(project, tmp_path, f"cold-{number}")
        assert tree(out) == expected, path.name
        assert tree(tmp_path / "preview") == expected, path.name
    gone = set(events.glob("ces-2024*.md"))  # a member deleted: its program lists one fewer
    for path in gone:
        path.unlink()
    build(project, options(out))
    assert not preview.rebuild(gone).errors
    expected = cold(project, tmp_path, "cold-gone")
    assert tree(out) == expected
    assert tree(tmp_path / "preview") == expected
