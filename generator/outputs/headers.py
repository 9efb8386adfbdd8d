"""Output files -> `_headers`: the HTTP headers a static host sends with each file.

Pure: returns one Artifact, in the format Netlify and Cloudflare Pages read
(a path pattern, then indented `Name: value` lines), paths relative to the
output folder. The pages carry no inline script or style, so a strict
Content-Security-Policy holds; html.py puts the same policy in each page's
<meta> for hosts that ignore this file (docs/security.md).
"""

from __future__ import annotations

from typing import Iterable, Mapping

from generator.outputs import Artifact

POLICY: tuple[tuple[str, str], ...] = (
    ("default-src", "'none'"),
    # Pagefind's search (pagefind.js) compiles its index reader from WebAssembly.
    ("script-src", "'self' 'wasm-unsafe-eval'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("connect-src", "'self'"),
    ("font-src", "'self'"),
    ("base-uri", "'none'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)
NOT_IN_META = frozenset({"frame-ancestors"})
"""Directives browsers ignore (and warn about) in a <meta> policy: HTTP header only."""

SECURITY = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
)
IMMUTABLE = "public, max-age=31536000, immutable"
"""Fingerprinted files: a new version has a new name, so a copy never goes stale."""
SHORT = "public, max-age=300"
"""Pages, feeds and other files under a fixed name: an edit is live within minutes."""


def content_security_policy(meta: bool = False) -> str:
    """The policy as a header value; `meta=True` leaves out what a <meta> tag cannot set."""
    return "; ".join(f"{name} {value}" for name, value in POLICY if not (meta and name in NOT_IN_META))


def render_headers(paths: Iterable[str], asset_names: Mapping[str, str],
                   hashed_folder: str | None = None) -> Artifact:
    """Security headers for every file; a cache lifetime for every file written by the build
    (`paths`: each one's output path).

    `asset_names` maps an asset to its published name (assets.py): those that
    differ carry a content hash, as does every file of `hashed_folder` (the processed
    images: 'images'). Each file matches exactly one cache rule, because hosts join
    the values of a header set by two matching rules."""
    fingerprinted = {f"assets/{published}" for name, published in asset_names.items() if published != name}
    paths = [p for p in paths if not hashed_folder or not p.startswith(hashed_folder + "/")]
    rules = [("/*", [*SECURITY, ("Content-Security-Policy", content_security_policy())])]
    rules += [(f"/{path}", [("Cache-Control", IMMUTABLE)]) for path in sorted(fingerprinted)]
    rules += [(f"/{hashed_folder}/*", [("Cache-Control", IMMUTABLE)])] if hashed_folder else []
    rules += [(pattern, [("Cache-Control", SHORT)]) for pattern in _short_lived(paths, fingerprinted)]
    text = "".join(f"{pattern}\n" + "".join(f"  {name}: {value}\n" for name, value in headers)
                   for pattern, headers in rules)
    return Artifact("_headers", text.encode("utf-8"))


def _short_lived(paths: Iterable[str], fingerprinted: set[str]) -> list[str]:
    """One pattern per top-level folder (`/en/*`), file (`/sitemap.xml`) or unhashed asset."""
    patterns = set()
    for path in paths:
        if path in fingerprinted:
            continue
        top, slash, _ = path.partition("/")
        if top == "assets" or not slash:
            patterns.add("/" + path)
            if path == "index.html":
                patterns.add("/")
        else:
            patterns.add(f"/{top}/*")
    return sorted(patterns)
