"""`sitegen serve`: the built site over HTTP, and the channel that reloads the browser.

A small tornado application, as MkDocs keeps its own (mkdocs/livereload):
the site's files, each page with the reload script and, while the last save
cannot be built, the errors over it (overlay.py); and the livereload protocol
(livereload.js, shipped by the livereload package, over a WebSocket), whose
one message here is "reload". Serves only files of the built site; must not
build or watch.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from importlib import resources
from pathlib import Path
from typing import Callable, Sequence
from urllib.parse import unquote, urlsplit

from tornado import web, websocket
from tornado.ioloop import IOLoop
from tornado.log import LogFormatter

from generator.errors import SiteError
from generator.serve.overlay import NOT_BUILT, OWN, decorate

LIVERELOAD_JS = Path(str(resources.files("livereload"))) / "vendors" / "livereload.js"
"""The browser's side of the protocol, as the livereload package ships it."""
HELLO = json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"],
                    "serverName": "sitegen"})
RELOAD = json.dumps({"command": "reload", "path": "/", "liveCSS": False, "liveImg": False})
"""Reload the whole page: an edit changes pages, and stylesheets have new (fingerprinted) names."""


class PreviewServer:
    """Serves `root`; `errors()` names what the last save broke (empty while the site builds)."""

    def __init__(self, root: Path, errors: Callable[[], Sequence[SiteError]]):
        self.root, self.errors = root, errors
        self._browsers: set[ReloadSocket] = set()
        self._told: set[ReloadSocket] = set()
        """Browsers told to reload since the last `reload()`, by `reload_showing`."""
        self._loop: IOLoop | None = None

    def run(self, host: str, port: int, on_listening: Callable[[], None] = lambda: None) -> None:
        """Serve until interrupted (Ctrl+C raises KeyboardInterrupt here)."""
        asyncio.run(self._serve(host, port, on_listening))

    def reload(self, everyone: bool = False) -> None:
        """Tell every browser showing the preview to reload, but those `reload_showing` told since
        the last time (`everyone`: those too: the save turned out broken); callable from any thread."""
        if self._loop is not None:
            self._loop.add_callback(self._send_reload, None, everyone)

    def reload_showing(self, address: str) -> None:
        """Tell the browsers showing `address` ('/en/events/x/') to reload now: its page is written,
        and the save's other pages need not be; callable from any thread."""
        if self._loop is not None:
            self._loop.add_callback(self._send_reload, address)

    async def _serve(self, host: str, port: int, on_listening: Callable[[], None]) -> None:
        _log_warnings()
        self._application(port).listen(port, address=host)
        self._loop = IOLoop.current()
        on_listening()
        await asyncio.Event().wait()

    def _application(self, port: int) -> web.Application:
        here = Path(__file__).parent
        return web.Application([
            (r"/livereload", ReloadSocket, {"browsers": self._browsers}),
            (r"/(livereload\.js)", web.StaticFileHandler, {"path": str(LIVERELOAD_JS.parent)}),
            (rf"{re.escape(OWN)}(overlay\.(?:css|js))", web.StaticFileHandler, {"path": str(here)}),
            (r"/(.*)", SiteFiles, {"path": str(self.root), "default_filename": "index.html",
                                   "decorate": lambda page: decorate(page, self.errors(), port)}),
        ])

    def _send_reload(self, address: str | None, everyone: bool = False) -> None:
        """Runs on the server's loop, so one call at a time: `address` None ends a save's round."""
        for browser in list(self._browsers):
            if (browser in self._told and not everyone) if address is None else (browser.page != address):
                continue
            try:
                browser.write_message(RELOAD)
            except websocket.WebSocketClosedError:
                self._browsers.discard(browser)
            if address is not None:
                self._told.add(browser)
        if address is None:
            self._told.clear()


class ReloadSocket(websocket.WebSocketHandler):
    """livereload.js's connection: it says hello, then which page it shows; from then on it is
    told to reload. (Tornado refuses connections from pages of other origins.)"""

    def initialize(self, browsers: set[ReloadSocket]) -> None:
        self.browsers = browsers
        self.page: str | None = None
        """The address of the page it shows ('/en/events/x/'), as its info message says."""

    def on_message(self, message: str | bytes) -> None:
        try:
            message = json.loads(message)
            command = message.get("command")
        except (ValueError, AttributeError):
            return
        if command == "hello":
            self.write_message(HELLO)
        elif command == "info":
            self.page = _shown(message.get("url"))
            self.browsers.add(self)

    def on_close(self) -> None:
        self.browsers.discard(self)


class SiteFiles(web.StaticFileHandler):
    """Serves only files of the built site; pages (and the 404 page) pass through `decorate`."""

    def initialize(self, path: str, default_filename: str | None = None,
                   decorate: Callable[[bytes], bytes] = lambda page: page) -> None:
        super().initialize(path, default_filename)
        self.decorate = decorate

    @classmethod
    def get_absolute_path(cls, root: str, path: str) -> str:
        return _outside_is_not_found(super().get_absolute_path, root, path)

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        return _outside_is_not_found(super().validate_absolute_path, root, absolute_path)

    async def get(self, path: str, include_body: bool = True) -> None:
        if path and not path.endswith(("/", ".html")):
            await super().get(path, include_body)
            return
        self.path = self.parse_url_path(path)
        absolute = self.validate_absolute_path(self.root, self.get_absolute_path(self.root, self.path))
        if absolute is not None:  # None: redirected
            self._page(Path(absolute).read_bytes(), include_body)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")

    def compute_etag(self) -> None:
        """None: every answer is fresh (no-store), and a page's bytes are not its file's."""
        return None

    def write_error(self, status_code: int, **kwargs) -> None:
        if status_code != 404:
            super().write_error(status_code, **kwargs)
            return
        not_found = Path(self.root) / "404.html"
        self._page(not_found.read_bytes() if not_found.is_file() else NOT_BUILT)

    def _page(self, page: bytes, include_body: bool = True) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        body = self.decorate(page)
        self.set_header("Content-Length", len(body))
        self.finish(body if include_body else None)


def _shown(url) -> str | None:
    """The address of the page at `url` ('http://host/en/x/index.html#map' -> '/en/x/')."""
    return page_address(unquote(urlsplit(url).path) or "/") if isinstance(url, str) else None


def page_address(path: str) -> str:
    """One name per page, the one a browser and the preview's writer both use: a site path
    without its 'index.html' ('/en/x/index.html' -> '/en/x/')."""
    return path[:-len("index.html")] if path.endswith("/index.html") else path


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


def _log_warnings() -> None:
    """Tornado's warnings and errors (a request it refuses, a handler that fails) in the terminal."""
    channel = logging.StreamHandler()
    channel.setFormatter(LogFormatter())
    logging.getLogger("tornado").addHandler(channel)
