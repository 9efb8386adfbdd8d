"""What a one-off build keeps of content/ for the next (generator/incremental/snapshot.py): an
unchanged file is neither opened nor checked, and an item made of unchanged files is taken whole;
any change (an edit that keeps the size and the time, a link, a deletion, a new file, other
settings, a damaged shard) is read as a cold build reads it, and every load gives exactly the
model, or the errors, of a cold one."""

from __future__ import annotations

import os
import pickle
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import BUILD_DAY, ROOT, copy_project
from generator.build import Options, build
from generator.config import load_config
from generator.content import history, sources as sources_module, validate
from generator.content.history import read_history
from generator.content.sources import read_sources
from generator.content.validate import build_site
from generator.incremental.sealed import read_sealed, write_sealed
from generator.incremental.snapshot import SHARDS, VERSION, Snapshot

pytestmark = pytest.mark.unit

CONFIG = load_config(ROOT / "site.toml")
EVENT = "content/events/excom-2024.md"
ITEM = ["content/events/excom-2024.es.md", "content/events/excom-2024.ko.md", EVENT]
"""The files of the event's item: an edit of one makes the item again, from all three."""


@pytest.fixture
def site(tmp_path) -> Path:
    """A copy of the real content, older than any shard written from now on."""
    root = tmp_path / "site"
    shutil.copytree(ROOT / "content", root / "content")
    minute_ago = time.time_ns() - 60 * 10**9
    for path in (root / "content").rglob("*"):
        os.utime(path, ns=(minute_ago, minute_ago), follow_symlinks=False)
    # Their ctime is now: a tick of the file system's clock later, a shard written is younger.
    time.sleep(0.05)
    return root


class Counted:
    """The content files opened, parsed and assembled (the real functions, counted), by project path."""

    def __init__(self):
        self.opened: list[str] = []
        self.parsed: list[str] = []
        self.assembled: list[str] = []

    def clear(self) -> None:
        self.opened.clear(), self.parsed.clear(), self.assembled.clear()


@pytest.fixture
def counted(monkeypatch) -> Counted:
    calls = Counted()
    real_parse, real_assemble = validate.parse_front_matter, validate._assemble

    def opened(path, *args, **kwargs):
        calls.opened.append(str(path).split("/site/", 1)[-1])
        return open(path, *args, **kwargs)

    def parsed(text, display):
        calls.parsed.append(display)
        return real_parse(text, display)

    def assembled(files, *args):
        calls.assembled.append(files[0].source.display)
        return real_assemble(files, *args)

    monkeypatch.setattr(sources_module, "open", opened, raising=False)
    monkeypatch.setattr(validate, "parse_front_matter", parsed)
    monkeypatch.setattr(validate, "_assemble", assembled)
    return calls


def load_kept(root: Path, fresh: bool = False, config=CONFIG, code: str = "code stamp", drafts: bool = False):
    """What a one-off build loads with the snapshot of `root`/.cache: the Site and every error."""
    folder = root / ".cache" / "content"
    folder.mkdir(parents=True, exist_ok=True)
    with Snapshot(folder, code, fresh=fresh) as snapshot:
        snapshot.settle(config)
        found, errors = read_sources(root / "content", root, config.language_codes, snapshot.read, snapshot.keep)
        dates = read_history(root, [s.path for s in found], [s.modified for s in found])
        site, more = build_site(found, config, drafts=drafts, history=dates, check=snapshot.check,
                                assembled=snapshot.assembled)
        return site, errors + more


def load_cold(root: Path, config=CONFIG, drafts: bool = False):
    """What a cold build loads."""
    found, errors = read_sources(root / "content", root, config.language_codes)
    dates = read_history(root, [s.path for s in found], [s.modified for s in found])
    site, more = build_site(found, config, drafts=drafts, history=dates)
    return site, errors + more


def files_of(root: Path) -> int:
    return sum(1 for _ in (root / "content").rglob("*.md"))


def shards(root: Path) -> list[Path]:
    return sorted((root / ".cache" / "content").glob("*.pickle"))


