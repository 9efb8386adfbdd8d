"""`sitegen build --verify-reproducible`: build twice, under different settings, and compare.

I/O: runs two complete builds (`--fresh`: no cache of an earlier build is used)
in child processes, each into its own temporary folder and with its own time
zone and locale, then compares the two trees byte for byte. Publishes nothing.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

SETTINGS = (
    {"TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
    # The other side of the date line, and a plain ASCII locale with Python's UTF-8 fallbacks off.
    {"TZ": "Pacific/Kiritimati", "LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
)
"""Environment of the first and the second build."""

UNSTABLE = ("pagefind/filter/*", "pagefind/pagefind.*.pf_meta", "pagefind/pagefind-entry.json")
"""Files Pagefind writes in hash-map order, so they differ from run to run (Pagefind
issue 638); the pages they index, and the rest of the search index, do not."""


@dataclass(frozen=True, slots=True)
class Difference:
    path: str
    """Relative to the output folder."""
    what: str


@dataclass(frozen=True, slots=True)
class Verdict:
    files: int
    """Files compared (the first build's, less UNSTABLE ones)."""
    differences: tuple[Difference, ...]


class BuildError(RuntimeError):
    """One of the two builds failed; the message is what it printed."""


def verify_reproducible(root: Path, build_arguments: list[str]) -> Verdict:
    """Build the project at `root` twice with `sitegen build ARGUMENTS` and compare the results."""
    with tempfile.TemporaryDirectory(prefix="sitegen-verify-") as temporary:
        first, second = Path(temporary) / "one" / "public", Path(temporary) / "two" / "site"
        for out, settings in ((first, SETTINGS[0]), (second, SETTINGS[1])):
            _build(root, out, build_arguments, settings)
        return compare_trees(first, second)


def _build(root: Path, out: Path, arguments: list[str], settings: dict[str, str]) -> None:
    command = [sys.executable, "-m", "generator", "--root", str(root), "build", "--out", str(out), "--fresh",
               *arguments]
    result = subprocess.run(command, env={**os.environ, **settings}, capture_output=True, text=True,
                            encoding="utf-8", errors="replace")
    if result.returncode != 0:
        raise BuildError(result.stderr.strip() or f"the build exited with status {result.returncode}")


def compare_trees(first: Path, second: Path) -> Verdict:
    """Every file of either tree that is missing from the other or differs, in path order."""
    ours, theirs = _files(first), _files(second)
    differences = []
    for path in sorted(ours | theirs):
        if path not in theirs:
            differences.append(Difference(path, "only in the first build"))
        elif path not in ours:
            differences.append(Difference(path, "only in the second build"))
        else:
            a, b = (first / path).read_bytes(), (second / path).read_bytes()
            if a != b:
                at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                differences.append(Difference(path, f"differs from byte {at} ({len(a)} and {len(b)} bytes)"))
    return Verdict(len(ours), tuple(differences))


def _files(folder: Path) -> set[str]:
    found = (p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    return {path for path in found if not any(fnmatch.fnmatch(path, pattern) for pattern in UNSTABLE)}
