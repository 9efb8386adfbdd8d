"""Golden output: the small fixture site builds exactly to the reviewed files in tests/golden/basic/.

After an intended change to the output, review the diff this test prints, then re-bless:

    UPDATE_GOLDEN=1 ./scripts/test.sh tests/test_golden.py

and commit tests/golden/ with the change that caused it.
"""

from __future__ import annotations

import pytest
import difflib
import os
import shutil
from datetime import date
from pathlib import Path

from conftest import ROOT, fixture_project

pytestmark = pytest.mark.build
from generator.build import Options, build

GOLDEN = ROOT / "tests" / "golden" / "basic"
PINNED = 1714521600  # 2024-05-01T00:00:00Z


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_fixture_site_matches_the_reviewed_output(tmp_path):
    project = fixture_project(tmp_path / "basic", "basic")
    # Outside git, an item's last change is its file's mtime, which a checkout sets to
    # the clone's time: pin it, so that feeds and data carry the same dates everywhere.
    for path in project.content.rglob("*.md"):
        os.utime(path, (PINNED, PINNED))
    out = tmp_path / "out"
    # No search index (Pagefind's files are not byte-stable) and no PDFs (tested in test_brochure.py).
    build(project, Options(out=out, today=date(2024, 6, 15), search=False, brochure=False, workers=1))
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
    got, want = files(out), files(GOLDEN)
    assert sorted(got) == sorted(want), "files added or removed; see the lists above"
    for name in sorted(got):
        if got[name] != want[name]:
            diff = difflib.unified_diff(want[name].decode(errors="replace").splitlines(),
                                        got[name].decode(errors="replace").splitlines(),
                                        f"golden/{name}", f"built/{name}", lineterm="", n=2)
            raise AssertionError("\n".join(list(diff)[:80]))