def test_an_unchanged_file_is_neither_opened_nor_checked_and_its_item_is_taken_whole(site, counted):
    load_kept(site)
    assert len(counted.opened) == len(counted.parsed) == files_of(site) and len(shards(site)) == SHARDS
    cold = load_cold(site)
    counted.clear()
    assert load_kept(site) == cold and cold[0] is not None
    assert counted.opened == counted.parsed == counted.assembled == []  # every file and item kept
    event = site / EVENT
    event.write_text(event.read_text().replace("title: ", "title: Edited ", 1))
    cold = load_cold(site)
    counted.clear()
    assert load_kept(site) == cold
    assert sorted(counted.opened) == sorted(counted.parsed) == ITEM  # the edited file, and its item's others
    assert counted.assembled == [EVENT]  # only its item made again
    assert cold[0].item("excom-2024").original.title.startswith("Edited ")
    counted.clear()
    assert load_kept(site) == cold
    assert counted.opened == counted.parsed == counted.assembled == []  # the edited version is the one kept now


def _same_size_time_restored(site: Path) -> None:
    event = site / EVENT
    before = event.stat()
    text = event.read_text()
    event.write_text(text.replace("title: ", "title:_", 1))  # one byte for another: the same size
    os.utime(event, ns=(before.st_atime_ns, before.st_mtime_ns))  # `touch -r`: the time it had
    assert event.stat().st_size == before.st_size and event.stat().st_mtime_ns == before.st_mtime_ns


def _replaced_by_a_link(site: Path) -> None:
    event, hidden = site / EVENT, site / "content" / ".drafts" / "excom.md"
    hidden.parent.mkdir()
    hidden.write_text(event.read_text().replace("title:", "title: Linked", 1))
    event.unlink()
    event.symlink_to(hidden)


def _deleted(site: Path) -> None:
    for path in (site / "content" / "events").glob("excom-2024*.md"):
        path.unlink()


def _new(site: Path) -> None:
    event = site / EVENT
    (event.parent / "excom-2025.md").write_text(event.read_text().replace("title:", "title: Next", 1))


def _unreadable(site: Path) -> None:
    (site / EVENT).chmod(0)


def _later_clock(site: Path) -> None:
    """The shards as if their build began reading after the change: only the signature can tell."""
    later = time.time_ns() + 3600 * 10**9
    for shard in shards(site):
        write_sealed(shard, {**read_sealed(shard, pickle.loads), "clock": later}, pickle.dumps)


@pytest.mark.parametrize("change", [_same_size_time_restored, _replaced_by_a_link, _deleted, _new, _unreadable],
                         ids=lambda change: change.__name__.strip("_"))
def test_a_changed_file_is_read_as_a_cold_build_reads_it(site, counted, change):
    load_kept(site)
    load_kept(site)
    change(site)
    _later_clock(site)
    try:
        cold = load_cold(site)
    except OSError as exc:  # unreadable to a user other than root: both builds stop the same way
        with pytest.raises(type(exc)):
            load_kept(site)
        return
    counted.clear()
    assert load_kept(site) == cold
    # The changed file (through its link, for a link); its item's others when its item is made
    # again (not after an edit that breaks it, nor when only its mode changed).
    expected = {_deleted: [], _new: ["content/events/excom-2025.md"], _replaced_by_a_link: ITEM}.get(change, [EVENT])
    assert sorted(counted.opened) == expected


def test_a_file_changed_in_the_tick_its_reading_began_is_read_again(site, counted):
    """Racily clean, as git calls it: a file dated at or after the moment its last build began
    reading may have been written again after it was read, within the same tick of the file
    system's clock, keeping its size and times."""
    event = site / EVENT
    later = time.time_ns() + 3600 * 10**9
    os.utime(event, ns=(later, later))
    load_kept(site)
    cold = load_cold(site)
    for _ in range(2):
        counted.clear()
        assert load_kept(site) == cold
        assert EVENT in counted.opened and EVENT in counted.parsed  # dated after its shard: its signature proves nothing


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "removed", "not ours", "another generator",
                                    "another version", "garbage entries"])
