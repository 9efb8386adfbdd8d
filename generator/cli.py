"""Command line: arguments -> a stage of the build -> printed result and exit status.

The only place that reads the clock, the environment or the terminal; every
error is printed as `path:line: field: message (use: ...)`, all of them, and
the exit status is 1 when there was any.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from . import __version__
from .build import Options, Project, build
from .errors import BuildFailed


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except BuildFailed as failed:
        for error in failed.errors:
            print(error, file=sys.stderr)
        count = len(failed.errors)
        print(f"{count} error{'s' if count != 1 else ''}; nothing was published"
              f"{' (the previous output is unchanged)' if getattr(args, 'out', None) else ''}.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sitegen", description="WeGO calendar: site, feeds and brochure.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="the project folder, holding site.toml and content/ (default: here)")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    cmd = commands.add_parser("build", help="build the site into public/")
    cmd.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/public)")
    cmd.add_argument("--base-url", help="the address the site is published at, e.g. https://example.org/")
    cmd.add_argument("--drafts", action="store_true", help="include items marked draft: true")
    cmd.add_argument("--now", type=_day, default=None, help="the build date, YYYY-MM-DD (default: today)")
    cmd.set_defaults(run=_run_build)
    return parser


def _run_build(args) -> int:
    project = Project(args.root.resolve())
    out = args.out or project.root / "public"
    options = Options(out=out, today=args.now or date.today(), base_url=args.base_url, drafts=args.drafts)
    result = build(project, options)
    print(f"Built {result.pages} pages, {result.files} files in {result.seconds:.2f} s -> {out}")
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day (use: YYYY-MM-DD)") from None
