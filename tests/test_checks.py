"""The content files' checks a one-off build keeps in .cache/checks/ (generator/incremental/checks.py):
a kept check is exactly the check it stands for, an unchanged file is not parsed again, and a
damaged, foreign or stale file is ignored, never trusted."""

from __future__ import annotations

import hashlib
import marshal
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT, SITES
from generator.config import SiteSection, load_config
from generator.content import validate
from generator.content.sources import SourceFile, read_sources
from generator.content.validate import check_source
from generator.incremental.checks import SHARDS, VERSION, Checks
from generator.incremental.sealed import write_sealed

pytestmark = pytest.mark.unit

CONFIG = load_config(ROOT / "site.toml")

EVERY_FIELD = """---
title: "  Every field  "
summary: 2024
category: {category}
regions: [{region}]
when: 2024-09-19/2024-09-21
time: 09:30-17:00
timezone: Asia/Seoul
location: Seoul City Hall
city: Seoul
country: KR
format: hybrid
status: tentative
program: {program}
conference: true
links:
  website: https://example.org/summit
  contact: mailto:info@example.org
details:
  - label: Theme
    text: Cities
  - label: Tracks
    items: [One, Two]
  - label: Deadline
    when: 2024-08
updated: 2024-07-01
draft: false
---
The summit. See [the prize](../programs/{program}.md) and [a page](../about.md).

Second paragraph.
"""


def every_field_source(root: Path) -> SourceFile:
    """An event holding every kind of checked value: dates, times, model objects, links."""
    text = EVERY_FIELD.format(category=CONFIG.categories[0].key, region=CONFIG.regions[0].key,
                              program="seoul-smart-city-prize")
    return SourceFile(root / "content" / "events" / "every-field.md", "content/events/every-field.md", "event",
                      "every-field", None, text)


