"""Third-party output checkers for the tests: Nu HTML Checker, axe-core in Chromium, ical.js.

Install the tools with `bash scripts/install-test-tools.sh`. This module holds no tests.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
PARSE_ICS_JS = ROOT / "tests" / "js" / "parse_ics.mjs"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
MAX_ARGS_CHARS = 100_000  # per vnu invocation; far below the kernel's ARG_MAX
INSTALL_HINT = "run `bash scripts/install-test-tools.sh` from the repository root"


class ToolMissing(RuntimeError):
    """A checker's program or file is not installed."""


class ICSParseError(ValueError):
    """ical.js could not parse an iCalendar file."""


def _require(path_or_cmd: str | Path, what: str) -> str:
    """Return the full path of a file or command, or raise ToolMissing."""
    found = str(path_or_cmd) if Path(path_or_cmd).is_file() else shutil.which(str(path_or_cmd))
    if not found:
        raise ToolMissing(f"{what} not found ({path_or_cmd}): {INSTALL_HINT}")
    return found


def _batches(paths: list[Path]) -> Iterator[list[Path]]:
    """Split paths into groups whose joined length stays under MAX_ARGS_CHARS."""
    batch: list[Path] = []
    size = 0
    for path in paths:
        if batch and size + len(str(path)) + 1 > MAX_ARGS_CHARS:
            yield batch
            batch, size = [], 0
        batch.append(path)
        size += len(str(path)) + 1
    if batch:
        yield batch


def validate_html(paths: list[Path]) -> list[str]:
    """Validate HTML files with the Nu HTML Checker; return `file:line:col: message` errors."""
    java = _require("java", "java (Debian package default-jre-headless)")
    jar = _require(VNU_JAR, "vnu.jar (npm package vnu-jar)")
    by_abs = {str(Path(p).resolve()): str(p) for p in paths}
    messages: list[str] = []
    for batch in _batches([Path(p).resolve() for p in paths]):
        cmd = [java, "-Xss8m", "-jar", jar, "--errors-only", "--format", "json", *map(str, batch)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        try:
            report = json.loads(proc.stderr)  # vnu writes its JSON report to stderr
        except json.JSONDecodeError:
            raise RuntimeError(f"vnu failed (exit {proc.returncode}): {proc.stderr[-2000:]}") from None
        for msg in report.get("messages", []):
            url = msg.get("url", "")
            file = by_abs.get(url.removeprefix("file:"), url)
            line = msg.get("firstLine", msg.get("lastLine", 0))
            col = msg.get("firstColumn", msg.get("lastColumn", 0))
            messages.append(f"{file}:{line}:{col}: {msg.get('message', msg)}")
    return messages


@contextmanager
def browser():
    """Yield a headless Playwright Chromium browser launched from /usr/bin/chromium."""
    from playwright.sync_api import sync_playwright

    executable = _require(CHROMIUM, "Chromium (Debian package chromium)")
    with sync_playwright() as pw:
        # Playwright gives every launch its own fresh temporary profile directory.
        chromium = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler that logs nothing and serves .ics as text/calendar."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".ics": "text/calendar"}

    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass


@contextmanager
def serve(directory: Path, handler_class: type = None) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 (free port) in a thread; yield the base URL, no trailing slash.
    `handler_class`, a quiet SimpleHTTPRequestHandler by default, may add headers."""
    handler = functools.partial(handler_class or _QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def run_axe(page) -> list[dict]:
    """Run axe-core (WCAG 2.x A/AA + best-practice) in a Playwright page; return its violations."""
    # Evaluated, not added as a <script>: the site's Content-Security-Policy refuses inline scripts.
    page.evaluate(Path(_require(AXE_JS, "axe.min.js (npm package axe-core)")).read_text(encoding="utf-8"))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                targets: v.nodes.map((n) => n.target)}));
        }""",
        AXE_TAGS,
    )


def screenshot(page_url: str, out_png: Path, width: int, *, using=None) -> Path:
    """Save a full-page PNG of page_url at a viewport width; reuse browser `using` if given."""
    if using is None:
        with browser() as b:
            return screenshot(page_url, out_png, width, using=b)
    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    page = using.new_page(viewport={"width": width, "height": 800})
    try:
        page.goto(page_url, wait_until="networkidle")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.screenshot(path=str(out_png), full_page=True)
    finally:
        page.close()
    return out_png


def parse_ics_with_icaljs(path: Path) -> dict:
    """Parse a .ics with ical.js; return {vevent_count, events: [{uid, summary, dtstart, dtend, status, ...}]}."""
    node = _require("node", "node (Debian package nodejs)")
    _require(NODE_MODULES / "ical.js" / "package.json", "ical.js (npm package ical.js)")
    proc = subprocess.run([node, str(PARSE_ICS_JS), str(path)], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise ICSParseError(f"{path}: {proc.stderr.strip() or f'node exited {proc.returncode}'}")
    return json.loads(proc.stdout)
