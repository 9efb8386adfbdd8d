"""Where a one-file rebuild's time goes: `build()` run in this process, each stage timed.

    python bench/stages.py ROOT [--runs 3] [--word Edited]

ROOT is a project built before (a benchmark corpus: `bench/corpus.py`, then `sitegen
build`). Each run adds a word to the title of the first event, as `run.py`'s one-file
measure does, then calls `generator.build.build` with the benchmark's options; the
stages are timed by wrapping the functions `build` calls, so that what is measured is
the build itself. Stages nest: "write" holds the pages rendered and everything made
after them ("feeds planned", "sitemap", "events.json"), which are also shown apart.
Another tree's generator is measured with a copy of this file in that tree's bench/ (it
imports the generator of the tree it is in; a stage that tree does not have is left out).
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import generator.build as build_module  # noqa: E402
from generator.incremental import cache as cache_module, snapshot as snapshot_module  # noqa: E402

try:  # a tree before the inputs' and output's stats were taken by children measures too
    from generator.incremental import forked as forked_module  # noqa: E402
except ImportError:
    forked_module = None

NOW = date(2026, 12, 5)
STAGES = [  # (label, module, attribute): what build() calls, in the order it calls it
    ("open the cache", cache_module.BuildCache, "open"),
    ("lend the memos", cache_module.BuildCache, "__enter__"),
    ("open the snapshot", snapshot_module.Snapshot, "__enter__"),
    ("load the content", build_module, "load_project"),
    ("wait for the children (inputs, output)", forked_module and forked_module.Forked, "result"),
    ("plans and keys (render_site)", build_module, "render_site"),
    ("write (pages, the rest, publish)", build_module, "write_artifacts"),
    ("  feeds planned", build_module, "render_feeds"),
    ("  sitemap", build_module, "render_sitemap"),
    ("  events.json", build_module, "render_data"),
    ("record", cache_module.BuildCache, "record"),
]


def timed(seconds: dict[str, float]) -> None:
    """Wrap each stage's function so that its time adds up under its label."""
    for label, owner, name in STAGES:
        if owner is None:
            continue
        found = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name, None)
        if found is None:
            continue
        function = found.__func__ if isinstance(found, classmethod) else found

        def wrapper(*args, _function=function, _label=label, **kw):
            started = time.perf_counter()
            try:
                return _function(*args, **kw)
            finally:
                seconds[_label] = seconds.get(_label, 0.0) + time.perf_counter() - started

        setattr(owner, name, classmethod(wrapper) if isinstance(found, classmethod) else wrapper)


@contextmanager
def edited(root: Path, word: str):
    """The first event with `word` added to its title, for one run (then as it was)."""
    event = next(p for p in sorted((root / "content" / "events").glob("*.md")) if p.name.count(".") == 1)
    original = event.read_text(encoding="utf-8")
    event.write_text(original.replace('title: "', f'title: "{word} ', 1), encoding="utf-8")
    try:
        yield
    finally:
        event.write_text(original, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--word", default="Edited")
    args = parser.parse_args()
    root = args.root.resolve()
    options = build_module.Options(out=root / "public", today=NOW, brochure=False, search=False)
    runs: list[dict[str, float]] = []
    seconds: dict[str, float] = {}
    timed(seconds)
    for run in range(args.runs):
        seconds.clear()
        with edited(root, f"{args.word}{run}"):
            started = time.perf_counter()
            result = build_module.build(build_module.Project(root), options)
            seconds["total"] = time.perf_counter() - started
        runs.append(dict(seconds))
        print(f"run {run + 1}: {len(result.rendered)} pages rendered, {result.reused} reused", file=sys.stderr)
    print("| stage | " + " | ".join(f"run {n + 1}" for n in range(len(runs))) + " |")
    print("|---|" + "---|" * len(runs))
    for label in [label for label, _, _ in STAGES] + ["total"]:
        if any(label in run for run in runs):
            print(f"| {label} | " + " | ".join(f"{run.get(label, 0.0):.3f} s" for run in runs) + " |")


if __name__ == "__main__":
    main()
