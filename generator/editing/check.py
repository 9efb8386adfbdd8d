"""`sitegen check`: the loaded model and its rendered pages -> findings for editors.

Pure: works on what the CLI loaded, rendered and read (no file access, and
`today` is passed in). Adds to the build's own errors what the build lets
through: broken links and anchors, links to drafts, images without alt text or
from other websites, translations that are missing or stale, and calendar
entries that look wrong.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator, Mapping, Sequence
from urllib.parse import unquote, urljoin, urlsplit

from babel import Locale

from generator.build import Loaded
from generator.errors import SiteError
from generator.content.frontmatter import parse_front_matter
from generator.content.markdown import content_link_path, inline_tokens
from generator.content.model import Item, Page, Site, Text
from generator.outputs import Artifact
from generator.content.images import alt_missing, from_elsewhere, site_images
from generator.outputs.html import Renderer
from generator.outputs.images import Picture
from generator.outputs.pages import plan_pages
from generator.editing.new import PLACEHOLDERS, SUMMARY_PLACEHOLDER
from generator.outputs.search import BUNDLE
from generator.outputs.calendar.ics import SIZE_LIMIT
from generator.i18n.translations import LanguageReport
from generator.suggest import did_you_mean
from generator.outputs.urls import output_file
from generator.editing.years import home_year_findings
from generator.views.queries import current_year, years

WRITTEN_LATER = (BUNDLE + "/",)
"""Output folders made after rendering, from the written site (the search index): not checked."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything `sitegen check` looks at, loaded and read by the CLI."""

    loaded: Loaded
    """The site as published (drafts left out), with its config and catalogs."""
    drafts: Site
    """The same content built with drafts: what published pages must not link to."""
    artifacts: Sequence[Artifact]
    """Every output file, rendered in memory."""
    texts: Mapping[str, str]
    """Content and layout files by display path ('content/events/x.md', 'layouts/base.html')."""
    reports: Sequence[LanguageReport]
    """translation_report() of the published site."""
    layouts: Path
    """The layouts folder, for a renderer that only plans pages and renders bodies."""
    pictures: Mapping[str, Picture] = field(default_factory=dict)
    """The processed body images, so that bodies render as published (outputs/images.py)."""


def check_site(inputs: Inputs, today: date) -> list[SiteError]:
    """Every finding, errors and warnings, in file and line order."""
    site = inputs.loaded.site
    renderer = Renderer(site, inputs.layouts, inputs.loaded.catalogs, {}, today, pictures=inputs.pictures)
    lines = _FieldLines(inputs.texts)
    images = site_images(site)
    findings = (
        _Links(inputs, renderer).findings()
        + alt_missing(images) + from_elsewhere(images)
        + _translations(site, inputs.reports, lines)
        + _tentative_past(site, today, lines)
        + _same_title_and_date(site, lines)
        + _program_in_other_year(site, lines)
        + _placeholders(site, lines)
        + home_year_findings(site, today, lines)
        + large_feeds(inputs.artifacts)
    )
    return sorted(set(findings), key=SiteError.sort_key)


# Links ---------------------------------------------------------------------

