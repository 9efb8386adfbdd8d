"""The inputs' stamp and the previous output's stats taken by child processes
(generator/incremental/forked.py): the same as the build would take itself, and no child left behind;
the cache recorded by a process of its own once `sitegen build` has published, and the next build
waiting for it."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import BUILD_DAY, ROOT
from generator.build import Options, build
from generator.errors import BuildFailed
from generator.incremental.forked import Forked, detached
from generator.incremental.manifest import Lstat, inputs_stamp, stamp_and_listing
from generator.publish.spare import file_stats
from generator.publish.spare import walk_files
from test_images import berlin

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="children are listed from /proc")


def children() -> set[int]:
    """This process's child processes, as Linux lists them."""
    found = set()
    for task in Path("/proc/self/task").iterdir():
        found.update(int(pid) for pid in (task / "children").read_text().split())
    return found


def options(out: Path) -> Options:
    return Options(out=out, today=BUILD_DAY, search=False, brochure=False, workers=1)


def test_the_child_takes_each_file_as_a_stat_would(tmp_path):
    out = tmp_path / "out"
    (out / "en" / "a").mkdir(parents=True)
    (out / "en" / "a" / "index.html").write_bytes(b"a")
    (out / "index.html").write_bytes(b"home, changed by hand")
    (out / "link.html").symlink_to(out / "index.html")
    before = children()
    taken = Forked(file_stats, str(out)).result()
    expected = {name: (entry.stat(follow_symlinks=False).st_size, entry.stat(follow_symlinks=False).st_mtime_ns)
                for name, entry in walk_files(str(out))}
    assert taken == expected and set(taken) == {"en/a/index.html", "index.html", "link.html"}
    assert not children() - before  # none of its own left (others may end meanwhile)


def test_the_inputs_are_listed_by_a_child_as_in_the_build(tmp_path):
    folder = tmp_path / "content"
    (folder / "events").mkdir(parents=True)
    (folder / "events" / "a.md").write_text("---\ntitle: A\n---\n")
    (folder / "events" / "b.md").symlink_to(folder / "events" / "a.md")
    (tmp_path / "site.toml").write_text("[site]\n")
    before = children()
    stamp, listed = Forked(stamp_and_listing, [str(folder)], [str(tmp_path / "site.toml")], "fact").result()
    assert not children() - before
    here: dict = {}
    assert stamp == inputs_stamp([folder], [tmp_path / "site.toml"], "fact", listed=here)
    assert listed == here and set(listed) == {str(folder / "events" / "a.md"), str(folder / "events" / "b.md")}
    for path, fields in listed.items():  # what reading the content takes of an lstat
        info, kept = os.lstat(path), Lstat(*fields)
        assert (kept.st_mode, kept.st_size, kept.st_mtime_ns, kept.st_ctime_ns, kept.st_ino, kept.st_dev, kept.st_mtime) \
            == (info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev, info.st_mtime)


def test_a_build_stats_none_of_the_files_it_reuses_and_leaves_no_child(tmp_path, monkeypatch):
    project = berlin(tmp_path)
    out = tmp_path / "out"
    build(project, options(out))
    before = children()
    stats, stat = [], os.stat
    monkeypatch.setattr(os, "stat", lambda path, *a, **kw: stats.append(str(path)) or stat(path, *a, **kw))
    event = project.content / "events" / "berlin-2024.md"
    event.write_text(event.read_text().replace("Three days", "Four days", 1))
    result = build(project, options(out))
    pages = {path[len(str(out)) + 1:] for path in stats if path.startswith(str(out)) and path.endswith(".html")}
    assert result.reused > 50 and pages <= set(result.rendered)  # only those it wrote (the manifest records them)
    assert not children() - before  # none of its own left (others may end meanwhile)
    page = out / "en" / "about" / "index.html"
    page.write_bytes(page.read_bytes()[:-10])  # changed by hand before the build: seen by the child
    repaired = build(project, options(out))
    assert repaired.rendered == ("en/about/index.html",)
    assert build(project, options(out)).rendered == ()  # up to date: the child is asked, then reaped
    assert not children() - before  # none of its own left (others may end meanwhile)


def test_a_failed_build_leaves_no_child(tmp_path):
    project = berlin(tmp_path)
    out = tmp_path / "out"
    build(project, options(out))
    before = children()
    event = project.content / "events" / "berlin-2024.md"
    event.write_text(event.read_text().replace("title:", "title: [", 1))
    with pytest.raises(BuildFailed):
        build(project, options(out))
    assert not children() - before  # none of its own left (others may end meanwhile)


def test_without_fork_each_file_is_stat_ed_by_the_build(tmp_path, monkeypatch):
    project = berlin(tmp_path)
    out = tmp_path / "out"
    build(project, options(out))
    monkeypatch.delattr(os, "fork")
    page = out / "en" / "about" / "index.html"
    page.write_bytes(page.read_bytes()[:-10])
    assert Forked(file_stats, str(out)).result() is None
    assert build(project, options(out)).rendered == ("en/about/index.html",)


