"""The on-disk store (generator/incremental/store.py): kept between runs, damage is a miss."""

from __future__ import annotations

import os
import sqlite3

import pytest

from generator.incremental.store import Store

pytestmark = pytest.mark.unit


def test_entries_are_kept_between_stores_and_sections_apart(tmp_path):
    store = Store(tmp_path)
    store.section("vevent")["a"] = b"BEGIN:VEVENT\r\n"
    store.section("pdf")["a"] = (b"%PDF", 3)
    store.close()
    again = Store(tmp_path)
    assert again.section("vevent")["a"] == b"BEGIN:VEVENT\r\n"
    assert again.section("pdf")["a"] == (b"%PDF", 3)
    assert list(again.section("vevent")) == ["a"] and "b" not in again.section("vevent")
    again.clear()
    assert "a" not in again.section("pdf")
    again.close()


def test_a_damaged_entry_is_a_miss_not_wrong_data(tmp_path):
    store = Store(tmp_path)
    store.section("vevent")["a"] = b"BEGIN:VEVENT\r\nEND:VEVENT\r\n"
    store.close()
    # Change the stored value behind the store's back, as a damaged disk page would.
    with sqlite3.connect(tmp_path / "cache.db") as db:
        (value,) = db.execute("SELECT value FROM Cache WHERE key = ?", ("vevent:a",)).fetchone()
        db.execute("UPDATE Cache SET value = ? WHERE key = ?", (value[:-3] + b"xx\n", "vevent:a"))
    again = Store(tmp_path)
    assert "a" not in again.section("vevent")
    with pytest.raises(KeyError):
        again.section("vevent")["a"]
    again.close()


def test_an_unreadable_store_is_made_anew(tmp_path):
    (tmp_path / "cache.db").write_bytes(b"not a database" * 100)
    store = Store(tmp_path)
    store.section("vevent")["a"] = b"x"
    assert store.section("vevent")["a"] == b"x"
    store.close()


def test_a_store_that_cannot_be_written_only_keeps_nothing(tmp_path):
    if os.geteuid() == 0:  # root writes anywhere: use a path under a file instead of a read-only folder
        folder = tmp_path / "a-file" / "store"
        (tmp_path / "a-file").write_text("")
    else:
        folder = tmp_path / "read-only"
        folder.mkdir(mode=0o500)
    store = Store(folder)
    section = store.section("vevent")
    section["a"] = b"x"  # no error: the build goes on
    assert "a" not in Store(folder).section("vevent")
    store.close()


def test_a_store_that_started_empty_answers_misses_without_asking_and_finds_what_it_wrote(tmp_path):
    store = Store(tmp_path)
    section = store.section("vevent")
    assert "a" not in section
    section.update({"a": b"1", "b": b"2"})
    section["c"] = b"3"
    assert [section["a"], section["b"], section["c"]] == [b"1", b"2", b"3"]
    store.close()
    again = Store(tmp_path)  # not empty now: every key is asked for
    assert dict(again.section("vevent")) == {"a": b"1", "b": b"2", "c": b"3"}
    again.close()
