"""Sealed cache files (generator/incremental/sealed.py): read back whole or not at all, and read
ahead on another thread while a build lists its inputs."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from conftest import BUILD_DAY
from generator.build import Options, build
from generator.incremental import sealed
from generator.incremental.sealed import read_ahead, read_sealed, stop_reading_ahead, write_sealed
from test_images import berlin


class Recorded(list):
    paths: list[str]


@pytest.fixture
def checked_on(monkeypatch) -> list[str]:
    """The thread each file was read and checked on, in order."""
    threads, checked = Recorded(), sealed._checked

    def recording(path: str):
        threads.append(threading.current_thread().name)
        paths.append(os.path.basename(path))
        return checked(path)

    paths: list[str] = []
    threads.paths = paths

    monkeypatch.setattr(sealed, "_checked", recording)
    yield threads
    stop_reading_ahead()


def files(folder: Path, n: int = 5) -> list[Path]:
    folder.mkdir(exist_ok=True)
    for i in range(n):
        assert write_sealed(folder / f"{i:03d}.shard", {"n": i, "text": "x" * 10_000})
    return sorted(folder.iterdir())


def test_files_read_ahead_are_read_and_checked_on_the_other_thread(tmp_path, checked_on):
    written = files(tmp_path / "a") + files(tmp_path / "b")
    read_ahead([tmp_path / "a", tmp_path / "b"], (".shard",))
    assert [read_sealed(file)["n"] for file in written] == [0, 1, 2, 3, 4] * 2
    assert len(checked_on) == 10 and set(checked_on) == {"read-ahead_0"}  # none on the build's thread
    assert read_sealed(written[0])["n"] == 0  # taken once: read again as any file is
    assert checked_on[-1] == threading.current_thread().name


def test_a_shelf_s_head_is_read_ahead_first(tmp_path, checked_on):
    """The head names the shards: a build reads it first, and would wait for every shard."""
    for name in ("000.3.shard", "001.3.shard", "head.shard"):
        write_sealed(tmp_path / name, {"name": name})
    read_ahead([tmp_path], (".shard",))
    assert read_sealed(tmp_path / "head.shard") == {"name": "head.shard"}
    stop_reading_ahead()
    assert checked_on.paths[0] == "head.shard"


def test_a_file_replaced_after_it_was_read_ahead_is_read_again(tmp_path, checked_on):
    [first, second] = files(tmp_path, 2)
    read_ahead([tmp_path], (".shard",))
    sealed._ahead[str(first)].result()  # read already
    os.replace(second, first)  # as a save replaces a shard, through a rename
    assert read_sealed(first)["n"] == 1
    assert read_sealed(second) is None  # gone since


def test_a_file_written_by_this_build_is_not_taken_from_the_read_ahead(tmp_path, checked_on):
    [file] = files(tmp_path, 1)
    read_ahead([tmp_path], (".shard",))
    sealed._ahead[str(file)].result()
    write_sealed(file, {"n": 7})
    assert read_sealed(file) == {"n": 7}


def test_a_damaged_file_read_ahead_is_refused(tmp_path, checked_on):
    [file] = files(tmp_path, 1)
    data = bytearray(file.read_bytes())
    data[-1] ^= 1
    file.write_bytes(bytes(data))
    read_ahead([tmp_path], (".shard",))
    assert read_sealed(file) is None


def test_a_truncated_or_headless_file_is_refused(tmp_path):
    [file] = files(tmp_path, 1)
    whole = file.read_bytes()
    for cut in (whole[:-1], whole[:11], b""):
        file.write_bytes(cut)
        assert read_sealed(file) is None
    file.write_bytes(whole)
    assert read_sealed(file) is not None


def test_no_thread_reads_ahead_once_a_build_has_loaded_and_none_is_left_behind(tmp_path, monkeypatch):
    """The render may fork its workers: by then the reader has stopped. An up-to-date build
    stops it too, and drops what it read."""
    project = berlin(tmp_path)
    options = Options(out=tmp_path / "out", today=BUILD_DAY, search=False, brochure=False, workers=1)
    build(project, options)
    seen, render = [], __import__("generator.build", fromlist=["render_site"]).render_site

    def watching(*args, **kw):
        seen.append([t.name for t in threading.enumerate() if t.name.startswith("read-ahead")])
        return render(*args, **kw)

    monkeypatch.setattr("generator.build.render_site", watching)
    event = project.content / "events" / "berlin-2024.md"
    event.write_text(event.read_text().replace("Three days", "Four days", 1))
    build(project, options)
    assert seen == [[]]
    assert not sealed._ahead
    build(project, options)  # up to date: returns before loading anything
    assert seen == [[]]
    assert not sealed._ahead and not [t for t in threading.enumerate() if t.name.startswith("read-ahead")]