def _after_go(go: str, done: str) -> None:
    """Detached work: waits for the caller to go on (the file `go`), then says what it saw."""
    for _ in range(1000):
        if os.path.exists(go):
            break
        time.sleep(0.01)
    seen = [os.path.exists(go), os.getsid(0) != os.getppid(), os.readlink("/proc/self/fd/1")]
    Path(done + ".tmp").write_text(repr(seen))
    os.replace(done + ".tmp", done)


def _failing() -> None:
    raise ValueError("the disk said no")


def wait_for(path: Path) -> str:
    for _ in range(1000):
        if path.exists():
            return path.read_text()
        time.sleep(0.01)
    raise AssertionError(f"{path} never came")


def test_detached_work_outlives_the_call_in_its_own_session_and_leaves_no_child(tmp_path):
    go, done = tmp_path / "go", tmp_path / "done"
    before = children()
    assert detached(_after_go, str(go), str(done), log=str(tmp_path / "log"))
    assert not children() - before  # the grandchild is init's to reap, never a zombie of ours
    go.touch()  # only now may it finish: had `detached` waited for it, it would have seen no `go`
    assert wait_for(done) == repr([True, True, "/dev/null"])
    assert not (tmp_path / "log").exists()


def test_detached_work_that_fails_leaves_its_traceback_and_the_next_success_removes_it(tmp_path):
    log = tmp_path / "record.log"
    assert detached(_failing, log=str(log))
    assert "ValueError: the disk said no" in wait_for(log)
    go, done = tmp_path / "go", tmp_path / "done"
    go.touch()
    assert detached(_after_go, str(go), str(done), log=str(log))
    wait_for(done)
    for _ in range(1000):
        if not log.exists():
            break
        time.sleep(0.01)
    assert not log.exists()


def test_nothing_is_detached_while_another_thread_runs(tmp_path):
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not detached(_after_go, str(tmp_path / "go"), str(tmp_path / "done"), log=str(tmp_path / "log"))
    finally:
        release.set()
        other.join()
    time.sleep(0.2)
    assert not (tmp_path / "done").exists()  # nothing ran: the caller records itself


def sitegen_build(project, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator", "--root", str(project.root), "build", "--now",
                             BUILD_DAY.isoformat(), "--no-brochure", "--no-search", "--out", str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def waiting_for_lock(file: Path) -> bool:
    """Some process is blocked on the flock of `file` (Linux lists waiters with '->')."""
    inode = f":{os.stat(file).st_ino} "
    return any(line.split()[1] == "->" and inode in line for line in Path("/proc/locks").read_text().splitlines())


def test_the_command_records_the_cache_for_the_next_build_which_waits_for_it(tmp_path):
    project = berlin(tmp_path)
    out = tmp_path / "out"
    first = sitegen_build(project, out)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    lock = project.root / ".cache" / "lock"
    with open(lock, "rb") as held:  # as the recorder of a build holds it
        fcntl.flock(held, fcntl.LOCK_EX)
        event = project.content / "events" / "berlin-2024.md"
        event.write_text(event.read_text().replace("Three days", "Four days", 1))
        second = sitegen_build(project, out)
        for _ in range(3000):
            if waiting_for_lock(lock) or second.poll() is not None:
                break
            time.sleep(0.01)
        assert second.poll() is None and waiting_for_lock(lock)
        assert "Three days" in (out / "en" / "events" / "berlin-2024" / "index.html").read_text()
    assert second.wait(timeout=300) == 0, second.stderr.read()
    assert "Four days" in (out / "en" / "events" / "berlin-2024" / "index.html").read_text()
    # The next build waits for the second's recorder, then finds the site up to date: it was recorded.
    again = build(project, options(out))
    assert again.rendered == () and again.reused == again.pages > 50
    assert not list((project.root / ".cache" / "manifests").glob("*.record.log"))


def test_a_failed_recording_is_reported_by_the_next_build_until_one_records(tmp_path, capsys):
    from generator.cli import main
    project = berlin(tmp_path)
    out = tmp_path / "out"
    build(project, options(out))
    [folder] = (project.root / ".cache" / "manifests").iterdir()
    log = folder.with_suffix(".record.log")
    log.write_text("Traceback (most recent call last):\nOSError: [Errno 28] No space left on device\n")
    event = project.content / "events" / "berlin-2024.md"
    event.write_text(event.read_text().replace("Three days", "Four days", 1))
    code = main(["--root", str(project.root), "build", "--out", str(out), "--now", BUILD_DAY.isoformat(),
                 "--no-search", "--no-brochure"])
    assert code == 0
    warning = capsys.readouterr().err
    assert "could not record" in warning and str(log) in warning
    assert not log.exists()  # this one recorded
    assert build(project, options(out)).unrecorded is None
