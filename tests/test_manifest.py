"""The previous build as the incremental layer remembers it (generator/incremental/manifest.py)."""

from __future__ import annotations

import os

import pytest

from generator.incremental.manifest import Manifest, inputs_stamp

pytestmark = pytest.mark.unit


def output(tmp_path, files: dict[str, bytes]):
    out = tmp_path / "out"
    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return out


def test_a_file_is_reusable_while_its_key_and_its_file_are_unchanged(tmp_path):
    out = output(tmp_path, {"en/index.html": b"home", "en/a/index.html": b"a"})
    manifest = Manifest.record(out, {"en/index.html": "k1", "en/a/index.html": "k2"}, "stamp")
    assert manifest.reusable("en/index.html", "k1") == f"{out.absolute()}/en/index.html"
    assert manifest.reusable("en/index.html", "other key") is None
    assert manifest.reusable("en/new/index.html", "k1") is None
    (out / "en/a/index.html").write_bytes(b"changed by hand")  # another size
    assert manifest.reusable("en/a/index.html", "k2") is None


def test_a_manifest_is_saved_and_loaded_and_a_damaged_shard_loses_only_its_entries(tmp_path):
    out = output(tmp_path, {f"{n}/index.html": b"x" * n for n in range(40)})
    folder = tmp_path / "manifest"
    folder.mkdir()
    keys = {f"{n}/index.html": f"k{n}" for n in range(40)}
    Manifest.record(out, keys, "stamp").save(folder)
    loaded = Manifest.load(folder, out)
    assert loaded.entries["3/index.html"][0] == "k3" and loaded.up_to_date("stamp")
    assert not loaded.up_to_date("another stamp")
    assert Manifest.load(folder, tmp_path / "another-output") is None  # made for another folder
    shards = sorted(p for p in folder.glob("*.shard") if p.name != "head.shard" and len(p.read_bytes()) > 200)
    whole = shards[0].read_bytes()
    shards[0].write_bytes(whole[:-1] + bytes([whole[-1] ^ 1]))
    damaged = Manifest.load(folder, out)
    assert 0 < len(damaged.entries) < len(keys) and not damaged.up_to_date("stamp")  # its files are made again
    assert all(damaged.entries[path] == loaded.entries[path] for path in damaged.entries)
    for shard in folder.glob("*.shard"):
        shard.write_bytes(b"{")
    assert Manifest.load(folder, out) is None


def test_a_build_writes_again_only_the_manifest_shards_of_the_files_it_changed(tmp_path, monkeypatch):
    from generator.incremental import shelf
    from generator.publish.write import write_artifacts
    from generator.outputs import Artifact, Unchanged
    out = tmp_path / "out"
    folder = tmp_path / "manifest"
    folder.mkdir()
    pages = {f"{n}/index.html": f"page {n}".encode() for n in range(300)}
    published = write_artifacts(out, iter([Artifact(p, d) for p, d in pages.items()]))
    Manifest.record(out, {p: f"k-{p}" for p in pages}, "stamp", published).save(folder)
    written, write = [], shelf.write_sealed
    monkeypatch.setattr(shelf, "write_sealed", lambda file, data: (written.append(file.name), write(file, data)))
    previous = Manifest.load(folder, out)
    changed = {**pages, "7/index.html": b"page 7, edited"}
    kept = previous.unchanged({p: f"k-{p}" for p in changed if p != "7/index.html"})
    published = write_artifacts(out, iter([Unchanged(sorted(kept)), Artifact("7/index.html", changed["7/index.html"])]),
                                spare=previous.spare)
    Manifest.record(out, {p: f"k-{p}" for p in pages} | {"7/index.html": "k-7-edited"}, "stamp 2", published,
                    previous).save(folder)
    assert "head.shard" in written and len(written) <= 3  # the head (its stamp), and the edited file's shard
    again = Manifest.load(folder, out)
    assert again.inputs == "stamp 2" and again.entries["7/index.html"][0] == "k-7-edited" and again.up_to_date("stamp 2")


def test_an_output_touched_since_is_not_up_to_date(tmp_path):
    out = output(tmp_path, {"index.html": b"x"})
    manifest = Manifest.record(out, {"index.html": "k"}, "stamp")
    (out / "extra.html").write_bytes(b"added by hand")
    assert not manifest.up_to_date("stamp")


def test_the_inputs_stamp_changes_with_any_input_and_fact(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "a.md").write_text("a")
    settings = tmp_path / "site.toml"
    settings.write_text("x")
    first = inputs_stamp([folder], [settings], "2024-06-15")
    assert inputs_stamp([folder], [settings], "2024-06-15") == first
    assert inputs_stamp([folder], [settings], "2024-06-16") != first
    (folder / "a.md").write_text("ab")
    assert inputs_stamp([folder], [settings], "2024-06-15") != first
    second = inputs_stamp([folder], [settings], "2024-06-15")
    os.utime(settings, ns=(1, 1))
    assert inputs_stamp([folder], [settings], "2024-06-15") != second
