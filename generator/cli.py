"""Command line: arguments -> a stage of the build -> printed result and exit status.

The only place that reads the clock, the environment or the terminal; every
error is printed as `path:line: field: message (use: ...)`, all of them, and
the exit status is 1 when there was any.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
import time
from typing import NoReturn
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

from generator import __version__
from generator.build import Options, Project, build, load_project, render_site
from generator.config import load_config
from generator.incremental import Reuse
from generator.incremental.store import Store
from generator.outputs.brochure import (brochure_html, brochure_url, read_design, render_brochure, standalone,
                                        with_pictures)
from generator.outputs.images import render_pictures
from generator.errors import BuildFailed, SiteError, display_path
from generator.suggest import did_you_mean
from generator.publish.reproducible import SETTINGS, BuildError, verify_reproducible
from generator.editing.new import (OPTIONAL, Refused, Request, already_exists, ask_missing, missing, missing_message,
                                   new_item, new_translation)
from generator.content.sources import KINDS, read_sources
from generator.i18n.changes import original_changes
from generator.i18n.translations import fingerprint, stamp, stamped, translation_report


def run() -> NoReturn:
    """The `sitegen` command: `main`, then out of the process at once. A large site's build
    leaves millions of objects (its model, memos, manifest) that the interpreter would free one
    by one on its way out: a quarter of a second at 10,000 events, with nothing left to do.
    What is written is flushed first; everything else the build opened, it closed itself."""
    code = main(exiting=True)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe, say: nothing more can be said
            pass
    os._exit(code)


def main(argv: list[str] | None = None, exiting: bool = False) -> int:
    """`exiting`: the process ends with this command (`run`), which may then leave work to it."""
    parser = _parser()
    args = parser.parse_args(argv)
    args.exiting = exiting
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
    cmd.add_argument("--no-search", dest="search", action="store_false",
                     help="skip the search index, for quick previews (the search page then says so)")
    cmd.add_argument("--no-brochure", dest="brochure", action="store_false",
                     help="skip the PDF brochures, for quick previews (the year pages then do not link them)")
    cmd.add_argument("--verify-reproducible", action="store_true",
                     help="build twice into temporary folders, with other time zones and locales, and compare "
                          "every file; publishes nothing, exits 1 on any difference")
    cmd.set_defaults(run=_run_build)

    cmd = commands.add_parser("serve", help="preview the site: rebuild and reload the browser on every save")
    cmd.add_argument("--port", type=int, default=8000)
    cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    cmd.add_argument("--open", action="store_true", help="open the site in a web browser")
    cmd.add_argument("--drafts", action="store_true", help="include items marked draft: true")
    cmd.add_argument("--now", type=_day, default=None, help="the date that decides past and upcoming")
    cmd.add_argument("--out", type=Path, default=None, help="where the preview is built (default: ROOT/.cache/preview)")
    cmd.add_argument("--poll", action="store_true", default=None,
                     help="look for saves by polling, where the system does not tell of them (network drives, "
                          "some containers)")
    cmd.set_defaults(run=_run_serve)

    cmd = commands.add_parser("translations", help="list missing and stale translations and interface strings")
    cmd.add_argument("--lang", action="append", help="only this language (repeatable)")
    cmd.add_argument("--stamp", nargs="+", type=Path, metavar="FILE",
                     help="record that these translation files are up to date with their originals")
    cmd.add_argument("--stamp-all", action="store_true",
                     help="stamp every translation that has no stamp yet (when adopting tracking)")
    cmd.set_defaults(run=_run_translations)

    cmd = commands.add_parser("brochure", help="write the printable brochure of one year in one language")
    cmd.add_argument("--year", type=int, required=True, help="the year of the calendar, e.g. 2024")
    cmd.add_argument("--lang", default=None, help="a language of site.toml (default: the default language)")
    cmd.add_argument("--out", type=Path, default=None,
                     help="file to write (default: wego-calendar-YEAR-LANG.pdf, or .html, in the current folder)")
    cmd.add_argument("--format", choices=("pdf", "html"), default="pdf",
                     help="pdf (default) or the print-ready HTML it is made from")
    cmd.add_argument("--press", action="store_true",
                     help="for a print shop: 3 mm of bleed around every A4 page, which the covers' "
                          "colour runs into (default name: wego-calendar-YEAR-LANG-press.pdf)")
    cmd.set_defaults(run=_run_brochure)

    cmd = commands.add_parser("check", help="check everything the build checks, and links, translations and dates")
    cmd.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json for tools")
    cmd.add_argument("--now", type=_day, default=None, help="the date that decides which events are past")
    cmd.set_defaults(run=_run_check)

    cmd = commands.add_parser("new", help="start a new event, program, network or translation file")
    kinds = cmd.add_subparsers(dest="kind", required=True, metavar="KIND")
    for kind in ("event", "program", "network"):
        sub = kinds.add_parser(kind, help=f"a new file in content/{kind}s/")
        sub.add_argument("title", nargs="?", help="the title as displayed; the file name is made from it")
        sub.add_argument("--when", help="e.g. 2025-11, 2025-11-04/2025-11-06, 2025-Q4")
        sub.add_argument("--category", help="a category of site.toml")
        sub.add_argument("--region", dest="regions", action="append", default=[],
                         help="a region of site.toml (repeatable, or separated by commas)")
        sub.add_argument("--format", help="in-person (default), online or hybrid")
        sub.add_argument("--location", help="the place as displayed, e.g. 'Berlin, Germany'")
        sub.add_argument("--city", help="the city, for the map, e.g. Berlin")
        sub.add_argument("--country", help="the city's country as an ISO code, e.g. DE")
        if kind == "event":
            sub.add_argument("--time", help="the start, or start and end, e.g. 09:30 or 09:30-17:00")
            sub.add_argument("--timezone", help="the time's zone, e.g. Europe/Berlin")
        sub.add_argument("--summary", help="one or two sentences (default: a placeholder to replace)")
        sub.add_argument("--id", help="the file name and address (default: made from the title)")
        sub.set_defaults(run=_run_new)
    sub = kinds.add_parser("translation", help="a translation of an item or page, beside its original")
    sub.add_argument("id", nargs="?", help="the id of the item or page to translate")
    sub.add_argument("--lang", help="the language to translate into")
    sub.set_defaults(run=_run_new)

    cmd = commands.add_parser("catalogs", help="extract interface strings and update every language's catalog")
    cmd.set_defaults(run=_run_catalogs)
    return parser


def _run_build(args) -> int:
    if args.verify_reproducible:
        return _run_verify(args)
    project = Project(args.root.resolve())
    out = args.out or project.root / "public"
    options = Options(out=out, today=args.now or date.today(), base_url=args.base_url, drafts=args.drafts,
                      workers=args.workers, fresh=args.fresh, search=args.search, brochure=args.brochure,
                      exiting=args.exiting)
    result = build(project, options)
    reused = f" ({result.reused} unchanged pages reused)" if result.reused else ""
    print(f"Built {result.pages} pages{reused}, {result.files} files in {result.seconds:.2f} s -> {out}")
    for lang, strings in result.missing_strings.items():
        print(f"warning: {len(strings)} interface string(s) not translated into {lang}, shown in English "
              f"(sitegen translations --lang {lang} lists them)", file=sys.stderr)
    if result.unrecorded:
        print(f"warning: the last build could not record what this one reuses, so this one rendered more than "
              f"it needed; the site is complete (why: {result.unrecorded})", file=sys.stderr)
    return 0


def _run_verify(args) -> int:
    """The same build twice, compared; the build date is fixed so that both see the same day."""
    arguments = ["--now", (args.now or date.today()).isoformat()]
    arguments += ["--base-url", args.base_url] if args.base_url else []
    arguments += ["--workers", str(args.workers)] if args.workers else []
    arguments += [flag for flag, on in (("--drafts", args.drafts), ("--no-search", not args.search),
                                        ("--no-brochure", not args.brochure)) if on]
    try:
        verdict = verify_reproducible(args.root.resolve(), arguments)
    except BuildError as failed:
        print(f"{failed}\nThe build failed, so nothing was compared.", file=sys.stderr)
        return 1
    settings = "; ".join(" ".join(f"{k}={v}" for k, v in s.items() if k in ("TZ", "LANG")) for s in SETTINGS)
    if not verdict.differences:
        print(f"Reproducible: {verdict.files} files byte-identical in two builds ({settings}).")
        return 0
    shown = 20
    print(f"Not reproducible: {len(verdict.differences)} file(s) differ between two builds of the same "
          f"content ({settings}):", file=sys.stderr)
    for difference in verdict.differences[:shown]:
        print(f"  {difference.path}: {difference.what}", file=sys.stderr)
    if len(verdict.differences) > shown:
        print(f"  ... and {len(verdict.differences) - shown} more", file=sys.stderr)
    return 1


def _run_brochure(args) -> int:
    started = time.perf_counter()
    project = Project(args.root.resolve())
    loaded = load_project(project, Options(out=project.root / "public", today=date.today()))
    lang = args.lang or loaded.config.site.default_language
    name = Path(brochure_url(loaded.site, args.year, lang)).stem + ("-press" if args.press else "")
    out = (args.out or Path(f"{name}.{args.format}")).absolute()
    store = Store(project.root / ".cache" / "store")
    try:
        with _replacing(out) as handle:  # opened first: an unwritable path fails before the slow part
            pictures = render_pictures(loaded.images, project.root, loaded.config.url_prefix, store.section("image"))
            design = with_pictures(read_design(project.layouts, project.assets), pictures, loaded.config.url_prefix)
            if args.format == "html":
                html = brochure_html(loaded.site, args.year, lang, loaded.catalogs, design, args.press)
                handle.write(standalone(html, design).encode("utf-8"))
                facts = ""
            else:
                made = render_brochure(loaded.site, args.year, lang, loaded.catalogs, design, store.section("pdf"),
                                       args.press)
                handle.write(made.artifact.data)
                facts = f"{made.download.pages} pages, "
    finally:
        store.close()
    size = out.stat().st_size
    print(f"Wrote {out} ({facts}{size / 1000:.0f} kB) in {time.perf_counter() - started:.1f} s")
    return 0


@contextmanager
def _replacing(path: Path):
    """A temporary file beside `path`, renamed over it on success and removed on any failure."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        handle = open(temporary, "xb")
    except OSError as exc:
        raise BuildFailed([SiteError(str(path), None, None, f"cannot be written: {exc.strerror or exc}")]) from None
    try:
        with handle:
            yield handle
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise BuildFailed([SiteError(str(path), None, None, f"cannot be written: {exc.strerror or exc}")]) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _run_serve(args) -> int:
    from generator.serve.preview import serve
    project = Project(args.root.resolve())
    out = (args.out or project.root / ".cache" / "preview").absolute()
    serve(project, out, args.now or date.today(), host=args.host, port=args.port, drafts=args.drafts,
          open_browser=args.open, log=lambda line: print(line, flush=True), force_polling=args.poll)
    return 0


