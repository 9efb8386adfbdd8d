"""Wording for a mistyped name: the closest valid one, "did you mean `category`?".

Pure. One helper for every place that lists what is allowed (fields, categories,
regions, formats, statuses, ids, site.toml keys, cities), so that editors get the
same kind of hint everywhere. It only words a hint; it never accepts the guess.
"""

from __future__ import annotations

import difflib
from typing import Iterable

CUTOFF = 0.6
"""difflib's similarity ratio a name needs to be offered (its default: 'titel' ~ 'title')."""


def closest(value: object, choices: Iterable[str], n: int = 1) -> list[str]:
    """The `n` valid names nearest to `value`, best first, compared without regard to case;
    none when nothing is close. Deterministic: ties keep the order of `choices`."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return []
    wanted = str(value).strip().casefold()
    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(choice.casefold(), choice)
    if wanted in by_key:  # the same name in other letters: 'Governance' for 'governance'
        return [by_key[wanted]]
    return [by_key[key] for key in difflib.get_close_matches(wanted, list(by_key), n=n, cutoff=CUTOFF)]


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """'; did you mean `category`?' to append to a message, or '' when nothing is close."""
    found = closest(value, choices)
    return f"; did you mean `{found[0]}`?" if found else ""
