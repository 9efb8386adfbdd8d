"""Tables kept in shards (generator/incremental/shelf.py): what is read back, what is written again."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.incremental import shelf as shelf_module
from generator.incremental.shelf import Shelf, Table

HEADER = {"version": 1, "code": "c"}


@pytest.fixture
def written(monkeypatch) -> list[str]:
    """The shard files written, by name."""
    names, write = [], shelf_module.write_sealed

    def counting(file: Path, data: dict) -> bool:
        names.append(file.name)
        return write(file, data)

    monkeypatch.setattr(shelf_module, "write_sealed", counting)
    return names


def shards_of(names: list[str]) -> list[str]:
    """The shard files among the files written (the head names them)."""
    return [name for name in names if name != "head.shard"]


def tables(n: int = 200) -> dict[str, dict]:
    return {"keys": {("page", i): f"key-{i}" for i in range(n)}, "names": {f"id-{i}": (i, "x") for i in range(n)}}


def kept(tmp_path: Path, data: dict, tag: str = "salt", shards: int = 16) -> None:
    shelf = Shelf(tmp_path, HEADER, shards)
    shelf.load()
    shelf.save(tag, data)


def test_what_is_saved_is_loaded(tmp_path):
    kept(tmp_path, tables())
    assert Shelf(tmp_path, HEADER, 16).load() == (tables(), "salt")


def test_only_the_shards_an_edit_reached_are_written(tmp_path, written):
    kept(tmp_path, tables())
    assert len(written) == 17  # none was there: 16 shards and the head
    written.clear()
    shelf = Shelf(tmp_path, HEADER, 16)
    saved, _ = shelf.load()
    changed = {name: dict(entries) for name, entries in saved.items()}
    changed["keys"][("page", 3)] = "key-3-edited"  # changed in its shard
    del changed["names"]["id-7"]  # gone from its shard
    changed["names"]["id-new"] = (0, "y")  # new: in the shard its key's CRC picks
    shelf.save("salt", changed)
    assert 1 <= len(shards_of(written)) <= 3 and written[-1] == "head.shard"  # the head, last, names them
    assert Shelf(tmp_path, HEADER, 16).load() == (changed, "salt")
    assert len(list(tmp_path.glob("*.shard"))) == 17  # the shards it replaced are gone
    written.clear()
    shelf = Shelf(tmp_path, HEADER, 16)
    shelf.save("salt", {name: dict(entries) for name, entries in shelf.load()[0].items()})
    assert written == []  # nothing changed, nothing written


def test_another_tag_rewrites_every_shard(tmp_path, written):
    kept(tmp_path, tables())
    written.clear()
    shelf = Shelf(tmp_path, HEADER, 16)
    shelf.load()
    shelf.save("another salt", tables())
    assert len(written) == 17
    assert Shelf(tmp_path, HEADER, 16).load() == (tables(), "another salt")


def test_shards_of_another_header_are_not_read(tmp_path):
    kept(tmp_path, tables())
    assert Shelf(tmp_path, {"version": 1, "code": "upgraded"}, 16).load() == ({}, None)


def test_a_damaged_shard_loses_only_its_own_entries(tmp_path):
    kept(tmp_path, tables())
    [damaged] = tmp_path.glob("005.*.shard")
    data = bytearray(damaged.read_bytes())
    data[-1] ^= 0x01
    damaged.write_bytes(bytes(data))
    saved, tag = Shelf(tmp_path, HEADER, 16).load()
    assert tag == "salt"
    assert 0 < len(saved["keys"]) < len(tables()["keys"])
    assert all(tables()["keys"][key] == value for key, value in saved["keys"].items())


def test_a_save_stopped_before_its_head_leaves_the_last_save_whole(tmp_path, monkeypatch):
    """A build stopped half-way has written some shards of its save: the head, written last,
    still names the last save's files, and its tables are read, not some of each (the memos'
    tables hold each other's keys). The next save removes the files no head names."""
    kept(tmp_path, tables(), tag="old")
    write = shelf_module.write_sealed

    def stopped_at_the_head(file: Path, data: dict) -> bool:
        if file.name == "head.shard":
            raise KeyboardInterrupt
        return write(file, data)

    shelf = Shelf(tmp_path, HEADER, 16)
    shelf.load()
    monkeypatch.setattr(shelf_module, "write_sealed", stopped_at_the_head)
    with pytest.raises(KeyboardInterrupt):
        shelf.save("new", tables(150))
    monkeypatch.setattr(shelf_module, "write_sealed", write)
    assert len(list(tmp_path.glob("*.shard"))) == 33  # the last save's, and the stopped one's
    saved, tag = Shelf(tmp_path, HEADER, 16).load()
    assert (saved, tag) == (tables(), "old")
    kept(tmp_path, tables(100), tag="new")
    assert Shelf(tmp_path, HEADER, 16).load() == (tables(100), "new")
    assert len(list(tmp_path.glob("*.shard"))) == 17


def test_tables_that_say_what_they_made_are_compared_by_keys(tmp_path, written):
    kept(tmp_path, tables())
    written.clear()
    shelf = Shelf(tmp_path, HEADER, 16)
    saved, _ = shelf.load()
    shelf.save("salt", {name: Table(entries, []) for name, entries in saved.items()})
    assert written == []  # the very tables loaded
    keys = dict(saved["keys"])
    del keys[("page", 1)]
    keys[("page", 2)] = "key-2-made-again"  # made again with another value: written where it is
    keys[("page", "new")] = "new"
    changed = {"keys": Table(keys, [("page", 2), ("page", "new")]), "names": Table(saved["names"], [])}
    shelf.save("salt", changed)
    assert 1 <= len(written) <= 3
    assert Shelf(tmp_path, HEADER, 16).load()[0] == {"keys": keys, "names": saved["names"]}


def test_whole_tables_are_kept_in_the_head(tmp_path, written):
    shelf = Shelf(tmp_path, HEADER, 16, whole=("keys",))
    shelf.load()
    shelf.save("salt", tables())
    assert Shelf(tmp_path, HEADER, 16, whole=("keys",)).load() == (tables(), "salt")
    written.clear()
    shelf = Shelf(tmp_path, HEADER, 16, whole=("keys",))
    saved, _ = shelf.load()
    names = dict(saved["names"])
    names["id-new"] = (1, "z")
    shelf.save("salt", {"keys": Table(saved["keys"], []), "names": names})
    assert len(shards_of(written)) == 1  # the head is written again only to name it
    written.clear()
    shelf.save("salt", {"keys": Table({**saved["keys"], "k": "v"}, ["k"]), "names": names})
    assert "head.shard" in written
