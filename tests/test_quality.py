"""Quality bars on the built real site, in a real browser: accessibility (axe-core), keyboard,
weight, render-blocking, no-JavaScript, print, search and right-to-left layout."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checkers import browser, run_axe, serve
from conftest import BUILD_DAY, ROOT
from generator.build import Options, Project, build

pytestmark = [pytest.mark.build, pytest.mark.browser, pytest.mark.slow]

LANGS = ("en", "ko", "es", "ar")
PAGE_TYPES = {
    "home": "{lang}/",
    "year": "{lang}/2024/",
    "event": "{lang}/events/excom-2024/",
    "cancelled or fuzzy event": "{lang}/events/ascn-annual-meeting-2024/",
    "program": "{lang}/programs/seoul-smart-city-prize/",
    "network": "{lang}/networks/afscn/",
    "events": "{lang}/events/",
    "categories": "{lang}/categories/",
    "category": "{lang}/categories/governance/",
    "regions": "{lang}/regions/",
    "region": "{lang}/regions/africa/",
    "about": "{lang}/about/",
    "contact": "{lang}/contact/",
    "search": "{lang}/search/",
    "404": "{lang}/404.html",
}
KEYBOARD_PAGES = ("{lang}/", "{lang}/2024/", "{lang}/events/excom-2024/", "{lang}/programs/seoul-smart-city-prize/",
                  "{lang}/search/")
KB = 1024


def month_pages(site: Path) -> list[str]:
    """The first month page, if the calendar has them (/en/2024/10/)."""
    found = sorted(site.glob("en/2024/[01][0-9]/index.html"))
    return ["{lang}/2024/" + found[0].parent.name + "/"] if found else []


def pages_to_check(site: Path) -> list[str]:
    return ["index.html"] + [t.format(lang=lang) for lang in LANGS
                             for t in list(PAGE_TYPES.values()) + month_pages(site)]


@pytest.fixture(scope="module")
def base_url(real_site):
    with serve(real_site) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture
def page(chromium):
    """A page as visitors get it: the site's Content-Security-Policy applies."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


