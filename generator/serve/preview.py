"""`sitegen serve`: build, then rebuild what changed on every save and reload the browser.

The rebuild loop: the watcher (watcher.py) names the files saved, in one
batch per burst of saves; `Preview` re-renders what they change and writes
it; the server (server.py) tells a browser to reload as soon as the page it
shows is written, the others once every page is (the feeds follow), or shows
the errors over the last good pages.
Must not serve files nor watch the disk itself.
"""

from __future__ import annotations

import gc
import threading
import time
import webbrowser
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from generator.build import Options, Project, load_project, render_site, uncollected
from generator.errors import BuildFailed, SiteError
from generator.incremental import Kept
from generator.publish.write import update_artifacts, update_file
from generator.serve.server import PreviewServer, page_address
from generator.serve.watcher import Watcher

FROZEN_GROWTH = 0.1
"""How much the objects frozen after rebuilds may grow before a full collection (Preview._freeze)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One rebuild: what it wrote, or why it could not."""

    written: tuple[str, ...]
    errors: tuple[SiteError, ...]
    seconds: float
    """From the start of the rebuild to every file written."""
    pages_seconds: float | None = None
    """From the start to every page written, when the browser is told to reload."""


class Preview:
    """The preview's state between rebuilds: what it kept (incremental.Kept), the output files."""

    def __init__(self, project: Project, out: Path, today: date, drafts: bool, base_url: str | None = None):
        self.project, self.out = project, out
        # Built for the address it is served at: a site published below a folder
        # (base_url https://example.org/calendar/) still previews at the server's root.
        self.options = Options(out=out, today=today, drafts=drafts, search=False, brochure=False,
                               base_url=base_url)
        self.kept = Kept(project.root)
        self.paths: set[str] | None = None
        self.errors: tuple[SiteError, ...] = ()
        self._collected_at = 0
        """Objects frozen right after the last full collection (`_freeze`)."""

    def rebuild(self, changed: set[Path] | None = None, on_pages: Callable[[], None] | None = None,
                on_page: Callable[[str], None] | None = None) -> Outcome:
        """Re-render what changed since the last good build; keep the old site on errors.
        `changed`: the files saved since the last rebuild, if known (the watcher's). `on_page(address)`
        is called as each re-rendered page is written ('/en/events/x/'): a browser showing it can
        reload then; `on_pages()` once every page is, before the feeds: the others can."""
        started = time.perf_counter()
        with uncollected():  # a tenth of a second at 10,000 events; what it left is collected after
            return self._rebuild(changed, on_pages, on_page, started)

    def _rebuild(self, changed: set[Path] | None, on_pages: Callable[[], None] | None,
                 on_page: Callable[[str], None] | None, started: float) -> Outcome:
        page_written = _pages_only(on_page)
        first: list[str] = []

        def write_first(pages: list) -> None:  # the edited items' own pages, before the rest is planned
            for page in pages:
                if update_file(self.out, page):
                    first.append(page.path)
                    page_written(page.path)

        try:
            loaded = load_project(self.project, self.options, self.kept, changed)
            rendered = render_site(self.project, loaded, self.options.today, self.kept.lend(self.out), brochure=False,
                                   edited=self._edited(changed),
                                   on_edited=write_first if on_page is not None else None)
        except BuildFailed as failed:
            if first:  # pages hold bytes the recorded keys do not describe: render all next time
                self._forget()
            return self._failed(failed, started)
        pages_seconds = None

        def pages_written() -> None:
            nonlocal pages_seconds
            pages_seconds = time.perf_counter() - started
            if on_pages is not None:
                on_pages()

        try:
            written, self.paths = update_artifacts(self.out, rendered.every(pages_written), self.paths, page_written)
        except BuildFailed as failed:
            # Pages render as they are written: those before the broken one hold new bytes
            # that the recorded keys no longer describe.
            self._forget()
            return self._failed(failed, started)
        self.kept.keys, self.errors = rendered.keys, ()
        outcome = Outcome(tuple(first + written), (), time.perf_counter() - started, pages_seconds)
        self._freeze()
        return outcome

    def _forget(self) -> None:
        """After pages were written by a rebuild that then failed: render every page next time,
        and list the output folder again (a page written for a new item may not stay)."""
        self.kept.keys, self.paths = {}, None

    def _edited(self, changed: set[Path] | None) -> set[str]:
        """The saved files, as the model names its items' files ('content/events/x.md')."""
        root = self.project.root.absolute()
        return {path.absolute().relative_to(root).as_posix() for path in changed or ()
                if path.absolute().is_relative_to(root)}

    def _freeze(self) -> None:
        """What survives a rebuild (model, memos) lives until the next edits it: moved out of the
        collector's sight, so that later collections do not walk a large site's every object.
        The rebuild ran without the collector: what it made and left in cycles (its Jinja2
        environments) is collected first, walking only what it made (the young generations).
        A frozen object is never collected, though, even once it is garbage in a cycle: when the
        frozen set has grown by FROZEN_GROWTH since the last full collection, it is collected
        once more, after the rebuild, not during one."""
        gc.collect(1)
        gc.freeze()
        if gc.get_freeze_count() > self._collected_at * (1 + FROZEN_GROWTH):
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self._collected_at = gc.get_freeze_count()

    def _failed(self, failed: BuildFailed, started: float) -> Outcome:
        self.errors = failed.errors
        return Outcome((), failed.errors, time.perf_counter() - started)


