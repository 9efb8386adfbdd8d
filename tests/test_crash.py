"""Never lose, never half-publish: a build killed at any moment of writing, a full disk or an
unwritable output folder leaves the previous site whole and unchanged, and the next build works."""

from __future__ import annotations

import ctypes
import fcntl
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUILD_DAY, ROOT, fixture_project
from generator.publish import write
from generator.publish.spare import spare_folder
from generator.publish.reproducible import compare_trees

pytestmark = [pytest.mark.build, pytest.mark.slow]

KILLED_BUILD = ROOT / "tests" / "killed_build.py"
BUILD = ["build", "--now", BUILD_DAY.isoformat(), "--no-brochure"]
"""With the search index (made in the staging folder before the swap); without the slow PDFs."""


def sitegen(root: Path, out: Path, *, kill_at: str | None = None, **popen) -> subprocess.CompletedProcess:
    command = [sys.executable, str(KILLED_BUILD)] if kill_at else [sys.executable, "-m", "generator"]
    env = {**os.environ, "KILL_AT": kill_at} if kill_at else os.environ
    return subprocess.run([*command, "--root", str(root), *BUILD, "--out", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, **popen)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file of a folder, by relative path: what 'complete and unchanged' is compared on."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    """The staging and old folders of killed builds; not the spare, which is kept on purpose."""
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name.startswith(f".{out.name}.") and p != spare_folder(out))


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The basic fixture with a published site: the 'previous output' every test starts from."""
    base = tmp_path_factory.mktemp("published")
    project = fixture_project(base / "site", "basic")
    result = sitegen(project.root, base / "site" / "public")
    assert result.returncode == 0, result.stderr
    with open(project.root / ".cache" / "lock", "rb") as lock:  # copied whole: once its cache is recorded
        fcntl.flock(lock, fcntl.LOCK_EX)
    return base / "site"


@pytest.fixture
def site(published, tmp_path) -> Path:
    """A copy of the published project, with an edit that changes many pages since the last build."""
    root = tmp_path / "site"
    shutil.copytree(published, root, symlinks=True)
    workshop = root / "content" / "events" / "workshop.md"
    workshop.write_text(workshop.read_text().replace("Workshop over three days", "A renamed workshop"))
    return root


@pytest.mark.parametrize("moment", ["place:1", "place:40", "finish", "swap"])
def test_a_build_killed_while_writing_leaves_the_previous_site_and_the_next_build_works(site, moment):
    out = site / "public"
    before = tree(out)
    killed = sitegen(site, out, kill_at=moment)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert tree(out) == before
    assert leftovers(out)  # the half-made staging folder, for the next build to clear
    again = sitegen(site, out)
    assert again.returncode == 0, again.stderr
    assert b"A renamed workshop" in (out / "en/events/workshop/index.html").read_bytes()
    assert leftovers(out) == []


@pytest.mark.parametrize("moment", ["place:1", "place:40", "finish", "swap", "after-swap"])
def test_a_build_killed_while_publishing_into_the_spare_leaves_the_previous_site(site, tmp_path, moment):
    """The spare (the site one build behind) is changed in place: a build killed meanwhile
    must neither touch the published site nor leave a half-changed spare to the next build."""
    out = site / "public"
    assert sitegen(site, out).returncode == 0  # publishes the edit; the fixture's site becomes the spare
    assert spare_folder(out).exists()
    workshop = site / "content" / "events" / "workshop.md"
    workshop.write_text(workshop.read_text().replace("A renamed workshop", "A workshop renamed twice"))
    before = tree(out)
    killed = sitegen(site, out, kill_at=moment)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not spare_folder(out).exists()  # taken to publish into: renamed to the staging folder
    if moment != "after-swap":
        assert tree(out) == before
    assert sitegen(site, out).returncode == 0
    reference = tmp_path / "reference"
    assert sitegen(site, reference).returncode == 0
    assert compare_trees(reference, out).differences == ()
    assert leftovers(out) == []
    workshop.write_text(workshop.read_text().replace("renamed twice", "renamed thrice"))
    assert sitegen(site, out).returncode == 0  # and the spare the recovery left serves the next
    assert b"A workshop renamed thrice" in (out / "en/events/workshop/index.html").read_bytes()
    assert sitegen(site, reference).returncode == 0
    assert compare_trees(reference, out).differences == ()


def test_a_build_killed_between_the_two_renames_of_the_fallback_swap_loses_nothing(site):
    """Without renameat2 the swap is two renames; between them the old site waits beside, whole."""
    out = site / "public"
    before = tree(out)
    killed = sitegen(site, out, kill_at="between-renames")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not out.exists()
    write._remove_stale(out)  # what the next build does first
    assert tree(out) == before
    again = sitegen(site, out)
    assert again.returncode == 0, again.stderr
    assert leftovers(out) == []


def test_a_build_killed_after_the_swap_has_published_the_whole_new_site(site, tmp_path):
    out = site / "public"
    killed = sitegen(site, out, kill_at="after-swap")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    reference = tmp_path / "reference"
    assert sitegen(site, reference).returncode == 0
    assert compare_trees(reference, out).differences == ()
    assert sitegen(site, out).returncode == 0
    assert leftovers(out) == []


def _full_disk():
    """In the child: no file may grow past 4 KiB, and writing past it fails (EFBIG) instead of killing."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_a_full_disk_is_a_clear_error_and_the_previous_site_stays(site):
    out = site / "public"
    before = tree(out)
    shutil.rmtree(site / ".cache")  # so that caches, too, meet the full disk
    failed = sitegen(site, out, preexec_fn=_full_disk)
    assert failed.returncode == 1, failed.stderr
    assert f"{out}: could not write the site: File too large; the previous output is unchanged" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert tree(out) == before
    assert leftovers(out) == []
    again = sitegen(site, out)
    assert again.returncode == 0, again.stderr


def test_an_output_path_below_a_file_is_a_clear_error(site):
    (site / "a-file").write_text("not a folder")
    failed = sitegen(site, site / "a-file" / "public")
    assert failed.returncode == 1
    assert "could not write the site: Not a directory" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_an_unwritable_output_folder_is_a_clear_error_and_the_previous_site_stays(site):
    out = site / "public"
    before = tree(out)
    site.chmod(0o555)  # the folder the output and its staging folder live in
    try:
        failed = sitegen(site, out, preexec_fn=_without_root_powers())
    finally:
        site.chmod(0o755)
    assert failed.returncode == 1, failed.stderr
    assert f"{out}: could not write the site: Permission denied; the previous output is unchanged" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert tree(out) == before


def _without_root_powers():
    """Root writes through permission bits; in a user namespace of its own, it is only their owner.

    Returns what the child runs before the build (None when not root: the bits already apply)."""
    if os.geteuid() != 0:
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    try:
        subprocess.run(["true"], preexec_fn=lambda: _unshare(libc), check=True)
    except (OSError, subprocess.SubprocessError):
        pytest.skip("running as root, and this system refuses user namespaces (unshare) to drop root's powers")
    return lambda: _unshare(libc)


def _unshare(libc) -> None:
    if libc.unshare(0x10000000) != 0:  # CLONE_NEWUSER
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWUSER) failed")
