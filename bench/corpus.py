"""Write a deterministic synthetic content tree in the project's own format.

    python bench/corpus.py --events 1000 --langs en,ko,es,ar --seed 1 --out /tmp/corpus

Every `when` precision in realistic proportions, most items translated,
bodies of 250-400 words with headings, lists and links in each script
(Latin, Hangul, Arabic), a few programs and networks that events belong to.
The tree gets a site.toml (the project's, with the chosen languages) and
links to the project's layouts, assets and catalogs, so it builds as is.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGS = ["en", "ko", "es", "ar"]
"""The project's languages, in site.toml's order: the benchmarks' default."""

# Share of each `when` form among events: mostly exact days, as in the real calendar.
PRECISIONS = [("days", 45), ("day", 20), ("month", 15), ("months", 5), ("quarter", 10), ("year", 5)]
TRANSLATED = 0.8
LATIN = ("smart city data urban digital mobility energy water citizen service platform public private "
         "partnership network innovation climate resilience governance open transport health learning "
         "design sensor twin inclusion policy finance youth workshop forum summit").split()
HANGUL = "스마트 도시 데이터 시민 서비스 혁신 교통 에너지 기후 협력 네트워크 정책 디지털 행정 참여 포럼 교육 플랫폼".split()
ARABIC = "مدينة ذكية بيانات المواطن خدمة الابتكار النقل الطاقة المناخ التعاون الشبكة السياسات الرقمية الحوكمة".split()
WORDS = {"en": LATIN, "es": LATIN, "ko": HANGUL, "ar": ARABIC}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--langs", default=",".join(LANGS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write_corpus(args.out, args.events, args.langs.split(","), args.seed)
    print(f"wrote {args.events} events in {len(args.langs.split(','))} languages to {args.out}")


def corpus_dir(events: int, langs: list[str]) -> Path:
    """Where the benchmarks keep the corpus of that size (bench/.corpus/, ignored by git)."""
    return ROOT / "bench" / ".corpus" / f"{events}-{len(langs)}"


def write_corpus(out: Path, events: int, langs: list[str], seed: int) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    content = out / "content"
    for folder in ("events", "programs", "networks"):
        (content / folder).mkdir(parents=True)
    config, cities = site_toml(langs)
    (out / "site.toml").write_text(config, encoding="utf-8")
    for name in ("layouts", "assets", "locales"):
        (out / name).symlink_to(ROOT / name)
    categories = re.findall(r'^key = "([a-z-]+)"\nname = "[^"]+"\ncolour', config, re.M)
    regions = [k for k in re.findall(r'^key = "([a-z-]+)"\nname', config, re.M) if k not in categories]
    for page in ("home", "about", "contact"):
        write_item(content / f"{page}.md", {"title": page.title(), "summary": f"The {page} page."}, langs, rng)
    programs = [f"program-{n}" for n in range(1, 9)]
    for n, pid in enumerate(programs):
        meta = {"title": f"Program {n + 1}", "summary": "An ongoing program of the synthetic calendar.",
                "category": categories[n % len(categories)], "regions": "[global]", "when": "2024"}
        write_item(content / "programs" / f"{pid}.md", meta, langs, rng)
    for n in range(1, 4):
        meta = {"title": f"Network {n}", "summary": "A regional network.", "category": "regional",
                "regions": f"[{regions[n]}]", "when": f"2024-Q{n + 1}"}
        write_item(content / "networks" / f"network-{n}.md", meta, langs, rng)
    for n in range(1, events + 1):
        city, country = rng.choice(cities)
        meta = {"title": f"{rng.choice(LATIN).title()} {rng.choice(LATIN)} forum {n}",
                "summary": f"Event {n} of the synthetic calendar, held in {city}.",
                "category": rng.choice(categories), "regions": f"[{rng.choice(regions)}]",
                "when": random_when(rng, 2020 + n % 8), "location": city, "city": city, "country": country}
        if rng.random() < 0.3:
            meta["program"] = rng.choice(programs)
        write_item(content / "events" / f"event-{n:05d}.md", meta, langs, rng)


def site_toml(langs: list[str]) -> tuple[str, list[tuple[str, str]]]:
    """The project's settings with only the chosen languages; the cities it has coordinates for."""
    text = (ROOT / "site.toml").read_text(encoding="utf-8")

    def keep(block: re.Match) -> str:
        return block.group(0) if re.search(r'^code = "([a-z-]+)"', block.group(0), re.M).group(1) in langs else ""

    config = re.sub(r"^\[\[languages\]\]\n(?:[a-z_]+ = [^\n]+\n)+\n?", keep, text, flags=re.M)
    places = re.findall(r'^city = "([^"]+)"\n(?:[a-z]+ = [^\n]+\n)*?country = "([A-Z]{2})"', text, re.M)
    return config, places or [("Seoul", "KR"), ("Almaty", "KZ"), ("Geneva", "CH"), ("Baku", "AZ")]


def random_when(rng: random.Random, year: int) -> str:
    form = rng.choices([p for p, _ in PRECISIONS], [w for _, w in PRECISIONS])[0]
    month, day = rng.randint(1, 11), rng.randint(1, 25)
    return {"days": f"{year}-{month:02d}-{day:02d}/{year}-{month:02d}-{day + rng.randint(1, 3):02d}",
            "day": f"{year}-{month:02d}-{day:02d}", "month": f"{year}-{month:02d}",
            "months": f"{year}-{month:02d}/{year}-{month + 1:02d}", "quarter": f"{year}-Q{rng.randint(1, 4)}",
            "year": str(year)}[form]


def write_item(path: Path, meta: dict, langs: list[str], rng: random.Random) -> None:
    path.write_text(render(meta, body("en", rng)), encoding="utf-8")
    for lang in langs[1:]:
        if rng.random() < TRANSLATED:
            text = {"title": f"{meta['title']} ({lang})", "summary": f"{meta['summary']} [{lang}]"}
            if "location" in meta:
                text["location"] = meta["location"]
            path.with_name(f"{path.stem}.{lang}.md").write_text(render(text, body(lang, rng)), encoding="utf-8")


def render(meta: dict, text: str) -> str:
    lines = [f"{key}: {value}" if key == "regions" else f'{key}: "{value}"' for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + text


def body(lang: str, rng: random.Random) -> str:
    """250-400 words: paragraphs, two headings, a list and links, in the language's script."""
    words = WORDS[lang]
    target, parts, count = rng.randint(250, 400), [], 0
    while count < target:
        if len(parts) in (1, 4):
            parts.append("## " + " ".join(rng.choice(words) for _ in range(3)).capitalize())
        elif len(parts) == 3:
            parts.append("\n".join(f"- {rng.choice(words)} {rng.choice(words)} [{rng.choice(words)}](https://example.org/{n})"
                                   for n in range(4)))
            count += 12
        else:
            sentence = [rng.choice(words) for _ in range(rng.randint(40, 70))]
            count += len(sentence)
            parts.append(" ".join(sentence).capitalize() + ".")
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":
    main()
