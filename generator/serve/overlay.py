"""`sitegen serve`: what the preview adds to each page it serves.

The reload script, and while the last save cannot be built, the errors over
the last good page. Pure: bytes in, bytes out. Only the preview server calls
it, so nothing here reaches `sitegen build`'s output. Everything it adds
loads from the preview's own address (no inline script or style), so the
pages' Content-Security-Policy holds unchanged.
"""

from __future__ import annotations

import html
from typing import Sequence

from generator.errors import SiteError

OWN = "/.preview/"
"""Where the preview serves its own files (overlay.css, overlay.js); the build writes no dot-folders."""
NOT_BUILT = (b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
             b'<meta name="viewport" content="width=device-width, initial-scale=1">'
             b"<title>Not built yet</title></head><body><main><h1>Not built yet</h1>"
             b"<p>This page is not in the last good build.</p></main></body></html>")
"""The page shown where the site has none, not even a 404 page (the first build failed)."""


def decorate(page: bytes, errors: Sequence[SiteError], port: int) -> bytes:
    """`page` with the reload script, and the errors over it when there are any."""
    added = f'<script src="/livereload.js?port={port}"></script>'
    if errors:
        added = overlay(errors) + added
    end = page.rfind(b"</body>")
    end = len(page) if end < 0 else end
    return page[:end] + added.encode("utf-8") + page[end:]


def overlay(errors: Sequence[SiteError]) -> str:
    """The errors as the terminal prints them, over the page: an alert, focused on load, dismissible.
    English, as the terminal and the messages are; each message is escaped (it quotes the editor's text)."""
    count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    items = "".join(f"<li>{_error(e)}</li>" for e in errors)
    return (f'<link rel="stylesheet" href="{OWN}overlay.css">'
            f'<section id="sitegen-errors" role="alert" aria-labelledby="sitegen-errors-title" tabindex="-1" '
            f'lang="en" dir="ltr">'
            f'<h2 id="sitegen-errors-title">The last save cannot be built: {count}</h2>'
            f"<p>This is the last good version of the page. Fix what is listed and save: "
            f"the page reloads by itself.</p><ul>{items}</ul>"
            f'<button type="button" id="sitegen-errors-dismiss" hidden>Dismiss</button></section>'
            f'<script src="{OWN}overlay.js"></script>')


def _error(error: SiteError) -> str:
    """`path:line: field: message (use: ...)`, the place set apart so the eye finds it."""
    where = error.path if error.line is None else f"{error.path}:{error.line}"
    what = str(error)[len(where) + 2:]
    return f"<code><strong>{html.escape(where)}</strong>: {html.escape(what)}</code>"
