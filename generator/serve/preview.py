"""`sitegen serve`: build, serve, watch, rebuild what changed, reload the browser.

The reload channel is the `livereload` package's (its WebSocket handler and
livereload.js, injected into every HTML page). Its watcher is replaced: it
polls every 0.8 s, rebuilds once per changed file and ignores reloads less
than 3 s apart, which misses the 300 ms save-to-reload target and drops
quick saves. `Watcher` here is told of saves by the operating system
(watchfiles), waits for them to settle, and runs one rebuild for the whole
batch with the list of files saved; a save during a rebuild triggers one
more, so many quick saves end in one build of the last state. The browser
reloads as soon as the pages are written; the feeds are written after.
"""

from __future__ import annotations

import gc
import html
import os
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

import watchfiles
from livereload import Server
from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from livereload.watcher import Watcher as LivereloadWatcher
from tornado import web
from tornado.ioloop import IOLoop

from generator.build import Options, Project, load_project, render_site
from generator.errors import BuildFailed, SiteError
from generator.incremental import Kept
from generator.publish.write import update_artifacts

POLL_SECONDS = 0.025
SETTLE_SECONDS = 0.03
"""A save is acted on once no file changed for this long (editors save in bursts)."""
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

    def rebuild(self, changed: set[Path] | None = None, on_pages: Callable[[], None] | None = None) -> Outcome:
        """Re-render what changed since the last good build; keep the old site on errors.
        `changed`: the files saved since the last rebuild, if known (the watcher's). `on_pages()`
        is called once the pages are written, before the feeds: the browser can reload then."""
        started = time.perf_counter()
        try:
            loaded = load_project(self.project, self.options, self.kept, changed)
            rendered = render_site(self.project, loaded, self.options.today, self.kept.lend(self.out), brochure=False)
        except BuildFailed as failed:
            return self._failed(failed, started)
        pages_seconds = None

        def pages_written() -> None:
            nonlocal pages_seconds
            pages_seconds = time.perf_counter() - started
            if on_pages is not None:
                on_pages()

        try:
            written, self.paths = update_artifacts(self.out, rendered.every(pages_written), self.paths)
        except BuildFailed as failed:
            # Pages render as they are written: those before the broken one hold new bytes
            # that the recorded keys no longer describe. Forget the keys: render all next time.
            self.kept.keys = {}
            return self._failed(failed, started)
        self.kept.keys, self.errors = rendered.keys, ()
        outcome = Outcome(tuple(written), (), time.perf_counter() - started, pages_seconds)
        self._freeze()
        return outcome

    def _freeze(self) -> None:
        """What survives a rebuild (model, memos) lives until the next edits it: moved out of the
        collector's sight, so that later collections do not walk a large site's every object.
        A frozen object is never collected, though, even once it is garbage in a cycle (each
        rebuild's Jinja2 environments are): when the frozen set has grown by FROZEN_GROWTH since
        the last full collection, it is collected once more, after the rebuild, not during one."""
        gc.freeze()
        if gc.get_freeze_count() > self._collected_at * (1 + FROZEN_GROWTH):
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self._collected_at = gc.get_freeze_count()

    def _failed(self, failed: BuildFailed, started: float) -> Outcome:
        self.errors = failed.errors
        return Outcome((), failed.errors, time.perf_counter() - started)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
        return stat.st_size, stat.st_mtime_ns
    except OSError:
        return -1, -1


