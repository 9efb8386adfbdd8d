"""What one page's render costs: CPU time per page of each kind, and where it goes.

    python bench/render_time.py /tmp/pages-1k [--langs en] [--repeat 5] [--profile month.html] [--top 25]

Loads the project (a corpus from bench/corpus.py), plans every page and renders each
language's pages in the build's order in one process, as a build's worker does (so the
fragments shared by the pages of a language are warm as they would be), timing each
page's Renderer.render with time.process_time. Prints the median and quartiles per
layout; with --repeat N, each page's time is the least of N renders (after the first,
so fragments are warm): on a shared machine the least is what the page costs, the rest
is other work. With --profile, cProfile over the renders of that layout only. Run it with
PYTHONPATH set to another tree to measure that tree (the project's layouts are its own).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from generator.build import Options, Project, load_project  # noqa: E402
from generator.outputs.assets import render_assets  # noqa: E402
from generator.outputs.html import Renderer  # noqa: E402
from generator.outputs.pages import plan_pages  # noqa: E402

TODAY = date(2024, 6, 15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--langs", default="en,ko,es,ar")
    parser.add_argument("--profile", help="a layout (month.html, item.html...) to profile")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=0, help="time each page as the least of N more renders")
    args = parser.parse_args()
    project = Project(args.root)
    loaded = load_project(project, Options(out=args.root / "public", today=TODAY))
    _, names = render_assets(project.assets, loaded.config)
    renderer = Renderer(loaded.site, project.layouts, loaded.catalogs, names, TODAY)
    plans = plan_pages(renderer.planner)
    times: dict[str, list[float]] = {}
    profile = cProfile.Profile()
    for lang in args.langs.split(","):
        for plan in (p for p in plans if p.lang == lang):
            kind = _kind(plan)
            profiled = kind == args.profile
            start = time.process_time()
            if profiled:
                profile.enable()
            renderer.render(plan)
            if profiled:
                profile.disable()
            spent = time.process_time() - start
            for _ in range(args.repeat):
                start = time.process_time()
                renderer.render(plan)
                spent = min(spent, time.process_time() - start) if _ else time.process_time() - start
            times.setdefault(kind, []).append(spent)
    for kind, found in sorted(times.items()):
        q = statistics.quantiles(found, n=4) if len(found) > 1 else found * 3
        print(f"{kind:22} {len(found):6} pages  median {statistics.median(found) * 1000:7.2f} ms"
              f"  (quartiles {q[0] * 1000:.2f}-{q[2] * 1000:.2f})  total {sum(found):.2f} s")
    if args.profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


def _kind(plan) -> str:
    """The layout, with an event's page apart from a program's, and a first page from the next."""
    kind = plan.template
    if kind == "item.html":
        kind = f"item.html ({plan.context['item'].kind})"
    pager = plan.context.get("pager")
    if pager is not None and pager.number > 1:
        kind += " p2+"
    return kind


if __name__ == "__main__":
    main()
