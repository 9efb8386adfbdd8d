"""CPU seconds of loading a project, stage by stage: reading, git history, checking and assembling.

    python bench/load.py ROOT [--kept] [--runs 3]

Best of the runs, in one process. With --kept, what a one-off build keeps of the
content (generator/incremental/snapshot.py: each file's signature and facts, each
item as assembled) is made once first into a temporary folder, and the runs load
with it: ROOT (a benchmark corpus) is only read. Another tree's generator is
measured by running this file from that tree.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.config import load_config  # noqa: E402
from generator.content.history import read_history  # noqa: E402
from generator.content.sources import read_sources  # noqa: E402
from generator.content.validate import build_site, check_source  # noqa: E402


def measure(root: Path, kept: Path | None) -> dict[str, float]:
    config = load_config(root / "site.toml")
    if kept:
        from generator.incremental.snapshot import Snapshot  # only with --kept: a tree without it measures too
    started = time.process_time()
    with Snapshot(kept, "bench") if kept else nullcontext() as snapshot:
        opened = time.process_time()
        if snapshot:
            snapshot.settle(config)
        sources, _errors = read_sources(root / "content", root, config.language_codes,
                                        *([snapshot.read, snapshot.keep] if snapshot else []))
        read = time.process_time()
        history = read_history(root, [s.path for s in sources], [s.modified for s in sources])
        dated = time.process_time()
        build_site(sources, config, history=history, check=snapshot.check if snapshot else check_source,
                   assembled=snapshot.assembled if snapshot else None)
        done = time.process_time()
    return {"open_snapshot": opened - started, "read_sources": read - opened, "read_history": dated - read,
            "build_site": done - dated, "total": done - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--kept", action="store_true", help="what a first run kept of the content")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = args.root.resolve()
    with tempfile.TemporaryDirectory() as folder:
        kept = Path(folder) if args.kept else None
        if kept:
            measure(root, kept)  # the build before: reads and records every file
        best: dict[str, float] = {}
        for _ in range(args.runs):
            for stage, seconds in measure(root, kept).items():
                best[stage] = min(best.get(stage, seconds), seconds)
    print("  ".join(f"{stage} {seconds:.2f}" for stage, seconds in best.items()))


if __name__ == "__main__":
    main()