class _Scan(HTMLParser):
    """What a rendered page or body links to and which ids it has, as a browser reads its tags:
    attribute values unescaped, comments and the text of <script> (JSON-LD) skipped."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[str] = []
        """Every href and src, in document order."""
        self.ids: list[str] = []
        self.body_links: list[str] = []
        """The link of each <a> and <img>, in document order: what Markdown writes."""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = [(name, value) for name, value in attrs if value is not None]
        self.links += [value for name, value in values if name in ("href", "src")]
        self.ids += [value for name, value in values if name == "id"]
        if tag in ("a", "img"):
            self.body_links += [value for name, value in values if name in ("href", "src")][:1]


@dataclass(frozen=True, slots=True)
class _Page:
    """A rendered HTML page: where it is served, what it links to, which ids it has."""

    file: str
    url: str
    links: tuple[str, ...]
    ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class _BodyLink:
    """A link or image of a Markdown body, with the file line it was written on."""

    href: str
    line: int
    image: bool
    alt: str


@dataclass(frozen=True, slots=True)
class _Problem:
    message: str
    allowed: str | None = None
    anchors_of: str | None = None
    """For a missing anchor: the output file that lacks it."""


class _Links:
    """Internal links of every rendered page; those from Markdown bodies are traced to their line."""

    def __init__(self, inputs: Inputs, renderer: Renderer):
        self.renderer, self.urls, self.site = renderer, renderer.urls, renderer.site
        self.files = {a.path for a in inputs.artifacts}
        self.pages = {p.file: p for p in _pages(inputs.artifacts, self.urls.prefix)}
        self.templates = {output_file(p.meta.path, self.urls.prefix): p.template for p in plan_pages(renderer.planner)}
        self.layouts = {path: text for path, text in inputs.texts.items() if path.startswith("layouts/")}
        self.draft_files, self.draft_pages = _drafts(self.site, inputs.drafts, self.urls)
        self.shown: dict[str, list[tuple[Item | Page, str]]] = defaultdict(list)
        """Output file -> the documents whose Markdown body it shows, in `lang`."""
        for lang in self.site.config.language_codes:
            for doc, url in self._document_urls(lang):
                self.shown[output_file(url, self.urls.prefix)].append((doc, lang))
        self.judged: dict = {}
        self.bodies: dict[tuple[str, str], tuple[Text, str]] = {}

    def findings(self) -> list[SiteError]:
        found, from_layouts = [], defaultdict(list)
        for page in self.pages.values():
            links = Counter(page.links)
            for doc, lang in self.shown.get(page.file, ()):
                text, html = self._body(doc, lang)
                in_body = _Scan(html).body_links
                links -= Counter(in_body)
                found += self._check_body(text, page, in_body)
            for href in sorted(links.elements()):
                problem = self._problem(href, page)
                if problem:
                    from_layouts[self._layout_of(href, page)].append((problem, page))
        return found + [_layout_finding(where, seen) for where, seen in from_layouts.items()]

    def _document_urls(self, lang: str) -> Iterator[tuple[Item | Page, str]]:
        """Where each item, plain page and year's introduction is shown in `lang`: the pages
        that render a Markdown body (the home page renders home.md's and its year's)."""
        for item in self.site.items:
            yield item, self.urls.item(lang, item)
        for page_id, page in self.site.pages.items():
            yield page, self.urls.page(lang, page_id)
        shown = current_year(self.site, self.renderer.today)
        for year, intro in self.site.intros.items():
            if year in years(self.site):
                yield intro, self.urls.year(lang, year)
            if year == shown:
                yield intro, self.urls.home(lang)

    def _body(self, doc: Item | Page, lang: str) -> tuple[Text, str]:
        """The text a page shows and its body as the renderer makes it, links resolved for the page."""
        key = (doc.source, lang)
        if key not in self.bodies:
            text = doc.text(lang)
            self.bodies[key] = text, str(self.renderer.body(text, lang))
        return self.bodies[key]

    def _check_body(self, text: Text, page: _Page, rendered: list[str]) -> list[SiteError]:
        """Body links as written (`link.href`) beside the same links as rendered (`href`)."""
        found = []
        for link, href in zip(_body_links(text), rendered, strict=True):
            target = content_link_path(link.href, Path(text.source).parent)
            if target is not None and target.as_posix() in self.draft_files:
                problem = _draft(link.href, target.as_posix())
            elif target is not None and href == link.href:  # the renderer found no item to link to
                problem = _Problem(f"links to {link.href}, which is not an event, program or network: "
                                   "only those become links to their page", "a link to the page's address")
            else:
                problem = self._problem(href, page)
            if problem:
                allowed = self._headings(problem.anchors_of) if problem.anchors_of else problem.allowed
                message = problem.message.replace(href, link.href, 1)
                found.append(SiteError(text.source, link.line, "body", message, allowed))
        return found

    def _problem(self, href: str, page: _Page) -> _Problem | None:
        """What is wrong with an internal link of `page`, if anything."""
        # Most links are the same site-absolute paths on every page: judge each once.
        key = href if href.startswith(("/", "http:", "https:", "webcal:", "mailto:")) else (page.url, href)
        if key not in self.judged:
            self.judged[key] = self._judge(href, page)
        return self.judged[key]

    def _judge(self, href: str, page: _Page) -> _Problem | None:
        target = self._target(href, page)
        if target is None:
            return None
        file, fragment = target
        if file in self.draft_pages:
            return _draft(href, self.draft_pages[file])
        if file not in self.files:
            return _Problem(f"links to {href}, which is not a page or file of the site")
        if fragment and file in self.pages and fragment not in self.pages[file].ids:
            anchors = [a.removeprefix("#") for a in (self._headings(file) or "").split(", ") if a.startswith("#")]
            return _Problem(f"links to {href}, but that page has no anchor #{fragment}"
                            f"{did_you_mean(fragment, anchors)}", anchors_of=file)
        return None

    def _headings(self, file: str) -> str | None:
        """The anchors an editor can link to on a page: those of its Markdown headings."""
        if file not in self.shown:
            return None
        ids = [i for doc, lang in self.shown[file] for i in _Scan(self._body(doc, lang)[1]).ids]
        return ", ".join("#" + i for i in ids) or "that page has no headings"

    def _target(self, href: str, page: _Page) -> tuple[str, str] | None:
        """(output file, fragment) of a link into this site; None for links elsewhere."""
        if href.startswith("webcal:"):  # a feed subscription: the same file over http(s)
            href = urlsplit(self.urls.absolute("/")).scheme + href[len("webcal"):]
        parts = urlsplit(urljoin(self.urls.absolute(page.url), href))
        base = urlsplit(self.urls.absolute(self.urls.prefix))
        if parts.scheme not in ("http", "https") or parts.netloc != base.netloc:
            return None
        path = unquote(parts.path)
        if not path.startswith(self.urls.prefix):  # the same host, but not this site (base_url's folder)
            return None
        relative = path[len(self.urls.prefix):]
        if relative.startswith(WRITTEN_LATER):
            return None
        file = output_file(path, self.urls.prefix)
        if file not in self.files and f"{relative}/index.html" in self.files:
            file = f"{relative}/index.html"  # '/en/about' works too: servers add the slash
        return file, parts.fragment

    def _layout_of(self, href: str, page: _Page) -> tuple[str, int | None]:
        """The layout line that writes `href` literally, else the layout the page was rendered with."""
        fragment = href.partition("#")[2]
        # As a layout may write it: in either quotes, its '&' plain or as '&amp;'; else its fragment.
        written = [href, escape(href, quote=False)] + ([f"#{fragment}"] if fragment else [])
        for needle in (quote + value + quote for value in written for quote in "\"'"):
            for path, text in sorted(self.layouts.items()):
                if needle in text:
                    return path, text[:text.index(needle)].count("\n") + 1
        return f"layouts/{self.templates.get(page.file, 'base.html')}", None


def _draft(href: str, source: str) -> _Problem:
    return _Problem(f"links to {href}, which is a draft: published pages cannot link to it",
                    f"publish {source} first, or remove the link")


def _layout_finding(where: tuple[str, int | None], seen: list[tuple[_Problem, _Page]]) -> SiteError:
    """One finding per layout line, however many pages show the link."""
    problem, first = min(seen, key=lambda problem_page: problem_page[1].url)
    pages = len({page.file for _problem, page in seen})
    more = f" (on {pages} pages, e.g. {first.url})" if pages > 1 else f" (on {first.url})"
    return SiteError(where[0], where[1], None, problem.message + more, problem.allowed)


def _pages(artifacts: Sequence[Artifact], prefix: str) -> Iterator[_Page]:
    for artifact in artifacts:
        if artifact.path.endswith(".html") and artifact.data is not None:
            html = artifact.data.decode("utf-8")
            folder = artifact.path.removesuffix("index.html")
            scan = _Scan(html)
            yield _Page(artifact.path, prefix + folder, tuple(scan.links), frozenset(scan.ids))


def _drafts(site: Site, drafts: Site, urls) -> tuple[frozenset[str], dict[str, str]]:
    """Content files of drafts, and the output files their pages would have -> their content file."""
    published = {t.source for doc in _documents(site) for t in doc.texts}
    files, pages = set(), {}
    for doc in _documents(drafts):
        if doc.source in published:
            continue
        files.update(t.source for t in doc.texts)
        if doc in drafts.intros.values():
            continue  # a draft introduction has no page of its own: its year's page is there without it
        for lang in drafts.config.language_codes:
            url = urls.item(lang, doc) if isinstance(doc, Item) else urls.page(lang, doc.id)
            pages[output_file(url, urls.prefix)] = doc.source
    return frozenset(files), pages


def _body_links(text: Text) -> list[_BodyLink]:
    """Links and images of a body in document order, each with its file line."""
    found = []
    for token, line in inline_tokens(text.body, text.body_line):
        if token.type == "link_open":
            found.append(_BodyLink(token.attrGet("href") or "", line, False, ""))
        elif token.type == "image":
            found.append(_BodyLink(token.attrGet("src") or "", line, True, token.content))
    return found


# Content -------------------------------------------------------------------

class _FieldLines:
    """The file line of a front matter field, from the same parser the build uses."""

    def __init__(self, texts: Mapping[str, str]):
        self.texts, self.parsed = texts, {}

    def __call__(self, source: str, field: str) -> int | None:
        if source not in self.parsed:
            front, _errors = parse_front_matter(self.texts.get(source, ""), source)
            self.parsed[source] = front.lines if front else {}
        return self.parsed[source].get(field)


def _documents(site: Site) -> list[Item | Page]:
    return list(site.documents())


def _texts(site: Site) -> Iterator[Text]:
    for doc in _documents(site):
        yield from doc.texts


def _translations(site: Site, reports: Sequence[LanguageReport], lines: _FieldLines) -> list[SiteError]:
    original = {t.source: doc.source for doc in _documents(site) for t in doc.texts}
    ids = {doc.source: doc.id for doc in _documents(site)}
    names = Locale.parse(site.config.site.default_language).languages
    found = []
    for report in reports:
        name = names.get(report.lang, report.lang)
        found += [SiteError(path, None, None, f"has no {name} translation",
                            f"sitegen new translation {ids[path]} --lang {report.lang}", "warning")
                  for path in report.missing]
        found += [SiteError(path, lines(path, "translated_from"), "translated_from",
                            f"is not translated yet: it is still the copy of {original[path]} that sitegen new "
                            f"made, so the site shows the original in its place",
                            f"translate its text (it then counts as translated), or if it needs no change: "
                            f"sitegen translations --stamp {path}", "warning")
                  for path in report.untranslated]
        found += [SiteError(path, lines(path, "translated_from"), "translated_from",
                            f"was translated from an older version of {original[path]}",
                            f"update the translation, then: sitegen translations --stamp {path}", "warning")
                  for path in report.stale]
        found += [SiteError(path, None, "translated_from",
                            f"does not say which version of {original[path]} it was translated from",
                            f"sitegen translations --stamp {path}", "warning")
                  for path in report.unstamped]
        catalog = f"locales/{report.lang}/LC_MESSAGES/messages.po"
        found += [SiteError(catalog, None, None, f"{string!r} is not translated, so pages show it in English",
                            "translate it in this catalog", "warning")
                  for string in report.missing_strings]
    return found


def _tentative_past(site: Site, today: date, lines: _FieldLines) -> list[SiteError]:
    return [SiteError(item.source, lines(item.source, "status"), "status",
                      f"is still tentative, but the event ({item.when}) is over",
                      "confirmed, cancelled, postponed", "warning")
            for item in site.of_kind("event")
            if item.status == "tentative" and item.when is not None and item.when.is_past(today)]


def _same_title_and_date(site: Site, lines: _FieldLines) -> list[SiteError]:
    groups = defaultdict(list)
    for item in site.items:
        if item.when is not None:
            groups[(" ".join(item.original.title.casefold().split()), str(item.when))].append(item)
    found = []
    for group in groups.values():
        first, *others = sorted(group, key=lambda i: i.source)
        found += [SiteError(item.source, lines(item.source, "title"), "title",
                            f"{item.original.title!r} on {item.when} is also the title and date of {first.source}",
                            "a different title, or remove the duplicate", "warning") for item in others]
    return found


def _program_in_other_year(site: Site, lines: _FieldLines) -> list[SiteError]:
    found = []
    for event in site.of_kind("event"):
        program = site.item(event.program) if event.program else None
        if program is None or program.when is None or event.when is None:
            continue
        if not set(program.when.years()) & set(event.when.years()):
            found.append(SiteError(event.source, lines(event.source, "program"), "program",
                                   f"{program.id!r} is the program of {program.when}, "
                                   f"but this event is in {event.when.start.year}",
                                   f"a program of {event.when.start.year}, or none", "warning"))
    return found


def _placeholders(site: Site, lines: _FieldLines) -> list[SiteError]:
    """Text that `sitegen new` wrote for the editor to replace, still there."""
    found = []
    for text in _texts(site):
        if text.summary == SUMMARY_PLACEHOLDER:
            found.append(SiteError(text.source, lines(text.source, "summary"), "summary",
                                   "is still the placeholder written by sitegen new",
                                   "one or two sentences for lists and search results", "warning"))
        for number, line in enumerate(text.body.split("\n")):
            if line.strip() in PLACEHOLDERS:
                found.append(SiteError(text.source, text.body_line + number, "body",
                                       f"still has the placeholder {line.strip()}", "your own text", "warning"))
    return found


# Output --------------------------------------------------------------------

def large_feeds(artifacts: Sequence[Artifact]) -> list[SiteError]:
    """Subscription feeds past 1 MB, which Google Calendar stops updating. An event's own
    file ("Add to calendar") is imported once, not polled."""
    return [SiteError(artifact.path, None, None,
                      f"this calendar feed is {len(artifact.data) / 1_000_000:.1f} MB; Google Calendar "
                      f"drops subscriptions over {SIZE_LIMIT / 1_000_000:.0f} MB",
                      "a smaller [feeds] window_months in site.toml (12 keeps the last year)", "warning")
            for artifact in artifacts
            if artifact.path.endswith(".ics") and not artifact.path.endswith("/event.ics")
            and artifact.data is not None and len(artifact.data) > SIZE_LIMIT]


def format_finding(finding: SiteError) -> str:
    """`path:line: error: message (field; use: allowed)`."""
    where = finding.path if finding.line is None else f"{finding.path}:{finding.line}"
    notes = "; ".join(n for n in (finding.field, finding.allowed and f"use: {finding.allowed}") if n)
    return f"{where}: {finding.severity}: {finding.message}" + (f" ({notes})" if notes else "")


def summary(findings: Sequence[SiteError], files: int) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    return (f"{_count(errors, 'error')}, {_count(warnings, 'warning')} "
            f"in {_count(files, 'file')} checked")


def format_text(findings: Sequence[SiteError], files: int) -> str:
    ordered = sorted(findings, key=SiteError.sort_key)
    return "\n".join([format_finding(f) for f in ordered] + [summary(findings, files)])


def format_json(findings: Sequence[SiteError], files: int) -> str:
    ordered = sorted(findings, key=SiteError.sort_key)
    errors = sum(f.severity == "error" for f in findings)
    return json.dumps({
        "findings": [{"path": f.path, "line": f.line, "severity": f.severity, "field": f.field,
                      "message": f.message, "allowed": f.allowed} for f in ordered],
        "errors": errors, "warnings": len(findings) - errors, "files": files,
    }, ensure_ascii=False, indent=2)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
