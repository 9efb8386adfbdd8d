"""After writing, before publishing: Pagefind indexes the staged site for search.

I/O: runs the Pagefind program (shipped by the pagefind-bin-extended package)
over the staging folder, so the index goes live in the same atomic swap as
the pages it describes. Pagefind makes one index per <html lang> and reads
the data-pagefind-* attributes the layouts set. Pagefind reads a copy of the
pages (in a temporary folder beside the staging one) in which the compounds of
Korean text are marked (compounds.py), so that a word inside a compound is
found; the published pages are never changed.

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
from pathlib import Path

from generator.errors import BuildFailed, SiteError
from generator.outputs.compounds import SEGMENTED, load_analyzer, mark_compounds

BUNDLE = "pagefind"
"""The folder Pagefind writes into, below the site root (see Urls.search_bundle)."""


def index_site(site_dir: Path) -> None:
    """Write the search index into `site_dir`/pagefind/; raise BuildFailed if Pagefind fails."""
    site_dir = site_dir.absolute()
    with tempfile.TemporaryDirectory(prefix=".search-", dir=site_dir.parent) as copy:
        _copy_pages(site_dir, Path(copy))
        try:
            result = subprocess.run([str(_executable()), "--site", ".", "--output-path", str(site_dir / BUNDLE),
                                     "--silent"], cwd=copy, capture_output=True, text=True)
        except OSError as exc:
            raise _failure(f"could not run Pagefind: {exc}") from exc
    if result.returncode != 0:
        raise _failure(f"Pagefind failed: {(result.stderr or result.stdout).strip()[-2000:]}")


_LANG = re.compile(rb'<html lang="([^"]+)"')
_TAG_OR_SCRIPT = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<[^>]*>)", re.S)


def _copy_pages(site_dir: Path, copy: Path) -> None:
    """Every page into `copy`, at the same path; those of SEGMENTED languages with their compounds marked."""
    segmented, kiwi = [], None
    for page in sorted(site_dir.rglob("*.html")):
        target = copy / page.relative_to(site_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        found = _LANG.search(page.read_bytes()[:1000])
        if found and found[1].decode() in SEGMENTED:
            segmented.append((page, target))
        else:
            _link(page, target)
    for page, target in segmented:
        kiwi = kiwi or load_analyzer()  # seconds: only when there is Korean to index
        target.write_text(_marked(page.read_text(encoding="utf-8"), kiwi), encoding="utf-8")


def _marked(html: str, kiwi) -> str:
    """The page with the compounds of its text marked; tags, scripts and styles as they were."""
    pieces = _TAG_OR_SCRIPT.split(html)
    texts = pieces[0::2]  # split() with one group: text, tag, text, tag...
    pieces[0::2] = mark_compounds(texts, kiwi)
    return "".join(pieces)


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