def test_a_damaged_or_foreign_shard_is_ignored_and_its_files_read_again(site, counted, damage):
    load_kept(site)
    for shard in shards(site):
        data = shard.read_bytes()
        if damage == "flipped byte":
            shard.write_bytes(data[:-100] + bytes([data[-100] ^ 1]) + data[-99:])
        elif damage == "truncated":
            shard.write_bytes(data[: len(data) // 2])
        elif damage == "removed":
            shard.unlink()
        elif damage == "not ours":
            shard.write_bytes(b"PK\x03\x04 a zip file, say")
        elif damage == "another version":
            write_sealed(shard, {**read_sealed(shard, pickle.loads), "version": VERSION + 1}, pickle.dumps)
        elif damage == "garbage entries":  # sealed and of this version, but not what a build writes
            kept = read_sealed(shard, pickle.loads)
            files = {display: (None, 42) if n % 2 else 42 for n, display in enumerate(kept["files"])}
            assembled = {display: ("made of", "not an item", None) for display in kept["assembled"]}
            write_sealed(shard, {**kept, "files": files, "assembled": assembled}, pickle.dumps)
    cold = load_cold(site)
    counted.clear()
    assert load_kept(site, code="another code stamp" if damage == "another generator" else "code stamp") == cold
    assert len(counted.opened) == len(counted.parsed) == files_of(site)


def test_the_fresh_option_reads_every_file(site, counted):
    load_kept(site)
    cold = load_cold(site)
    counted.clear()
    assert load_kept(site, fresh=True) == cold
    assert len(counted.opened) == files_of(site)


def test_other_settings_check_every_file_again(site, counted):
    load_kept(site)
    # Another base address changes nothing a check says, but it is another site.toml.
    config = replace(CONFIG, site=replace(CONFIG.site, base_url="https://example.org/"))
    cold = load_cold(site, config)
    counted.clear()
    assert load_kept(site, config=config) == cold
    assert len(counted.parsed) == files_of(site)
    # Removing a region makes kept facts and items wrong: they must be made again, not reused.
    narrower = replace(CONFIG, regions=tuple(r for r in CONFIG.regions if r.key != "east-asia"))
    cold = load_cold(site, narrower)
    counted.clear()
    kept = load_kept(site, config=narrower)
    assert kept == cold and kept[0] is None
    assert "regions" in {e.field for e in kept[1]} and len(counted.parsed) == files_of(site)


def _edit(site: Path, path: str, old: str, new: str) -> None:
    file = site / path
    text = file.read_text()
    assert old in text, (path, old)
    file.write_text(text.replace(old, new, 1))


def _program_renamed(site: Path) -> None:
    """Its members name a program that no longer exists (each at its `program` line)."""
    for lang in ("", ".es", ".ko"):
        (site / f"content/programs/conferences-expos-webinars{lang}.md").rename(
            site / f"content/programs/conferences-and-expos{lang}.md")


def _moved_to_another_program(site: Path) -> None:
    _edit(site, "content/events/cop29.md", "program: conferences-expos-webinars", "program: activator")


def _translation_added(site: Path) -> None:
    shutil.copy(site / "content/events/cop29.ko.md", site / "content/events/cop29.ar.md")


def _translation_removed(site: Path) -> None:
    (site / "content/events/excom-2024.ko.md").unlink()


def _id_clash_of_a_new_file(site: Path) -> None:
    """A new program named after an event: its id, from its name, is already the event's."""
    shutil.copy(site / "content/programs/activator.md", site / "content/programs/excom-2024.md")


def _broken_link(site: Path) -> None:
    (site / EVENT).write_text((site / EVENT).read_text() + "\nSee [the minutes](../events/minutes.md).\n")


def _contradicting_translation(site: Path) -> None:
    """An error between two files that each pass their own check: reported again on every build."""
    _edit(site, "content/events/excom-2024.ko.md", "---\n", "---\ncategory: prize\n")


def _orphan_translation(site: Path) -> None:
    shutil.copy(site / "content/events/cop29.ko.md", site / "content/events/no-such-event.ko.md")


@pytest.mark.parametrize("change", [_program_renamed, _moved_to_another_program, _translation_added,
                                    _translation_removed, _id_clash_of_a_new_file, _broken_link,
                                    _contradicting_translation, _orphan_translation],
                         ids=lambda change: change.__name__.strip("_"))
def test_edits_across_files_load_the_model_or_the_errors_of_a_cold_build(site, change):
    load_kept(site)
    change(site)
    cold = load_cold(site)
    assert load_kept(site) == cold
    assert load_kept(site) == cold  # and again, from what that build kept
    if change not in (_moved_to_another_program, _translation_added, _translation_removed):
        assert cold[0] is None and cold[1]


def test_a_draft_is_left_out_or_shown_as_a_cold_build_does(site, counted):
    """A draft's item is kept as left out; with --drafts it is made (and kept), and left out again."""
    _edit(site, EVENT, "---\n", "---\ndraft: true\n")
    for drafts in (False, False, True, True, False):
        cold = load_cold(site, drafts=drafts)
        counted.clear()
        assert load_kept(site, drafts=drafts) == cold
        assert (cold[0].item("excom-2024") is not None) == drafts
    assert counted.opened == []  # left out again: nothing to read


@pytest.mark.build
def test_a_build_removes_the_kept_checks_of_earlier_versions(tmp_path):
    """.cache/checks/ (132 MB at 10,000 events) is what the snapshot replaced: not left behind."""
    project = copy_project(tmp_path / "p")
    old = project.root / ".cache" / "checks"
    old.mkdir(parents=True)
    (old / "content-00.checks").write_bytes(b"kept by an earlier version")
    build(project, Options(out=tmp_path / "out", today=BUILD_DAY, search=False, brochure=False))
    assert not old.exists() and len(shards(project.root)) == SHARDS


@pytest.mark.build
def test_a_build_stats_each_content_file_once(tmp_path, monkeypatch):
    """The inputs stamp lists every content file with its lstat; reading takes those, and stats
    none a second time (34,000 files at 10,000 events)."""
    project = copy_project(tmp_path / "p")
    options = Options(out=tmp_path / "out", today=BUILD_DAY, search=False, brochure=False)
    build(project, options)
    _edit(project.root, EVENT, "title: ", "title: Edited ")
    content, real_lstat, seen = str(project.content), os.lstat, []

    def lstat(path, *args, **kwargs):
        if str(path).startswith(content) and str(path).endswith(".md"):
            seen.append(str(path))
        return real_lstat(path, *args, **kwargs)

    monkeypatch.setattr(os, "lstat", lstat)
    build(project, options)
    assert seen == []
    assert "Edited" in (tmp_path / "out" / "en" / "events" / "excom-2024" / "index.html").read_text()


def test_history_dates_files_by_the_stat_they_were_read_with(site, monkeypatch):
    """Outside git every file counts as edited, dated by its mtime: the reading's stat gives it,
    the same date a stat of its own gives, and no file is stat-ed a second time."""
    found, _errors = read_sources(site / "content", site, CONFIG.language_codes)
    paths = [source.path for source in found]
    stat_ed = read_history(site, paths)
    assert [r.modified.timestamp() for r in stat_ed.values()] == [int(p.stat().st_mtime) for p in paths]
    monkeypatch.setattr(history, "_mtime", lambda path: pytest.fail(f"{path} stat-ed a second time"))
    assert read_history(site, paths, [source.modified for source in found]) == stat_ed


class _Obeyed:
    """What a crafted shard could hold: unpickled, it would make a folder (or run anything else)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)


def test_a_shard_crafted_to_run_code_is_refused_not_obeyed(site, counted, tmp_path):
    """A `.cache/` can come with a checkout (forced past .gitignore in a pull request, say): the
    SHA-256 proves only that a shard is whole, so a shard makes only the model's own classes."""
    load_kept(site)
    marker = tmp_path / "obeyed"
    for shard in shards(site):
        kept = read_sealed(shard, pickle.loads)
        write_sealed(shard, {**kept, "files": {**kept["files"], "content/x.md": _Obeyed(marker)}}, pickle.dumps)
    cold = load_cold(site)
    counted.clear()
    assert load_kept(site) == cold
    assert not marker.exists()
    assert len(counted.opened) == files_of(site)  # every shard refused: every file read again