def _run_translations(args) -> int:
    project = Project(args.root.resolve())
    loaded = load_project(project, Options(out=project.root / "public", today=date.today(), drafts=True))
    documents = {t.source: doc for doc in loaded.site.documents() for t in doc.texts[1:]}
    to_stamp = [str(p) for p in args.stamp or []]
    if args.stamp_all:
        to_stamp += [source for source, doc in documents.items()
                     if next(t for t in doc.texts if t.source == source).translated_from is None]
    for name in to_stamp:
        source = display_path(Path(name).resolve(), project.root) if Path(name).exists() else name
        doc = documents.get(source)
        if doc is None:
            raise BuildFailed([SiteError(name, None, None,
                                         f"is not a translation file{did_you_mean(source, documents)}",
                                         allowed="a file such as content/events/excom-2024.ko.md")])
        path = project.root / source
        path.write_text(stamp(path.read_text(encoding="utf-8"), fingerprint(doc.original)), encoding="utf-8")
        print(f"stamped {source}")
    if to_stamp:
        return 0
    sources, _problems = read_sources(project.content, project.root, loaded.config.language_codes)
    originals = {s.display: s for s in sources}
    for report in translation_report(loaded.site, project.locales):
        if args.lang and report.lang not in args.lang:
            continue
        changes = {}
        for source in report.stale:
            doc = documents[source]
            text = next(t for t in doc.texts if t.source == source)
            changes[source] = original_changes(project.root, originals[doc.source], stamped(text), loaded.config)
        _print_report(report, changes)
    return 0


