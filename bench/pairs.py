"""One-file rebuilds of two trees of the generator, alternated: the head-to-head behind a figure.

    python bench/pairs.py BASE_TREE BASE_ROOT [--tree .] [--root ROOT] [--pairs 5] [--warm 2]

Each tree builds its own copy of a corpus (bench/corpus.py, built once before: copying
one project folder, `.cache/` included, is enough), so that neither takes the other's
cache: a code change makes every cache entry stale. Each build is one `sitegen build`
process run from its tree (its `generator` package first on the path), after a word is
added to the title of the corpus's first event; `--warm` builds of each tree come first,
unmeasured. The pairs alternate, so that a slow minute of the machine weighs on both.
`sitegen build` returns once the site is published, and records its cache in a process of its
own (cache.py): the time until that is done is printed too, and the next build starts after it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import settled, timed  # noqa: E402

NOW = "2026-12-05"


def rebuild(tree: Path, root: Path, word: str) -> tuple[float, float, float]:
    """Seconds and peak MB of one build of `root` by `tree`'s generator after an edit, and the
    seconds until its cache is recorded (the lock of .cache/ free: the next build may start)."""
    event = next(p for p in sorted((root / "content" / "events").glob("*.md")) if p.name.count(".") == 1)
    event.write_text(event.read_text(encoding="utf-8").replace('title: "', f'title: "{word} ', 1), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, "-m", "generator", "--root", str(root), "build", "--now", NOW, "--no-search",
               "--no-brochure"]
    started = time.perf_counter()
    seconds, memory, _, _ = timed(command, cwd=tree, env=env)
    settled(root)
    return seconds, memory, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_tree", type=Path)
    parser.add_argument("base_root", type=Path)
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--warm", type=int, default=2)
    args = parser.parse_args()
    sides = [("base", args.base_tree.resolve(), args.base_root.resolve()), ("this", args.tree.resolve(), args.root.resolve())]
    for run in range(args.warm):
        for _, tree, root in sides:
            rebuild(tree, root, f"Warm{run}")
    figures: dict[str, list[tuple[float, float, float]]] = {"base": [], "this": []}
    for run in range(args.pairs):
        for name, tree, root in sides:
            figures[name].append(rebuild(tree, root, f"Pair{run}"))
    for name, runs in figures.items():
        seconds, recorded = [s for s, _, _ in runs], [r for _, _, r in runs]
        print(f"{name}: {', '.join(f'{s:.2f}' for s in seconds)} s (median {statistics.median(seconds):.2f}), "
              f"peak {min(m for _, m, _ in runs):.0f}-{max(m for _, m, _ in runs):.0f} MB; cache recorded after "
              f"{', '.join(f'{r:.2f}' for r in recorded)} s (median {statistics.median(recorded):.2f})")


if __name__ == "__main__":
    main()
