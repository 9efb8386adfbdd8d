"""Content files a one-off build takes from .cache/checks/ without opening them
(generator/incremental/checks.py, `Checks.read`): only a file whose stat signature is the kept
one, and which is older than the shard that keeps it, is taken; any other change (an edit that
keeps the size and the time, a link, a deletion, a new file, a file made unreadable, a damaged
shard) is read as a cold build reads it."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import ROOT
from generator.config import load_config
from generator.content import history, sources as sources_module
from generator.content.history import read_history
from generator.content.sources import read_sources
from generator.content.validate import check_source
from generator.incremental.checks import Checks
from generator.incremental.sealed import read_sealed, write_sealed

pytestmark = pytest.mark.unit

CONFIG = load_config(ROOT / "site.toml")
EVENT = "content/events/excom-2024.md"


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


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """The content files opened (the real `open`, counted), by project path."""
    calls = []

    def counted(path, *args, **kwargs):
        calls.append(str(path).split("/site/", 1)[-1])
        return open(path, *args, **kwargs)

    monkeypatch.setattr(sources_module, "open", counted, raising=False)
    return calls


def read_kept(root: Path, fresh: bool = False):
    """What a one-off build reads and checks with the kept checks of `root`/.cache."""
    folder = root / ".cache" / "checks"
    folder.mkdir(parents=True, exist_ok=True)
    with Checks(folder, "code stamp", fresh=fresh) as checks:
        found, errors = read_sources(root / "content", root, CONFIG.language_codes, checks.read)
        return found, errors, [checks.check(source, CONFIG) for source in found]


def read_cold(root: Path):
    """What a cold build reads and checks."""
    found, errors = read_sources(root / "content", root, CONFIG.language_codes)
    return found, errors, [check_source(source, CONFIG) for source in found]


def test_an_unchanged_file_is_not_opened_again(site, opened):
    files = len(read_kept(site)[0])
    assert len(opened) == files
    cold = read_cold(site)
    opened.clear()
    assert read_kept(site) == cold
    assert opened == []  # every file taken from the shards, unopened
    event = site / EVENT
    event.write_text(event.read_text().replace("title:", "title: Edited", 1))
    cold = read_cold(site)
    opened.clear()
    assert read_kept(site) == cold
    assert opened == [EVENT]


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


@pytest.mark.parametrize("change", [_same_size_time_restored, _replaced_by_a_link, _deleted, _new, _unreadable],
                         ids=lambda change: change.__name__.strip("_"))
def test_a_changed_file_is_read_as_a_cold_build_reads_it(site, opened, change):
    read_kept(site)
    read_kept(site)
    change(site)
    # The shards as if their build began reading after the change: only the signature can tell.
    later = time.time_ns() + 3600 * 10**9
    for shard in (site / ".cache" / "checks").glob("*.checks"):
        write_sealed(shard, {**read_sealed(shard), "clock": later})
    try:
        cold = read_cold(site)
    except OSError as exc:  # unreadable to a user other than root: both builds stop the same way
        with pytest.raises(type(exc)):
            read_kept(site)
        return
    opened.clear()
    assert read_kept(site) == cold
    expected = {"deleted": [], "new": ["content/events/excom-2025.md"]}.get(change.__name__.strip("_"), [EVENT])
    assert opened == expected  # the changed file (through its link, for a link), not the others


def test_a_file_changed_in_the_tick_its_reading_began_is_read_again(site, opened):
    """Racily clean, as git calls it: a file dated at or after the moment its last build began
    reading may have been written again after it was read, within the same tick of the file
    system's clock, keeping its size and times."""
    event = site / EVENT
    later = time.time_ns() + 3600 * 10**9
    os.utime(event, ns=(later, later))
    read_kept(site)
    cold = read_cold(site)
    opened.clear()
    assert read_kept(site) == cold
    assert opened == [EVENT]  # dated after its shard: its signature proves nothing
    opened.clear()
    read_kept(site)
    assert opened == [EVENT]


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "removed"])
def test_a_damaged_shard_is_ignored_and_its_files_read_again(site, opened, damage):
    files = len(read_kept(site)[0])
    shards = sorted((site / ".cache" / "checks").glob("*.checks"))
    for shard in shards:
        data = shard.read_bytes()
        if damage == "flipped byte":
            shard.write_bytes(data[:-100] + bytes([data[-100] ^ 1]) + data[-99:])
        elif damage == "truncated":
            shard.write_bytes(data[: len(data) // 2])
        else:
            shard.unlink()
    cold = read_cold(site)
    opened.clear()
    assert read_kept(site) == cold
    assert len(opened) == files


def test_the_fresh_option_opens_every_file(site, opened):
    files = len(read_kept(site)[0])
    opened.clear()
    read_kept(site, fresh=True)
    assert len(opened) == files


def test_history_dates_files_by_the_stat_they_were_read_with(site, monkeypatch):
    """Outside git every file counts as edited, dated by its mtime: the reading's stat gives it,
    the same date a stat of its own gives, and no file is stat-ed a second time."""
    found, _errors = read_sources(site / "content", site, CONFIG.language_codes)
    paths = [source.path for source in found]
    stat_ed = read_history(site, paths)
    assert [r.modified.timestamp() for r in stat_ed.values()] == [int(p.stat().st_mtime) for p in paths]
    monkeypatch.setattr(history, "_mtime", lambda path: pytest.fail(f"{path} stat-ed a second time"))
    assert read_history(site, paths, [source.modified for source in found]) == stat_ed