@pytest.fixture
def axe_page(chromium):
    """A page that lets axe-core in: the test injects it as an inline script, which the policy forbids."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    yield context.new_page()
    context.close()


def open_page(page, base_url: str, path: str):
    if path == "index.html":  # the root sends visitors on at once: stay to check the page itself
        page.route(f"{base_url}/index.html", _without_refresh)
    page.goto(f"{base_url}/{path}", wait_until="load")
    page.unroute(f"{base_url}/index.html")
    assert page.url == f"{base_url}/{path}", page.url
    if path.endswith("/search/"):
        page.wait_for_selector(".pagefind-ui__search-input")  # Pagefind's UI has started


def _without_refresh(route):
    """The root page as served, less its immediate <meta http-equiv="refresh"> (allowed by WCAG 2.2.1)."""
    response = route.fetch()
    refresh = re.compile(r'<meta http-equiv="refresh" content="0; url=[^"]+">')
    route.fulfill(response=response, body=refresh.sub("", response.text()))


# Accessibility: axe-core, every page type, every language


def test_axe_finds_no_violation_on_any_page_type(real_site, base_url, axe_page):
    found = {}
    for path in pages_to_check(real_site):
        assert (real_site / (path + "index.html" if path.endswith("/") else path)).is_file(), path
        open_page(axe_page, base_url, path)
        violations = run_axe(axe_page)
        if violations:
            found[path] = [f"{v['id']} ({v['impact']}): {v['help']} at {v['targets'][:3]}" for v in violations]
    assert found == {}, "\n".join(f"{p}: {v}" for p, vs in found.items() for v in vs)


def test_axe_finds_no_violation_in_search_results(base_url, axe_page):
    open_page(axe_page, base_url, "en/search/")
    axe_page.fill(".pagefind-ui__search-input", "smart city")
    axe_page.wait_for_selector(".pagefind-ui__result-link")
    axe_page.wait_for_timeout(500)  # results render in batches
    assert run_axe(axe_page) == []


# Keyboard


FOCUS_STYLE = """(e) => { const s = getComputedStyle(e);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | "); }"""


def walk_focus(page, limit: int = 500) -> list[dict]:
    """Tab through the page from the top; each stop's element, its focus style and its style unfocused."""
    page.evaluate("""(style) => { const f = eval(style); window.__unfocused = new Map();
        for (const e of document.querySelectorAll("*")) window.__unfocused.set(e, f(e)); }""", FOCUS_STYLE)
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate("""(style) => { const e = document.activeElement, f = eval(style);
            if (!e || e === document.body) return null;
            // checkVisibility, not the box: a map marker is a zero-length stroke with an empty box.
            const visible = e.checkVisibility({opacityProperty: true, visibilityProperty: true});
            return {html: e.outerHTML.slice(0, 120), focused: f(e), unfocused: window.__unfocused.get(e) ?? "",
                    inNav: !!e.closest(".main-nav"), inMain: !!e.closest("main"), skip: e.matches(".skip-link"),
                    visible, top: e.getBoundingClientRect().top, first: e === window.__first };
        }""", FOCUS_STYLE)
        if stop is None or stop["first"]:
            break
        if not stops:
            page.evaluate("() => { window.__first = document.activeElement; }")
        stops.append(stop)
    return stops


def visible_indicator(stop: dict) -> bool:
    style, width = stop["focused"].split(" | ")[0], float(re.match(r"[\d.]+", stop["focused"].split(" | ")[1]).group())
    outline = style != "none" and width >= 2
    shadow = stop["focused"].split(" | ")[3] != "none"
    return (outline or shadow) and stop["focused"] != stop["unfocused"]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_keyboard_reaches_skip_link_then_navigation_and_every_stop_shows_focus(real_site, base_url, page, lang):
    for template in KEYBOARD_PAGES:
        path = template.format(lang=lang)
        open_page(page, base_url, path)
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        stops = walk_focus(page)
        assert stops and stops[0]["skip"], f"{path}: first stop is {stops[0]['html'] if stops else None}"
        assert stops[0]["top"] >= 0, f"{path}: the focused skip link stays off screen"
        first_main = next(i for i, s in enumerate(stops) if s["inMain"])
        nav = [i for i, s in enumerate(stops) if s["inNav"]]
        assert nav and max(nav) < first_main, f"{path}: the navigation is not reached before the content"
        invisible = [s["html"] for s in stops if not (s["visible"] and visible_indicator(s))]
        assert invisible == [], f"{path}: no visible focus indicator on {invisible[:5]}"


def test_skip_link_moves_focus_to_the_main_content(base_url, page):
    open_page(page, base_url, "en/2024/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


# Weight and render-blocking


def test_every_html_page_is_under_60_kb(real_site):
    heavy = {str(p.relative_to(real_site)): p.stat().st_size // KB for p in real_site.rglob("*.html")
             if p.stat().st_size >= 60 * KB}
    assert heavy == {}


def test_css_under_40_kb_and_javascript_under_30_kb(real_site):
    css = sum(p.stat().st_size for p in (real_site / "assets").rglob("*.css"))
    js = sum(p.stat().st_size for p in (real_site / "assets").rglob("*.js"))
    assert css < 40 * KB, f"CSS: {css} bytes"
    assert js < 30 * KB, f"JavaScript (without Pagefind's own files): {js} bytes"


def test_nothing_blocks_rendering_but_the_one_stylesheet(real_site):
    for path in real_site.rglob("*.html"):
        html = path.read_text()
        stylesheets = re.findall(r'<link\b[^>]*rel="stylesheet"[^>]*>', html)
        assert len(stylesheets) == 1, f"{path}: {stylesheets}"
        assert "<style" not in html and "@import" not in html, path
        for tag in re.findall(r"<script\b[^>]*>", html):
            if 'type="application/ld+json"' in tag:
                continue
            assert "src=" in tag and re.search(r"\b(defer|async)\b|type=\"module\"", tag), f"{path}: {tag}"


def test_images_have_dimensions_and_below_the_fold_load_lazily(real_site, base_url, page):
    for path in real_site.rglob("*.html"):
        for tag in re.findall(r"<img\b[^>]*>", path.read_text()):
            assert "width=" in tag and "height=" in tag, f"{path}: {tag}"
    for template in ("{lang}/", "{lang}/2024/", "{lang}/events/excom-2024/"):
        open_page(page, base_url, template.format(lang="en"))
        eager = page.evaluate("""() => [...document.images].filter((i) =>
            i.getBoundingClientRect().top > innerHeight && i.loading !== "lazy").map((i) => i.outerHTML)""")
        assert eager == [], template


# Without JavaScript, in print, right to left


def test_without_javascript_the_calendar_areas_and_regions_are_reached_by_links(real_site, chromium):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        with serve(real_site) as url:
            page.goto(f"{url}/en/search/")
            assert "Search needs JavaScript" in page.inner_text("main")
            page.click("main a[href='/en/2024/']")
            assert page.url.endswith("/en/2024/") and page.locator("h1").inner_text().startswith("2024")
            page.click("main .overview a[href='/en/categories/governance/']")
            assert page.url.endswith("/en/categories/governance/")
            page.click(".main-nav a[href='/en/regions/']")
            page.click("main a[href='/en/regions/africa/']")
            assert page.url.endswith("/en/regions/africa/")
            assert page.locator("main .card").count() > 0
    finally:
        context.close()


def test_printing_the_calendar_hides_the_navigation(base_url, page):
    open_page(page, base_url, "en/2024/")
    assert page.locator(".main-nav").is_visible()
    page.emulate_media(media="print")
    for selector in (".main-nav", ".languages", ".skip-link"):
        assert page.eval_on_selector(selector, "(e) => getComputedStyle(e).display") == "none", selector


def test_arabic_pages_lay_out_right_to_left(base_url, chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 800})
    try:
        page = context.new_page()
        for template in ("{lang}/", "{lang}/2024/", "{lang}/events/excom-2024/", "{lang}/search/"):
            open_page(page, base_url, template.format(lang="ar"))
            assert page.evaluate("() => getComputedStyle(document.body).direction") == "rtl"
            items = page.locator(".main-nav li")
            first, last = items.first.bounding_box(), items.last.bounding_box()
            assert first["x"] > last["x"], f"{template}: first {first}, last {last}"
    finally:
        context.close()


# Search


@pytest.mark.parametrize("lang, query, expected", [
    ("en", "EXCOM", "/en/events/excom-2024/"),
    ("ko", "서울", "/ko/"),
])
def test_search_finds_activities_in_the_page_language(base_url, page, lang, query, expected):
    open_page(page, base_url, f"{lang}/search/")
    page.fill(".pagefind-ui__search-input", query)
    page.wait_for_selector(".pagefind-ui__result-link")
    links = page.eval_on_selector_all(".pagefind-ui__result-link", "(as) => as.map((a) => a.getAttribute('href'))")
    assert any(link.startswith(expected) for link in links), links
    assert all(re.match(rf"/{lang}/(events|programs|networks|about|contact)/", link) for link in links), links


class _IndexedText(HTMLParser):
    """The text Pagefind indexes: inside data-pagefind-body, outside data-pagefind-ignore."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = [("", False)]
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag not in self.VOID:
            inside = (self.stack[-1][1] or "data-pagefind-body" in names) and "data-pagefind-ignore" not in names
            self.stack.append((tag, inside and tag not in ("script", "style")))

    def handle_endtag(self, tag):
        while len(self.stack) > 1 and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.stack[-1][1]:
            self.text.append(data)


def _pages_containing(site: Path, lang: str, word: str) -> set[str]:
    found = set()
    for path in site.glob(f"{lang}/**/index.html"):
        parser = _IndexedText()
        parser.feed(path.read_text(encoding="utf-8"))
        if word in "".join(parser.text):
            found.add("/" + path.parent.relative_to(site).as_posix() + "/")
    return found


@pytest.mark.parametrize("word, compound", [("시티", "스마트시티"), ("위원회", "집행위원회")])
def test_korean_search_finds_words_inside_compounds(real_site, base_url, page, word, compound):
    """Korean writes compounds without spaces: "시티" is inside "스마트시티" (generator/outputs/compounds.py)."""
    expected = _pages_containing(real_site, "ko", word)
    assert len(expected) > len(_pages_containing(real_site, "ko", f" {word}"))  # some only inside a compound
    open_page(page, base_url, "ko/search/")
    found = page.evaluate("""async (query) => {
        const pagefind = await import("/pagefind/pagefind.js");
        const search = await pagefind.search(query);
        return Promise.all(search.results.map(async (result) => (await result.data()).url));
    }""", word)
    assert set(found) == expected
    # Pagefind's own box says how many, and shows the words as written (no "+" between nouns).
    page.fill(".pagefind-ui__search-input", word)
    page.wait_for_selector(".pagefind-ui__result-link")
    assert re.search(rf"(?<!\d){len(expected)}(?!\d)", page.inner_text(".pagefind-ui__message"))
    shown = page.inner_text(".pagefind-ui__results")
    assert compound in shown and not re.search("[\uac00-\ud7a3]\\+[\uac00-\ud7a3]", shown)


def test_search_preview_without_index_says_search_is_unavailable(tmp_path, chromium):
    out = tmp_path / "preview"
    build(Project(ROOT), Options(out=out, today=BUILD_DAY, search=False))
    assert not (out / "pagefind").exists()
    page = chromium.new_page()
    try:
        with serve(out) as url:
            page.goto(f"{url}/en/search/")
            page.wait_for_selector("#search-unavailable", state="visible")
            assert page.locator("#search").is_hidden()
    finally:
        page.close()
