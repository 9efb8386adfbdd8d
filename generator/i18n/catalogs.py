"""Languages: gettext catalogs, compiled from locales/LANG/LC_MESSAGES/messages.po.

Reads the catalogs in locales/; a string a catalog lacks shows in English
(translations.py reports which).
"""

from __future__ import annotations

import gettext
import io
from functools import cached_property
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


class Catalog(gettext.GNUTranslations):
    """A language's compiled catalog."""

    @cached_property
    def messages(self) -> str:
        """Every message, as one stable text: what the keys of translated outputs hash."""
        return repr(sorted(self._catalog.items(), key=repr))


def catalog_messages(catalog: gettext.NullTranslations) -> str:
    """A catalog's messages as one stable text; none for the default language's."""
    return catalog.messages if isinstance(catalog, Catalog) else ""


def load_catalog(locales_dir: Path, lang: str, default_lang: str) -> gettext.NullTranslations:
    """Compile locales/LANG/LC_MESSAGES/messages.po in memory; English needs none."""
    po_path = catalog_file(locales_dir, lang)
    if lang == default_lang and not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Catalog(buffer)


def catalog_file(locales_dir: Path, lang: str) -> Path:
    return locales_dir / lang / "LC_MESSAGES" / "messages.po"


def extract_site_toml(fileobj, keywords, comment_tags, options):
    """Babel extractor: the names in site.toml that the layouts translate."""
    import tomllib
    data = tomllib.loads(fileobj.read().decode("utf-8"))
    site = data.get("site", {})
    for key in ("title", "tagline", "organisation"):
        if key in site:
            yield 0, "_", site[key], [f"site.{key}"]
    for table in ("categories", "regions"):
        for entry in data.get(table, []):
            yield 0, "_", entry["name"], [f"{table}: {entry['key']}"]
