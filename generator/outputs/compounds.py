"""Korean compounds marked for the search index: "스마트시티를" -> "스마트+시티를".

Pure (once the analyzer is loaded): text in, text out; it never touches the published
pages, only the copy that search.py hands to Pagefind. Korean writes compound nouns
without spaces and Pagefind splits Korean words only at spaces, so "시티" would not find
"스마트시티". Pagefind indexes a word joined by ASCII punctuation whole and by its parts,
and prefixes match: with a mark between the nouns of a compound, "시티", "스마트" and
"스마트시티" all find it. Kiwi (kiwipiepy, a Korean morphological analyzer) finds the nouns.
The results show the indexed text: assets/search.js removes the marks from them.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

SEGMENTED = frozenset({"ko"})
"""Languages whose pages are indexed with their compounds marked."""

MARK = "+"
"""What Pagefind splits a word at, indexing the parts and the whole (so do "-", "." and "/",
but not "_" nor any non-ASCII character). "+" hardly ever stands between two Hangul
syllables in prose, so search.js can take out every one it finds there."""

NOUNS = frozenset({"NNG", "NNP"})
"""Kiwi's tags for common and proper nouns (Sejong tag set); suffixes, particles and
endings stay attached, and a prefix search finds "시티를" for "시티"."""

SHORTEST_PART = 2
"""Syllables: a one-syllable part would cut "위원회" into "위원+회", and "위원회" would then
match neither part."""

CANDIDATES = 4
"""Analyses of a long noun looked through for one made of shorter nouns: Kiwi's first
reading of "스마트시티" is one dictionary word, its second "스마트" + "시티"."""

_HANGUL = re.compile("[\uac00-\ud7a3]")


ANALYZER = {"load_multi_dict": False, "load_typo_dict": False}
"""Kiwi's options: its bundled model and dictionary of proper nouns, without the multi-word
dictionary (WikiData names written with spaces, 12 MB: half of the load's second, and marks
only join nouns written without a space) nor the typo dictionary (nothing is corrected).
The real content's Korean pages are marked the same with and without them (bench/RESULTS.md)."""


def analyzer_version() -> str:
    """What the marks depend on besides the text: Kiwi, its model, its options and the rules here."""
    from importlib.metadata import version
    return repr((version("kiwipiepy"), version("kiwipiepy_model"), sorted(ANALYZER.items()), MARK,
                 sorted(NOUNS), SHORTEST_PART, CANDIDATES))


def load_analyzer():
    """Kiwi with its bundled model (the kiwipiepy_model package), ready to analyse: about a
    second, once a build, and only when a Korean page is new."""
    from kiwipiepy import Kiwi
    kiwi = Kiwi(**ANALYZER)
    kiwi.tokenize("")  # Kiwi loads most of its model on first use: load it now, where it is timed
    return kiwi


def has_hangul(text: str) -> bool:
    return _HANGUL.search(text) is not None


def mark_compounds(texts: Sequence[str], kiwi) -> list[str]:
    """Each text with a MARK between the nouns of its compounds; texts without Hangul as they are."""
    return [insert_marks(text, at) for text, at in zip(texts, compound_breaks(texts, kiwi))]


def compound_breaks(texts: Sequence[str], kiwi) -> list[tuple[int, ...]]:
    """For each text, the offsets at which a MARK goes (sorted, each between two Hangul
    syllables); a text's breaks depend on that text alone."""
    korean = [i for i, text in enumerate(texts) if _HANGUL.search(text)]
    breaks: list[tuple[int, ...]] = [()] * len(texts)
    parts: dict[str, tuple[str, ...]] = {}  # one analysis per distinct noun of this call
    for i, tokens in zip(korean, kiwi.tokenize([texts[i] for i in korean])):
        breaks[i] = _between_syllables(texts[i], _boundaries(tokens, kiwi, parts))
    return breaks


def _boundaries(tokens, kiwi, parts: dict[str, tuple[str, ...]]) -> set[int]:
    """Offsets where one noun of a compound ends and the next begins."""
    found = set()
    previous = None
    for token in tokens:
        if token.tag in NOUNS:
            if previous is not None and previous.start + previous.len == token.start \
                    and min(len(previous.form), len(token.form)) >= SHORTEST_PART:
                found.add(token.start)  # two nouns with no space between them
            if token.form not in parts:
                parts[token.form] = _nouns_within(token.form, kiwi)
            offset = token.start
            for part in parts[token.form][:-1]:
                offset += len(part)
                found.add(offset)
        previous = token if token.tag in NOUNS else None
    return found


def _nouns_within(noun: str, kiwi) -> tuple[str, ...]:
    """The nouns a long dictionary noun is made of ("스마트시티" -> 스마트, 시티), or itself."""
    if len(noun) < 2 * SHORTEST_PART:
        return (noun,)
    for tokens, _score in kiwi.analyze(noun, top_n=CANDIDATES)[1:]:
        forms = tuple(t.form for t in tokens)
        if len(forms) > 1 and "".join(forms) == noun and all(
                t.tag in NOUNS and len(t.form) >= SHORTEST_PART for t in tokens):
            return forms
    return (noun,)


def _between_syllables(text: str, offsets: Iterable[int]) -> tuple[int, ...]:
    """The offsets that fall between two Hangul syllables, in order."""
    return tuple(at for at in sorted(offsets)
                 if 0 < at < len(text) and _HANGUL.match(text[at - 1]) and _HANGUL.match(text[at]))


def insert_marks(text: str, breaks: Iterable[int]) -> str:
    """`text` with a MARK at each of `breaks` (sorted offsets into `text`)."""
    pieces, last = [], 0
    for at in breaks:
        pieces += [text[last:at], MARK]
        last = at
    return "".join(pieces) + text[last:]