def _print_report(report, changes: dict[str, str | None]) -> None:
    """Each list, and under each stale translation what changed in its original since it was stamped."""
    print(f"{report.lang}: {report.translated} of {report.total} files translated, "
          f"{len(report.untranslated)} not yet translated, {len(report.stale)} stale, "
          f"{len(report.unstamped)} unstamped, {len(report.missing_strings)} interface strings missing")
    for label, entries in (("missing", report.missing), ("untranslated", report.untranslated),
                           ("stale", report.stale), ("unstamped", report.unstamped),
                           ("string", report.missing_strings)):
        for entry in entries:
            print(f"  {label}: {entry}")
            if label == "stale":
                diff = changes.get(entry)
                print(textwrap.indent(diff.rstrip("\n"), "    ") if diff else
                      "    (git has no committed version of the original with the fingerprint this translation "
                      "records, so what changed cannot be shown)")


def _run_catalogs(args) -> int:
    """pybabel extract + update, with the project's settings, so editors need not remember them."""
    from babel.messages.frontend import CommandLineInterface
    root = args.root.resolve()
    pot = root / "locales" / "messages.pot"
    cli = CommandLineInterface()
    config = load_config(root / "site.toml")
    cli.run(["pybabel", "-q", "extract", "-F", str(root / "babel.cfg"), "-o", str(pot), "--no-location",
             "--sort-output", "--project", config.site.title, "--copyright-holder", config.site.organisation,
             "--msgid-bugs-address", config.contact.email, str(root)])
    cli.run(["pybabel", "-q", "update", "-i", str(pot), "-d", str(root / "locales"), "--no-fuzzy-matching",
             "--ignore-obsolete"])  # keeps each catalog's header: it holds the language's plural rules
    print(f"updated {pot.relative_to(root)} and the catalogs in locales/")
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day (use: YYYY-MM-DD)") from None