class Watcher(LivereloadWatcher):
    """Watches the project's sources; calls `on_change` once per settled batch of saves.

    Folders are watched through the operating system's notifications (watchfiles:
    inotify, FSEvents, ReadDirectoryChangesW), which cost nothing while idle and
    tell a save within milliseconds, whatever the size of the site; where they
    cannot be had, every file is polled instead. Single files (site.toml) are
    polled: an editor's atomic save replaces the file, which ends a watch on it.
    """

    def __init__(self, roots: list[Path], on_change: Callable[[list[Path]], None]):
        super().__init__()
        self.roots, self.on_change = roots, on_change
        self._tasks = {"sitegen": {}}  # keeps livereload from watching the working directory itself
        self._stopped = threading.Event()
        self._watching = threading.Event()

    def start(self, callback) -> bool:
        threading.Thread(target=self._run, name="sitegen-watcher", daemon=True).start()
        self._watching.wait(5)  # saves from now on are seen
        return True  # tells livereload not to poll on its own

    def stop(self) -> None:
        """End the watching (the benchmark's; the server's watcher runs until the process ends)."""
        self._stopped.set()

    def examine(self):
        return None, None

    def _run(self) -> None:
        try:
            self._notified()
        except Exception:  # noqa: BLE001 (no notifications here: a full watch table, an odd file system)
            if not self._stopped.is_set():
                self._polled()

    def _notified(self) -> None:
        folders = [str(root) for root in self.roots if root.is_dir()]
        files = {str(root): _stamp(root) for root in self.roots if not root.is_dir()}
        batches = watchfiles.watch(*folders, watch_filter=lambda _, path: _visible(path, folders),
                                   step=int(SETTLE_SECONDS * 1000), rust_timeout=int(POLL_SECONDS * 1000),
                                   yield_on_timeout=True, stop_event=self._stopped, raise_interrupt=False)
        for batch in batches:
            self._watching.set()
            changed = {Path(path) for _, path in batch}
            for name, stamp in files.items():
                now = _stamp(Path(name))
                if now != stamp:
                    files[name] = now
                    changed.add(Path(name))
            if changed:
                self.on_change(sorted(changed))

    def _polled(self) -> None:
        known = self._scan()
        self._watching.set()
        while not self._stopped.wait(POLL_SECONDS):
            current = self._scan()
            if current == known:
                continue
            while True:  # let a burst of saves settle
                time.sleep(SETTLE_SECONDS)
                settled = self._scan()
                if settled == current:
                    break
                current = settled
            changed = sorted(Path(p) for p in set(known) | set(current) if known.get(p) != current.get(p))
            known = current
            self.on_change(changed)

    def _scan(self) -> dict[str, tuple[int, int]]:
        """Size and modification time of every source file; os.scandir's entries carry their
        stat, so a scan of a 40,000-file content tree stays well under the poll interval."""
        found: dict[str, tuple[int, int]] = {}
        for root in self.roots:
            if root.is_file():
                found[str(root)] = _stamp(root)
            else:
                _scan_folder(str(root), found)
        return found


def _visible(path: str, folders: list[str]) -> bool:
    """Not a dot-file nor in a dot-folder below a watched folder (.git, editors' swap files),
    as the build itself skips them."""
    for folder in folders:
        if path.startswith(folder + os.sep):
            return not any(part.startswith(".") for part in path[len(folder) + 1:].split(os.sep))
    return True


def _scan_folder(folder: str, found: dict[str, tuple[int, int]]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # removed while scanning: the next scan sees it gone
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                _scan_folder(entry.path, found)
            else:
                stat = entry.stat()
                found[entry.path] = (stat.st_size, stat.st_mtime_ns)
        except OSError:
            continue


class PreviewFiles(web.StaticFileHandler):
    """Serves only files of the built site; shows the build errors while the content is broken."""

    preview: Preview

    @classmethod
    def get_absolute_path(cls, root: str, path: str) -> str:
        return _outside_is_not_found(super().get_absolute_path, root, path)

    def validate_absolute_path(self, root: str, absolute_path: str):
        return _outside_is_not_found(super().validate_absolute_path, root, absolute_path)

    async def get(self, path: str, include_body: bool = True):
        if self.preview.errors and (path == "" or path.endswith(("/", ".html"))):
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(error_page(self.preview.errors))
            return
        await super().get(path, include_body)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs) -> None:
        not_found = Path(self.root) / "404.html"
        if status_code == 404 and not_found.is_file():
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(not_found.read_bytes())
        else:
            super().write_error(status_code, **kwargs)


