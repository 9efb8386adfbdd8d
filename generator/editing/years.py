"""`sitegen check`'s findings about years: the home page shows one year, so home text naming
another goes stale; a year's introduction needs its year to have activities.

Pure: works on the loaded model, the build date and a way to find a field's line.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Callable, Iterator

from generator.content.model import Site, Text
from generator.errors import SiteError
from generator.views.queries import current_year, years

LineOf = Callable[[str, str], "int | None"]
"""(content file, field) -> the field's line in the file."""

YEAR_IN_TEXT = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
"""A year written in a text: '2024', '2024년', 'año 2024'; not part of a longer number. No
word boundaries: Korean writes 2024년, where \\b finds none."""


def home_year_findings(site: Site, today: date, lines: LineOf) -> list[SiteError]:
    """The home page shows one year (the build date's, views.current_year) in its heading and
    lists, and home.md's words whatever the year: a year they name goes stale with the next.
    Each year's own words belong in its introduction (content/years/YEAR.md)."""
    shown = current_year(site, today)
    default = site.config.site.default_language
    found = []
    for text in site.pages["home"].texts:
        intro = f"content/years/{shown}{'' if text.lang == default else '.' + text.lang}.md"
        for field, line, words in _fields_and_lines(text, lines):
            for year in sorted(set(YEAR_IN_TEXT.findall(words)) - {str(shown)}):
                found.append(SiteError(text.source, line, field, f"names {year}, but the home page shows {shown}",
                                       f"words for every year here, and {shown}'s in {intro}", "warning"))
    if site.intros and shown not in site.intros:
        found.append(SiteError(site.pages["home"].source, None, None,
                               f"the home page shows {shown}, which has no introduction: it shows home.md's words alone",
                               f"content/years/{shown}.md; see docs/editing.md, 'A new year'", "warning"))
    known = years(site)
    for year, page in site.intros.items():
        if year not in known:
            found.append(SiteError(page.source, None, None,
                                   f"introduces {year}, which has no dated activity yet: no page shows it",
                                   f"an activity in {year}; its year page then shows this text", "warning"))
    return found


def _fields_and_lines(text: Text, lines: LineOf) -> Iterator[tuple[str, int | None, str]]:
    """(field, file line, words) of a text's title, summary and each line of its body."""
    yield "title", lines(text.source, "title"), text.title
    yield "summary", lines(text.source, "summary"), text.summary
    for number, line in enumerate(text.body.split("\n")):
        yield "body", text.body_line + number, line