def sources() -> list[SourceFile]:
    """The real content (programs with details, translations, pages, years) and one event with
    every field."""
    found, errors = read_sources(ROOT / "content", ROOT, CONFIG.language_codes)
    assert not errors
    return [*found, every_field_source(ROOT)]


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The display path of each file whose front matter is parsed (validate's real parser, counted)."""
    calls = []
    real = validate.parse_front_matter

    def counted(text, display):
        calls.append(display)
        return real(text, display)

    monkeypatch.setattr(validate, "parse_front_matter", counted)
    return calls


def checks_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "checks"
    folder.mkdir()
    return folder


def shard_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.checks"))


def check_all(file: Path, files: list[SourceFile], config=CONFIG, fresh: bool = False) -> list:
    with Checks(file, "code stamp", fresh=fresh) as checks:
        return [checks.check(source, config) for source in files]


def test_a_kept_check_equals_a_fresh_one_and_parses_nothing(tmp_path, parsed):
    files = sources()
    file = checks_folder(tmp_path)
    first = check_all(file, files)
    assert len(parsed) == len(files) and len(shard_files(file)) == SHARDS
    parsed.clear()
    kept = check_all(file, files)
    assert parsed == []
    fresh = [check_source(source, CONFIG) for source in files]
    assert kept == fresh == first
    every = kept[-1][0]
    assert every is not None and {"when", "time", "links", "details", "updated", "place"} <= set(every.values)
    assert [target.name for target, _line in every.links] == ["seoul-smart-city-prize.md", "about.md"]


def test_only_an_edited_file_is_parsed_again(tmp_path, parsed):
    files = sources()
    file = checks_folder(tmp_path)
    check_all(file, files)
    edited = replace(files[5], text=files[5].text.replace("title:", "title: Edited", 1))
    parsed.clear()
    results = check_all(file, [*files[:5], edited, *files[6:]])
    assert parsed == [edited.display]
    assert results[5] == check_source(edited, CONFIG)
    parsed.clear()
    check_all(file, [*files[:5], edited, *files[6:]])
    assert parsed == []  # the edited version is the one kept now


def test_a_file_moved_or_of_another_kind_is_checked_again(tmp_path, parsed):
    source = every_field_source(ROOT)
    file = checks_folder(tmp_path)
    check_all(file, [source])
    moved = replace(source, path=ROOT / "content" / "programs" / "every-field.md",
                    display="content/programs/every-field.md", kind="program")
    parsed.clear()
    [result] = check_all(file, [moved])
    assert parsed == [moved.display] and result == check_source(moved, CONFIG)


def test_new_settings_check_every_file_again(tmp_path, parsed):
    files = sources()
    file = checks_folder(tmp_path)
    check_all(file, files)
    # Another base address changes nothing a check says, but it is another site.toml.
    config = replace(CONFIG, site=replace(CONFIG.site, base_url="https://example.org/"))
    assert isinstance(config.site, SiteSection)
    parsed.clear()
    results = check_all(file, files, config)
    assert len(parsed) == len(files)
    assert results == [check_source(source, config) for source in files]
    # Removing a region makes a kept check wrong: it must be made again, not reused.
    region = files[-1].text.split("regions: [")[1].split("]")[0]
    narrower = replace(CONFIG, regions=tuple(r for r in CONFIG.regions if r.key != region))
    parsed.clear()
    results = check_all(file, files, narrower)
    assert len(parsed) == len(files)
    assert results[-1][0] is None and [e.field for e in results[-1][1]] == ["regions"]


def test_a_file_with_errors_is_not_kept_and_reports_the_same_errors_each_time(tmp_path, parsed):
    source = every_field_source(ROOT)
    broken = replace(source, text=source.text.replace("status: tentative", "status: maybe"))
    file = checks_folder(tmp_path)
    first = check_all(file, [broken])
    parsed.clear()
    second = check_all(file, [broken])
    assert parsed == [broken.display]
    assert first == second and first[0][0] is None
    assert [(e.path, e.line, e.field) for e in second[0][1]] == [("content/events/every-field.md", 13, "status")]


def test_the_fresh_option_ignores_the_kept_checks(tmp_path, parsed):
    files = sources()[:10]
    file = checks_folder(tmp_path)
    check_all(file, files)
    parsed.clear()
    check_all(file, files, fresh=True)
    assert len(parsed) == len(files)


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "not ours", "another generator", "garbage records"])
def test_a_damaged_or_foreign_checks_file_is_ignored(tmp_path, parsed, damage):
    files = sources()
    file = checks_folder(tmp_path)
    check_all(file, files)
    expected = [check_source(source, CONFIG) for source in files]
    if damage == "another generator":
        with Checks(file, "another code stamp") as other:
            parsed.clear()
            assert [other.check(s, CONFIG) for s in files] == expected
            assert len(parsed) == len(files)
        return
    settings = hashlib.sha256(repr(CONFIG).encode()).hexdigest()
    for shard in shard_files(file):
        data = shard.read_bytes()
        if damage == "flipped byte":
            shard.write_bytes(data[:-100] + bytes([data[-100] ^ 1]) + data[-99:])
        elif damage == "truncated":
            shard.write_bytes(data[:len(data) // 2])
        elif damage == "not ours":
            shard.write_bytes(b"PK\x03\x04 a zip file, say")
        else:  # sealed and of this version, but not entries `Checks` made: each file is checked again
            entries = {s.display: (None, s.text, marshal.dumps((s.kind, s.lang, "junk"))) for s in files}
            entries[files[0].display] = (None, files[0].text, marshal.dumps(
                (files[0].kind, files[0].lang, {}, {}, 99, 10**6, {"title": 1}, (), "x")))
            entries[files[1].display] = 42
            entries[files[2].display] = (None, files[2].text, b"\xff not marshal")
            write_sealed(shard, {"version": VERSION, "code": "code stamp", "clock": 0, "settings": settings,
                                 "entries": entries})
    parsed.clear()
    assert check_all(file, files) == expected
    assert len(parsed) == len(files)


def test_an_unwritable_cache_only_means_checking_again(tmp_path, parsed):
    files = sources()[:5]
    file = tmp_path / "missing-folder"
    assert check_all(file, files) == [check_source(source, CONFIG) for source in files]
    assert not file.exists()


def test_the_basic_fixture_round_trips(tmp_path):
    config = load_config(SITES / "basic" / "site.toml")
    files, _errors = read_sources(SITES / "basic" / "content", SITES / "basic", config.language_codes)
    folder = checks_folder(tmp_path)
    check_all(folder, files, config)
    assert check_all(folder, files, config) == [check_source(s, config) for s in files]