def _outside_is_not_found(check, *args):
    """Tornado answers 403 for paths outside the folder; for the site they simply do not exist.
    Nor does a path with a NUL byte (`/%00`), which the file system calls refuse with ValueError."""
    try:
        return check(*args)
    except ValueError:
        raise web.HTTPError(404) from None
    except web.HTTPError as exc:
        if exc.status_code == 403:
            raise web.HTTPError(404) from None
        raise


def error_page(errors: tuple[SiteError, ...]) -> str:
    """What the browser shows while the content cannot be built: every error, as the terminal prints it."""
    items = "".join(f"<li><code>{html.escape(str(e))}</code></li>" for e in errors)
    count = len(errors)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Build error</title></head>'
            f'<body><main><h1>The site cannot be built: {count} error{"s" if count != 1 else ""}</h1>'
            f"<p>Fix the file named below and save: this page reloads by itself.</p><ul>{items}</ul></main>"
            f"</body></html>")


class _Server(Server):
    """livereload's server, except that pages load its reload script from a file: livereload
    writes a script inline into each page, which the pages' Content-Security-Policy refuses."""

    def application(self, port, host, liveport=None, debug=None, live_css=True):
        LiveReloadHandler.watcher, LiveReloadHandler.live_css = self.watcher, live_css
        script = f'<script src="/livereload.js?port={port}"></script>'.encode()
        inject = type("Inject", (LiveScriptInjector,), {"script": script})
        handlers = [(r"/livereload", LiveReloadHandler), (r"/forcereload", ForceReloadHandler),
                    (r"/livereload.js", LiveReloadJSHandler)] + self.get_web_handlers(script)
        web.Application(handlers=handlers, transforms=[inject]).listen(port, address=host)


def serve(project: Project, out: Path, today: date, *, host: str, port: int, drafts: bool,
          open_browser: bool, log: Callable[[str], None]) -> None:
    """Build, then serve and rebuild on every save until interrupted."""
    preview = Preview(project, out, today, drafts, base_url=f"http://{host}:{port}/")
    report(preview.rebuild(), log)
    lock = threading.Lock()

    def on_change(changed: list[Path]) -> None:
        with lock:
            names = ", ".join(_display(p, project.root) for p in changed[:3]) + (" ..." if len(changed) > 3 else "")
            log(f"changed: {names}")
            reloaded = []

            def reload() -> None:
                loop.add_callback(LiveReloadHandler.reload_waiters, "/")
                reloaded.append(True)

            # The browser reloads as soon as the pages are written; the feeds follow.
            outcome = preview.rebuild(set(changed), on_pages=reload)
            report(outcome, log)
            if outcome.errors or not reloaded:  # the browser shows the errors
                reload()

    roots = [project.content, project.layouts, project.assets, project.locales, project.config_file]
    server = _Server(watcher=Watcher([r for r in roots if r.exists()], on_change))
    PreviewFiles.preview = preview
    server.SFH = PreviewFiles
    loop = IOLoop.current()
    log(f"Serving {out} at http://{host}:{port}/ (Ctrl+C to stop)")
    server.serve(host=host, port=port, root=str(out), open_url_delay=0.5 if open_browser else None,
                 restart_delay=0)


def report(outcome: Outcome, log: Callable[[str], None]) -> None:
    if outcome.errors:
        for error in outcome.errors:
            log(str(error))
        log(f"{len(outcome.errors)} error(s); still serving the last good build")
    else:
        pages = f" (pages in {outcome.pages_seconds * 1000:.0f} ms)" if outcome.pages_seconds is not None else ""
        log(f"rebuilt in {outcome.seconds * 1000:.0f} ms{pages}: {len(outcome.written)} file(s) written")


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