def _run_check(args) -> int:
    # Imported here: every `sitegen build` would load the checks' modules for nothing.
    from generator.editing.check import Inputs, check_site, format_json, format_text
    project, today = Project(args.root.resolve()), args.now or date.today()
    files = sum(1 for _ in project.content.rglob("*.md"))  # names only: the build's reader opens them
    try:
        options = Options(out=project.root / "public", today=today)
        loaded = load_project(project, options)
        drafts = load_project(project, replace(options, drafts=True)).site
        # The PDF brochures take seconds to make; `sitegen build` makes them and reports their errors.
        # Photos take a second each: those the builds processed are taken from their store.
        store = Store(project.root / ".cache" / "store")
        try:
            rendered = render_site(project, loaded, today, Reuse(None, {}, {}, images=store.section("image")),
                                   brochure=False)
            artifacts = list(rendered.every())
        finally:
            store.close()
        reports = translation_report(loaded.site, project.locales)
        sources, _problems = read_sources(project.content, project.root, loaded.config.language_codes)
        texts = {s.display: s.text for s in sources} | {
            display_path(p, project.root): p.read_text(encoding="utf-8")
            for p in sorted(project.layouts.rglob("*.html")) if p.is_file()}
        findings = check_site(Inputs(loaded, drafts, artifacts, texts, reports, project.layouts,
                                     rendered.pictures.by_source), today)
    except BuildFailed as failed:
        findings = list(failed.errors)
    print((format_json if args.format == "json" else format_text)(findings, files))
    return 1 if any(f.severity == "error" for f in findings) else 0


def _run_new(args) -> int:
    project = Project(args.root.resolve())
    config = load_config(project.config_file)
    options = {name: getattr(args, name) for name in ("title", "when", "category", "id", "summary", "lang", *OPTIONAL)
               if hasattr(args, name)}
    regions = tuple(r.strip() for arg in getattr(args, "regions", ()) for r in arg.split(",") if r.strip())
    request = Request(args.kind, regions=regions, **options)
    if not sys.stdin.isatty():
        if missing(request):
            print(missing_message(request), file=sys.stderr)
            return 2
    else:
        request = ask_missing(request, config, input)
    try:
        new = _new_file(project, config, request)
        (project.root / new.path).parent.mkdir(parents=True, exist_ok=True)
        with (project.root / new.path).open("x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(new.text)
    except FileExistsError:
        print(already_exists(new.path), file=sys.stderr)
        return 1
    except Refused as refused:
        print("\n".join(str(error) for error in refused.errors) + "\nNothing was written.", file=sys.stderr)
        return 1
    print(new.path)
    return 0


def _new_file(project: Project, config, request: Request):
    if request.kind == "translation":
        site = load_project(project, Options(out=project.root / "public", today=date.today(), drafts=True)).site
        return new_translation(site, request.id, request.lang)
    ids = {p.stem: display_path(p, project.root) for folder in KINDS
           for p in sorted((project.content / folder).glob("*.md")) if "." not in p.stem}
    return new_item(request, config, ids)
