"""After writing, before publishing: Pagefind indexes the staged site for search.

I/O: runs the Pagefind program (shipped by the pagefind-bin-extended package)
over the staging folder, so the index goes live in the same atomic swap as
the pages it describes. Pagefind makes one index per <html lang> and reads
the data-pagefind-* attributes the layouts set; this stage adds no content.

Not byte-identical from build to build: Pagefind writes its filter values in
hash-map order, so pagefind/filter/*, the pagefind.*.pf_meta files naming them
and pagefind-entry.json differ between runs (see README, "Reproducible builds").
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from generator.errors import BuildFailed, SiteError

BUNDLE = "pagefind"
"""The folder Pagefind writes into, below the site root (see Urls.search_bundle)."""


def index_site(site_dir: Path) -> None:
    """Write the search index into `site_dir`/pagefind/; raise BuildFailed if Pagefind fails."""
    try:
        result = subprocess.run([str(_executable()), "--site", ".", "--output-subdir", BUNDLE, "--silent"],
                                cwd=site_dir, capture_output=True, text=True)
    except OSError as exc:
        raise _failure(f"could not run Pagefind: {exc}") from exc
    if result.returncode != 0:
        raise _failure(f"Pagefind failed: {(result.stderr or result.stdout).strip()[-2000:]}")


def _executable() -> Path:
    """The binary from the pagefind[extended] dependency (the extended build segments CJK text)."""
    from pagefind.service import get_executable  # the `pagefind` package finds the -bin wheel's binary
    found = get_executable()
    if found is None:
        raise _failure("the Pagefind program is not installed", allowed="pip install 'pagefind[extended]'")
    return found


def _failure(message: str, allowed: str | None = None) -> BuildFailed:
    return BuildFailed([SiteError(BUNDLE, None, None, message, allowed=allowed)])
