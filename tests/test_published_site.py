"""The published site is locked down: no inline script or style anywhere, a strict
Content-Security-Policy in `_headers` and in every page, and no violation of it in a browser."""

from __future__ import annotations

import http.server
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from checkers import serve
from conftest import BUILD_DAY, ROOT
from generator.build import Options, Project, build
from generator.outputs.headers import IMMUTABLE, SHORT, content_security_policy
from test_security import Elements, markup_problems

pytestmark = [pytest.mark.build, pytest.mark.slow]

PAGES = ("index.html", "{lang}/", "{lang}/2024/", "{lang}/2024/10/", "{lang}/events/excom-2024/",
         "{lang}/programs/seoul-smart-city-prize/", "{lang}/networks/afscn/", "{lang}/events/",
         "{lang}/categories/governance/", "{lang}/regions/africa/", "{lang}/formats/", "{lang}/about/",
         "{lang}/contact/", "{lang}/search/", "{lang}/404.html")
"""One page of every type (the root, then per language)."""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The real content, built with its search index (the PDFs do not matter here)."""
    out = tmp_path_factory.mktemp("published") / "public"
    build(Project(ROOT), Options(out=out, today=BUILD_DAY, brochure=False))
    return out


def read_headers(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """`_headers` as Netlify and Cloudflare Pages read it: a path pattern, then indented headers."""
    rules = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), []))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def matches(pattern: str, path: str) -> bool:
    return path.startswith(pattern[:-1]) if pattern.endswith("*") else path == pattern


def headers_for(rules, path: str) -> list[tuple[str, str]]:
    return [header for pattern, headers in rules if matches(pattern, path) for header in headers]


# No inline script or style, and the policy in every page


def test_pages_have_no_inline_script_style_or_event_handlers(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 100
    found = {p.relative_to(site).as_posix(): markup_problems(p.read_text(encoding="utf-8")) for p in pages}
    assert {page: problems for page, problems in found.items() if problems} == {}


def test_every_page_carries_the_policy_in_a_meta_tag_before_anything_it_governs(site):
    policy = content_security_policy(meta=True)
    assert "frame-ancestors" not in policy  # ignored in <meta>: the _headers file sets it
    for page in sorted(site.rglob("*.html")):
        tags = Elements(page.read_text(encoding="utf-8")).tags
        metas = [i for i, (tag, attrs) in enumerate(tags)
                 if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "content-security-policy"]
        assert len(metas) == 1, page
        assert tags[metas[0]][1]["content"] == policy, page
        governed = [i for i, (tag, attrs) in enumerate(tags) if tag in ("script", "link", "img", "style")]
        assert not governed or metas[0] < governed[0], page


# _headers: the policy, no sniffing, and cache lifetimes


def test_headers_file_sets_the_policy_security_headers_and_cache_lifetimes(site):
    rules = read_headers((site / "_headers").read_text(encoding="utf-8"))
    everywhere = dict(headers_for(rules, "/anything"))
    assert everywhere["Content-Security-Policy"] == content_security_policy()
    for directive in ("default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'",
                      "img-src 'self' data:", "connect-src 'self'", "font-src 'self'", "base-uri 'none'",
                      "form-action 'self'", "frame-ancestors 'none'"):
        assert directive in everywhere["Content-Security-Policy"].split("; ")
    assert everywhere["X-Content-Type-Options"] == "nosniff"
    assert everywhere["Referrer-Policy"] == "strict-origin-when-cross-origin"
    files = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.name != "_headers"
             and not p.relative_to(site).as_posix().startswith("pagefind/")]
    for path in files:
        caching = [value for name, value in headers_for(rules, "/" + path) if name == "Cache-Control"]
        assert len(caching) == 1, (path, caching)  # hosts join the values of two matching rules
        hashed = path.startswith("assets/") and path.count(".") >= 2
        assert caching[0] == (IMMUTABLE if hashed else SHORT), path
    assert [v for n, v in headers_for(rules, "/") if n == "Cache-Control"] == [SHORT]
    assert [v for n, v in headers_for(rules, "/en/") if n == "Cache-Control"] == [SHORT]


# In a browser: every page type, the search (WebAssembly), with the policy as an HTTP header


class _HeadersHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder with the headers its `_headers` file asks for, as the host would."""

    rules: list = []

    def end_headers(self):
        for name, value in headers_for(self.rules, urlsplit(self.path).path):
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass


@contextmanager
def serve_with_headers(folder: Path):
    rules = read_headers((folder / "_headers").read_text(encoding="utf-8"))
    with serve(folder, type("Handler", (_HeadersHandler,), {"rules": rules})) as base:
        yield base


LISTEN = """document.addEventListener("securitypolicyviolation", (e) => {
    (window.__violations = window.__violations || []).push(`${e.effectiveDirective} blocked ${e.blockedURI}`);
});"""


@pytest.mark.browser
def test_no_content_security_policy_violation_in_a_browser(site):
    from checkers import browser
    violations, checked = [], []
    with serve_with_headers(site) as base, browser() as chromium:
        context = chromium.new_context()
        context.add_init_script(LISTEN)
        page = context.new_page()
        page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text else None)
        for path in [p.format(lang=lang) for lang in ("en", "ar") for p in PAGES]:
            if path == "index.html":  # the root sends visitors on at once: stay to check the page itself
                page.route(f"{base}/en/", lambda route: route.abort())
            response = page.goto(f"{base}/{path}", wait_until="load")
            page.unroute(f"{base}/en/")
            assert response.ok, path
            assert response.headers["content-security-policy"] == content_security_policy()
            if path.endswith("/search/"):  # Pagefind compiles its index reader from WebAssembly
                page.fill(".pagefind-ui__search-input", "smart city")
                page.wait_for_selector(".pagefind-ui__result-link", timeout=10_000)
            page.wait_for_timeout(100)
            violations += [f"{path}: {v}" for v in page.evaluate("window.__violations || []")]
            checked.append(path)
        found = list(violations)
        # The listeners work: an inline style added now is refused and reported by both.
        page.evaluate("document.body.setAttribute('style', 'color: red')")
        page.wait_for_timeout(100)
        control = page.evaluate("window.__violations || []")
        context.close()
    assert len(checked) == 2 * len(PAGES)
    assert found == []
    assert any(v.startswith("style-src") for v in control), control
    assert len(violations) > len(found)
