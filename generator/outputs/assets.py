"""assets/ -> fingerprinted files: 'style.css' is served as 'style.3f2a9c1b.css'.

Pure apart from reading assets/. The stylesheet gains one rule per category
of site.toml, so colours live in one place. Fingerprinted names let hosts
cache assets for a year while a change is seen at once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from generator.config import SiteConfig
from generator.views.worldmap import land_svg
from generator.outputs import Artifact

FINGERPRINTED = (".css", ".js", ".svg")


def render_assets(assets_dir: Path, config: SiteConfig) -> tuple[list[Artifact], dict[str, str]]:
    """The asset files and a map from source name to the published file name."""
    artifacts, names = [], {}
    generated = {"world.svg": land_svg()}  # made from data in the code, not a file in assets/
    for name, data in generated.items():
        published = fingerprint(name, data)
        names[name] = published
        artifacts.append(Artifact(f"assets/{published}", data))
    for path in sorted(p for p in assets_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
        name = path.relative_to(assets_dir).as_posix()
        if name.startswith("fonts/"):
            continue  # brochure fonts are embedded in the PDFs, never served
        data = path.read_bytes()
        if name == "style.css":
            data += category_rules(config).encode()
        published = fingerprint(name, data) if path.suffix in FINGERPRINTED else name
        names[name] = published
        artifacts.append(Artifact(f"assets/{published}", data))
    return artifacts, names


def category_rules(config: SiteConfig) -> str:
    rules = "".join(f".cat-{c.key}{{--cat:{c.colour}}}\n" for c in config.categories)
    return "\n/* Category colours, from site.toml */\n" + rules


def fingerprint(name: str, data: bytes) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{suffix}"
