"""After writing, before publishing: Pagefind indexes the staged site for search.

I/O: runs the Pagefind program (shipped by the pagefind-bin-extended package)
over the staging folder, so the index goes live in the same atomic swap as
the pages it describes. Pagefind makes one index per <html lang> and reads
the data-pagefind-* attributes the layouts set. Pagefind reads a copy of the
pages it indexes (in a temporary folder beside the staging one) in which the
compounds of Korean text are marked (compounds.py), so that a word inside a
compound is found; the published pages are never changed.

Not byte-identical from build to build: Pagefind writes its filter values in
hash-map order, so pagefind/filter/*, the pagefind.*.pf_meta files naming them
and pagefind-entry.json differ between runs (see README, "Reproducible builds").
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Callable, Iterable, Iterator, MutableMapping

from generator.errors import BuildFailed, SiteError
from generator.outputs import make_key
from generator.outputs.analyzer import Analyzer
from generator.outputs.compounds import SEGMENTED, analyzer_version, has_hangul, insert_marks

BUNDLE = "pagefind"
"""The folder Pagefind writes into, below the site root (see Urls.search_bundle)."""

Marks = MutableMapping[str, tuple[int, ...]]
"""A Korean page's compound breaks (offsets into its text) by `page_key`: the build's store."""


@contextmanager
def search_indexer(languages: Iterable[str], marks: Marks | None = None,
                   early: bool = False) -> Iterator[Callable[[Path], None]]:
    """`index_site` for one build. With `early` (a build that will likely analyse Korean pages,
    such as a cold one), Kiwi starts loading in a process of its own at once, while the site is
    rendered, when one of `languages` is SEGMENTED; otherwise only if a page needs it."""
    with Analyzer() as analyzer:
        if early and SEGMENTED & set(languages):
            analyzer.start()
        yield lambda site_dir: index_site(site_dir, marks, analyzer)


def index_site(site_dir: Path, marks: Marks | None = None, analyzer: Analyzer | None = None) -> None:
    """Write the search index into `site_dir`/pagefind/; raise BuildFailed if Pagefind fails.
    `marks` keeps the compound breaks of Korean pages by `page_key`: a page found there is not
    analysed again."""
    site_dir = site_dir.absolute()
    with tempfile.TemporaryDirectory(prefix=".search-", dir=site_dir.parent) as copy, \
            (nullcontext(analyzer) if analyzer else Analyzer()) as kiwi:
        _copy_pages(site_dir, Path(copy), {} if marks is None else marks, kiwi)
        try:
            result = subprocess.run([str(_executable()), "--site", ".", "--output-path", str(site_dir / BUNDLE),
                                     "--silent"], cwd=copy, capture_output=True, text=True)
        except OSError as exc:
            raise _failure(f"could not run Pagefind: {exc}") from exc
    if result.returncode != 0:
        raise _failure(f"Pagefind failed: {(result.stderr or result.stdout).strip()[-2000:]}")


_LANG = re.compile(rb'<html lang="([^"]+)"')
_TAG_OR_SCRIPT = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<[^>]*>)", re.S)
_BODY = b"data-pagefind-body"
"""Once a page of the site has it, Pagefind indexes only the pages that have it. (Read as bytes
anywhere in a page: a page whose text only mentions it is copied and marked, which is never wrong.)"""


def _copy_pages(site_dir: Path, copy: Path, marks: Marks, analyzer: Analyzer) -> None:
    """The pages Pagefind indexes into `copy`, at the same paths; those of SEGMENTED languages
    with their compounds marked. Once a page has data-pagefind-body, Pagefind ignores every
    page without it: those are left out (linking and removing them can take, on a slow disk,
    as long as Pagefind's own run), and their Korean text is not analysed."""
    pages = []
    for page in sorted(site_dir.rglob("*.html")):
        data = page.read_bytes()
        found = _LANG.search(data[:1000])
        pages.append((page, bool(found) and found[1].decode() in SEGMENTED, _BODY in data))
    some_body = any(body for _page, _segmented, body in pages)
    segmented = []
    for page, is_segmented, body in pages:
        if some_body and not body:
            continue
        target = copy / page.relative_to(site_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        if is_segmented:
            segmented.append((page, target))
        else:
            _link(page, target)
    _mark_pages(segmented, marks, analyzer)


def page_key(html: str, version: str) -> str:
    """What a page's breaks depend on: its text, and Kiwi and the rules (`analyzer_version`)."""
    return make_key(html, version)


def _mark_pages(pages: list[tuple[Path, Path]], marks: Marks, analyzer: Analyzer) -> None:
    """Each (page, target): the page with its compounds marked, written to target. The breaks
    come from `marks`, or else from Kiwi, and then are added to `marks`. Kiwi sees each distinct
    text once (menus and footers repeat on every page); pages are read again rather than kept,
    as a large site's Korean pages would not fit in memory."""
    version = analyzer_version()
    missing, texts = [], set()
    for page, target in pages:
        html = page.read_text(encoding="utf-8")
        key = page_key(html, version)
        breaks = marks.get(key)
        if breaks is None:
            missing.append((page, target, key))
            texts.update(text for text in _TAG_OR_SCRIPT.split(html)[0::2] if has_hangul(text))
        else:
            target.write_text(insert_marks(html, breaks), encoding="utf-8")
    ordered = sorted(texts)
    by_text = dict(zip(ordered, analyzer.breaks(ordered)))
    new = {}
    for page, target, key in missing:
        html = page.read_text(encoding="utf-8")
        new[key] = _offsets(_TAG_OR_SCRIPT.split(html), by_text)
        target.write_text(insert_marks(html, new[key]), encoding="utf-8")
    if new:
        marks.update(new)


def _offsets(pieces: list[str], by_text: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    """The breaks of a page split into text, tag, text, tag...: each text's, moved to where it is."""
    offsets, at = [], 0
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            offsets += (at + offset for offset in by_text.get(piece, ()))
        at += len(piece)
    return tuple(offsets)


def _link(page: Path, target: Path) -> None:
    try:
        os.link(page, target)
    except OSError:  # another file system, or links not allowed
        shutil.copyfile(page, target)


def _executable() -> Path:
    """The binary from the pagefind[extended] dependency (the extended build segments CJK text)."""
    from pagefind.service import get_executable  # the `pagefind` package finds the -bin wheel's binary
    found = get_executable()
    if found is None:
        raise _failure("the Pagefind program is not installed", allowed="pip install 'pagefind[extended]'")
    return found


def _failure(message: str, allowed: str | None = None) -> BuildFailed:
    return BuildFailed([SiteError(BUNDLE, None, None, message, allowed=allowed)])
