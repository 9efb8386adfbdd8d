"""The previous output's stats taken by a child process (generator/incremental/outstat.py): the
same as the build would take itself, and no child left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import BUILD_DAY
from generator.build import Options, build
from generator.errors import BuildFailed
from generator.incremental.outstat import OutputStats
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
    taken = OutputStats(out).result()
    expected = {name: (entry.stat(follow_symlinks=False).st_size, entry.stat(follow_symlinks=False).st_mtime_ns)
                for name, entry in walk_files(str(out))}
    assert taken == expected and set(taken) == {"en/a/index.html", "index.html", "link.html"}
    assert not children() - before  # none of its own left (others may end meanwhile)


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
    assert OutputStats(out).result() is None
    assert build(project, options(out)).rendered == ("en/about/index.html",)
