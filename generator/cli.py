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
from .build import Options, Project, build, load_project
from .errors import BuildFailed, SiteError, display_path
from .translations import fingerprint, stamp, translation_report


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
    except BrokenPipeError:  # output piped into `head` and the like
        return 0


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
    cmd.add_argument("--fresh", action="store_true", help="render every page, ignoring the previous build")
    cmd.add_argument("--workers", type=int, default=None, help="processes to render with (default: one per core)")
    cmd.set_defaults(run=_run_build)

    cmd = commands.add_parser("translations", help="list missing and stale translations and interface strings")
    cmd.add_argument("--lang", action="append", help="only this language (repeatable)")
    cmd.add_argument("--stamp", nargs="+", type=Path, metavar="FILE",
                     help="record that these translation files are up to date with their originals")
    cmd.add_argument("--stamp-all", action="store_true",
                     help="stamp every translation that has no stamp yet (when adopting tracking)")
    cmd.set_defaults(run=_run_translations)

    cmd = commands.add_parser("catalogs", help="extract interface strings and update every language's catalog")
    cmd.set_defaults(run=_run_catalogs)
    return parser


def _run_build(args) -> int:
    project = Project(args.root.resolve())
    out = args.out or project.root / "public"
    options = Options(out=out, today=args.now or date.today(), base_url=args.base_url, drafts=args.drafts,
                      workers=args.workers, fresh=args.fresh)
    result = build(project, options)
    reused = f" ({result.reused} unchanged pages reused)" if result.reused else ""
    print(f"Built {result.pages} pages{reused}, {result.files} files in {result.seconds:.2f} s -> {out}")
    for lang, strings in result.missing_strings.items():
        print(f"warning: {len(strings)} interface string(s) not translated into {lang}, shown in English "
              f"(sitegen translations --lang {lang} lists them)", file=sys.stderr)
    return 0


def _run_translations(args) -> int:
    project = Project(args.root.resolve())
    loaded = load_project(project, Options(out=project.root / "public", today=date.today(), drafts=True))
    documents = {t.source: doc for doc in list(loaded.site.items) + list(loaded.site.pages.values())
                 for t in doc.texts[1:]}
    to_stamp = [str(p) for p in args.stamp or []]
    if args.stamp_all:
        to_stamp += [source for source, doc in documents.items()
                     if next(t for t in doc.texts if t.source == source).translated_from is None]
    for name in to_stamp:
        source = display_path(Path(name).resolve(), project.root) if Path(name).exists() else name
        doc = documents.get(source)
        if doc is None:
            raise BuildFailed([SiteError(name, None, None, "is not a translation file",
                                         allowed="a file such as content/events/excom-2024.ko.md")])
        path = project.root / source
        path.write_text(stamp(path.read_text(encoding="utf-8"), fingerprint(doc.original)), encoding="utf-8")
        print(f"stamped {source}")
    if to_stamp:
        return 0
    for report in translation_report(loaded.site, project.locales):
        if args.lang and report.lang not in args.lang:
            continue
        _print_report(report)
    return 0


def _print_report(report) -> None:
    print(f"{report.lang}: {report.translated} of {report.total} files translated, "
          f"{len(report.stale)} stale, {len(report.unstamped)} unstamped, "
          f"{len(report.missing_strings)} interface strings missing")
    for label, entries in (("missing", report.missing), ("stale", report.stale),
                           ("unstamped", report.unstamped), ("string", report.missing_strings)):
        for entry in entries:
            print(f"  {label}: {entry}")


def _run_catalogs(args) -> int:
    """pybabel extract + update, with the project's settings, so editors need not remember them."""
    from babel.messages.frontend import CommandLineInterface
    root = args.root.resolve()
    pot = root / "locales" / "messages.pot"
    cli = CommandLineInterface()
    cli.run(["pybabel", "-q", "extract", "-F", str(root / "babel.cfg"), "-o", str(pot), "--no-location",
             "--sort-output", "--omit-header", str(root)])
    cli.run(["pybabel", "-q", "update", "-i", str(pot), "-d", str(root / "locales"), "--no-fuzzy-matching",
             "--omit-header", "--ignore-obsolete"])
    print(f"updated {pot.relative_to(root)} and the catalogs in locales/")
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day (use: YYYY-MM-DD)") from None
