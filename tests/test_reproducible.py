"""Reproducible builds: the same content gives the same bytes (site, feeds, PDFs, search index),
whatever the folder, the time, the time zone and the locale; `--verify-reproducible` proves it."""

from __future__ import annotations

import pytest
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from conftest import BUILD_DAY, ROOT, fixture_project
from generator.cli import main

pytestmark = [pytest.mark.build, pytest.mark.slow]
from generator.publish.reproducible import SETTINGS, UNSTABLE, compare_trees


def build_in(project, out: Path, settings: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(project.root), "build",
                             "--out", str(out), "--now", BUILD_DAY.isoformat()],
                            cwd=ROOT, env={**os.environ, **settings}, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr


def test_two_builds_in_other_folders_times_zones_and_locales_are_byte_identical(tmp_path):
    first = fixture_project(tmp_path / "one" / "site", "basic")
    second = fixture_project(tmp_path / "two" / "deeper" / "project", "basic")  # copies keep the files' times
    build_in(first, tmp_path / "one" / "public", SETTINGS[0])
    time.sleep(1.1)  # another second on the clock
    build_in(second, tmp_path / "two" / "www", {**SETTINGS[1], "LANGUAGE": "ko", "LC_TIME": "C"})
    verdict = compare_trees(tmp_path / "one" / "public", tmp_path / "two" / "www")
    assert verdict.differences == ()
    compared = {p.suffix for p in (tmp_path / "one" / "public").rglob("*") if p.is_file()}
    assert {".html", ".ics", ".pdf", ".xml", ".json", ".pf_fragment"} <= compared  # site, feeds, PDFs, search


def test_verify_reproducible_builds_twice_and_reports_identical_builds(basic, capsys):
    code = main(["--root", str(basic.root), "build", "--verify-reproducible", "--now", BUILD_DAY.isoformat(),
                 "--no-brochure"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("Reproducible: ") and "files byte-identical in two builds (TZ=UTC" in out
    assert not (basic.root / "public").exists()  # verifying publishes nothing


def test_verify_reproducible_names_the_first_differing_files(basic, capsys):
    base = basic.layouts / "base.html"
    base.write_text(base.read_text().replace("</body>", "<!-- {{ range(10**9)|random }} --></body>"))
    code = main(["--root", str(basic.root), "build", "--verify-reproducible", "--now", BUILD_DAY.isoformat(),
                 "--no-brochure", "--no-search"])
    err = capsys.readouterr().err
    assert code == 1
    lines = err.splitlines()
    assert lines[0].startswith("Not reproducible: ") and "file(s) differ between two builds" in lines[0]
    assert re.fullmatch(r"  \S+\.html: differs from byte \d+ \(\d+ and \d+ bytes\)", lines[1]), err
    assert len(lines) == 22 and lines[-1].startswith("  ... and ")  # the first twenty, then a count


def test_verify_reproducible_reports_a_failed_build(basic, capsys):
    (basic.content / "events" / "workshop.md").write_text("no front matter\n")
    code = main(["--root", str(basic.root), "build", "--verify-reproducible", "--no-brochure", "--no-search"])
    err = capsys.readouterr().err
    assert code == 1
    assert "content/events/workshop.md:1: the file must start with front matter" in err
    assert "The build failed, so nothing was compared." in err


def test_compare_trees_finds_missing_extra_and_changed_files_and_skips_unstable_ones(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    files = {"same.html": (b"x", b"x"), "changed.ics": (b"abcdef", b"abXdef"), "only-a.pdf": (b"1", None),
             "sub/only-b.xml": (None, b"2"), "pagefind/filter/en_1.pf_filter": (b"1", None),
             "pagefind/pagefind-entry.json": (b"1", b"2"), "pagefind/fragment/en_1.pf_fragment": (b"1", b"1")}
    for path, contents in files.items():
        for folder, data in zip((a, b), contents):
            if data is not None:
                (folder / path).parent.mkdir(parents=True, exist_ok=True)
                (folder / path).write_bytes(data)
    verdict = compare_trees(a, b)
    assert [(d.path, d.what) for d in verdict.differences] == [
        ("changed.ics", "differs from byte 2 (6 and 6 bytes)"),
        ("only-a.pdf", "only in the first build"),
        ("sub/only-b.xml", "only in the second build"),
    ]
    assert verdict.files == 4
    assert "pagefind/filter/*" in UNSTABLE
