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


def test_a_manifest_is_saved_and_loaded_and_a_damaged_one_is_none(tmp_path):
    out = output(tmp_path, {"index.html": b"x"})
    file = tmp_path / "build.manifest"
    Manifest.record(out, {"index.html": "k"}, "stamp").save(file)
    loaded = Manifest.load(file, out)
    assert loaded.entries["index.html"][0] == "k" and loaded.up_to_date("stamp")
    assert not loaded.up_to_date("another stamp")
    assert Manifest.load(file, tmp_path / "another-output") is None  # made for another folder
    whole = file.read_bytes()
    flipped = whole[:-1] + bytes([whole[-1] ^ 1])
    for damaged in (b"", b"{", b'{"version": 1}', b"[]", whole[:40], whole[:-3], flipped):
        file.write_bytes(damaged)
        assert Manifest.load(file, out) is None


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
