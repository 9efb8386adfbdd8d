"""The floor under any cold build with this project's libraries: a bare loop.

    python bench/floor.py [--events 10000] [--workers 1,2]

Issue 8's reference: a loop that only reads each event's file, parses its
front matter with libyaml, renders its body with markdown-it-py and a trivial
Jinja2 template, and writes the page, for every event in every language (the
original's file where there is no translation). No checks, no lists, no
feeds, no links between pages: whatever our build does beyond this loop
costs more. Run on the corpus bench/run.py makes (bench/.corpus/N-4), with
one process and with forked workers that each take every n-th event.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import sys
import time
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from corpus import LANGS, corpus_dir, write_corpus  # noqa: E402

TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    "<!doctype html><html lang={{ lang }}><title>{{ meta.title }}</title>"
    "<h1>{{ meta.title }}</h1><p>{{ meta.summary }}</p>{{ body | safe }}</html>")
# The options of the project's parser (generator/markdown.py), without its render rules.
MARKDOWN = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["table", "strikethrough"])
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    corpus = corpus_dir(args.events, LANGS)
    if not (corpus / "site.toml").exists():  # made by bench/run.py, or now
        write_corpus(corpus, args.events, LANGS, seed=1)
    pages = [(lang, source) for source in sorted((corpus / "content" / "events").glob("*.md"))
             if source.name.count(".") == 1 for lang in LANGS]
    out = ROOT / "bench" / ".corpus" / "floor-out"
    for workers in map(int, args.workers.split(",")):
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        run(pages, out, workers)
        print(f"{len(pages)} pages, {workers} process(es): {time.perf_counter() - start:.1f} s")
    shutil.rmtree(out, ignore_errors=True)


def run(pages: list[tuple[str, Path]], out: Path, workers: int) -> None:
    if workers == 1:
        render_slice(pages, out, 0, 1)
        return
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=render_slice, args=(pages, out, n, workers)) for n in range(workers)]
    for child in children:
        child.start()
    for child in children:
        child.join()


def render_slice(pages: list[tuple[str, Path]], out: Path, first: int, step: int) -> None:
    for lang, original in pages[first::step]:
        translated = original.with_suffix(f".{lang}.md")
        source = translated if translated.exists() else original
        _, front, body = source.read_text(encoding="utf-8").split("---\n", 2)
        html = TEMPLATE.render(lang=lang, meta=yaml.load(front, Loader=LOADER), body=MARKDOWN.render(body))
        target = out / lang / original.stem / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")


if __name__ == "__main__":
    main()