def serve(project: Project, out: Path, today: date, *, host: str, port: int, drafts: bool,
          open_browser: bool, log: Callable[[str], None], force_polling: bool | None = None) -> None:
    """Build, then serve and rebuild on every save until interrupted."""
    preview = Preview(project, out, today, drafts, base_url=f"http://{host}:{port}/")
    outcome = preview.rebuild()
    report(outcome, log)
    # The errors the pages show: cleared as soon as a save's pages are written, before the
    # browser reloads (the preview's own record of them waits for the feeds).
    shown = outcome.errors
    server = PreviewServer(out, lambda: shown)

    def on_change(changed: list[Path]) -> None:
        nonlocal shown
        names = ", ".join(_display(p, project.root) for p in changed[:3]) + (" ..." if len(changed) > 3 else "")
        log(f"changed: {names}")
        reloaded = []

        def page_written(address: str) -> None:  # a browser showing it reloads now, before the other pages
            nonlocal shown
            shown = ()
            server.reload_showing(address)

        def pages_written() -> None:  # the other browsers reload now; the feeds follow
            nonlocal shown
            shown = ()
            server.reload()
            reloaded.append(True)

        outcome = preview.rebuild(set(changed), on_pages=pages_written, on_page=page_written)
        report(outcome, log)
        if outcome.errors or not reloaded:  # the browser shows the errors over the last good pages
            shown = outcome.errors
            server.reload(everyone=True)  # a browser told early too: its page has errors over it now

    roots = [project.content, project.layouts, project.assets, project.locales, project.config_file]
    watcher = Watcher(roots, on_change, force_polling)

    def listening() -> None:
        watcher.start()
        log(f"Serving {out} at http://{host}:{port}/ (Ctrl+C to stop)")
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(f"http://{host}:{port}/",), daemon=True).start()

    server.run(host, port, on_listening=listening)


def _pages_only(on_page: Callable[[str], None] | None) -> Callable[[str], None] | None:
    """`on_page(address)` for each page written, not for the feeds and data files."""
    if on_page is None:
        return None
    # The preview builds for its own root, whatever site.toml's base_url: a file's path is its address.
    return lambda path: on_page(page_address("/" + path)) if path.endswith(".html") else None


def report(outcome: Outcome, log: Callable[[str], None]) -> None:
    if outcome.errors:
        for error in outcome.errors:
            log(str(error))
        log(f"{len(outcome.errors)} error(s); still serving the last good build, with the errors over each page")
    else:
        pages = f" (pages in {outcome.pages_seconds * 1000:.0f} ms)" if outcome.pages_seconds is not None else ""
        log(f"rebuilt in {outcome.seconds * 1000:.0f} ms{pages}: {len(outcome.written)} file(s) written")


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
