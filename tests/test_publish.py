"""Publishing into the spare: the site one build behind, changed only where the new one differs
(generator/publish/write.py, spare.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.outputs import Artifact, Unchanged
from generator.publish.spare import Spare, spare_folder
from generator.publish.write import Published, write_artifacts

pytestmark = pytest.mark.unit


def publish(out: Path, files: dict[str, bytes], before: Published | None = None) -> Published:
    return write_artifacts(out, [Artifact(path, data) for path, data in files.items()],
                           spare=before.spare if before else None)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


VERSIONS = [
    {"index.html": b"home", "en/a/index.html": b"a", "en/b/index.html": b"b", "feed.ics": b"1"},
    {"index.html": b"home", "en/a/index.html": b"a2", "en/c/index.html": b"c", "feed.ics": b"1"},
    {"index.html": b"home", "en/a/index.html": b"a2", "en/b/index.html": b"b again", "feed.ics": b"2"},
    {"index.html": b"home", "en/d/deep/index.html": b"d", "feed.ics": b"2"},
    {"index.html": b"home!", "en/d/deep/index.html": b"d", "feed.ics": b"2"},
]


def test_each_publish_is_exactly_its_files_and_the_previous_site_is_kept_as_the_spare(tmp_path):
    out = tmp_path / "public"
    published = None
    for number, files in enumerate(VERSIONS):
        previous = tree(out) if out.exists() else None
        published = publish(out, files, published)
        assert tree(out) == files, f"version {number}"
        assert published.paths == frozenset(files)
        if previous is None:
            assert published.spare is None and not spare_folder(out).exists()
        else:
            assert tree(spare_folder(out)) == previous  # one build behind, whole
    # Folders the site no longer has are gone, not left empty.
    assert not (out / "en" / "b").exists() and not (out / "en" / "c").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".public.spare", "public"]


def test_only_the_files_that_changed_are_new_files(tmp_path):
    """As a build publishes: pages whose key is unchanged name the published file to reuse."""
    out = tmp_path / "public"
    published = publish(out, VERSIONS[0])
    published = publish(out, VERSIONS[1], published)
    before = inodes(out)
    unchanged = Unchanged([path for path in VERSIONS[1] if path != "en/a/index.html"])
    published = write_artifacts(out, [unchanged, Artifact("en/a/index.html", b"a3")], spare=published.spare)
    after = inodes(out)
    assert published.touched == {"en/a/index.html"}
    # The others are the very files of the previous site (hard links): same inode, same time.
    assert {p for p in after if after[p] != before[p]} == {"en/a/index.html"}
    assert tree(out) == {**VERSIONS[1], "en/a/index.html": b"a3"}


def test_a_published_file_changed_by_hand_is_put_right_though_the_spare_shares_it(tmp_path):
    """Unchanged files are one file in both trees: a hand edit in place reaches the spare too."""
    out = tmp_path / "public"
    published = publish(out, VERSIONS[0])
    published = publish(out, VERSIONS[0], published)
    with open(out / "index.html", "r+b") as handle:
        handle.write(b"HOME")
    assert (spare_folder(out) / "index.html").read_bytes() == b"HOME"
    published = publish(out, VERSIONS[0], published)
    assert tree(out) == VERSIONS[0]


@pytest.mark.parametrize("damage", ["replaced", "published replaced", "missing"])
def test_a_spare_that_is_not_the_one_recorded_is_never_published_into(tmp_path, damage):
    out = tmp_path / "public"
    published = publish(out, VERSIONS[0])
    published = publish(out, VERSIONS[1], published)
    spare = spare_folder(out)
    if damage == "replaced":  # another folder under the spare's name (a copy, a restore)
        os.rename(spare, tmp_path / "elsewhere")
        (spare / "en").mkdir(parents=True)
        (spare / "en" / "stale.html").write_bytes(b"stale")
    elif damage == "published replaced":  # the site restored from a copy since
        shutil.copytree(out, tmp_path / "copy")
        shutil.rmtree(out)
        os.rename(tmp_path / "copy", out)
    else:
        shutil.rmtree(spare)
    published = publish(out, VERSIONS[2], published)
    assert tree(out) == VERSIONS[2]
    assert tree(spare_folder(out)) == VERSIONS[1]  # made again: the site this publish replaced


def test_the_spare_is_recognised_only_by_the_record_of_the_publish_that_made_it(tmp_path):
    out = tmp_path / "public"
    first = publish(out, VERSIONS[0])
    second = publish(out, VERSIONS[1], first)
    third = publish(out, VERSIONS[2], second)
    # The second publish's record describes a spare that the third has since swapped in:
    # an old record (a build killed before saving its manifest) must not be trusted.
    assert isinstance(second.spare, Spare) and second.spare != third.spare
    publish(out, VERSIONS[3], second)
    assert tree(out) == VERSIONS[3]
    assert tree(spare_folder(out)) == VERSIONS[2]


def test_the_manifest_of_a_publish_into_the_spare_matches_a_walk_of_the_site(tmp_path):
    """The next build trusts the recorded size and time of each file: taken from the previous
    record for the files the publish left in place, they must be what a walk finds."""
    from generator.incremental.manifest import Manifest

    out = tmp_path / "public"
    published, manifest = None, None
    for files in VERSIONS:
        keys = {path: f"key of {data!r}" for path, data in files.items()}
        kept = manifest.unchanged(keys) if manifest else set()
        artifacts = [Unchanged([path for path in files if path in kept]),
                     *(Artifact(path, data) for path, data in files.items() if path not in kept)]
        published = write_artifacts(out, artifacts, spare=published.spare if published else None)
        manifest = Manifest.record(out, keys, "stamp", published, manifest)
        assert manifest.files == Manifest.record(out, keys, "stamp").files
        assert tree(out) == files
