"""Korean compounds marked for the search index (generator/outputs/compounds.py), with the real analyzer.

That search then finds them is tested in a browser in test_quality.py."""

from __future__ import annotations

import pytest

from generator.outputs.compounds import load_analyzer, mark_compounds


@pytest.fixture(scope="module")
def kiwi():
    return load_analyzer()


@pytest.mark.parametrize("text, marked", [
    ("스마트시티", "스마트+시티"),  # a dictionary word made of two nouns
    ("스마트시티를 위한 집행위원회 회의", "스마트+시티를 위한 집행+위원회 회의"),  # particles stay on
    ("세계스마트지속가능도시기구", "세계+스마트+지속+가능+도시+기구"),
    ("위원회", "위원회"),  # no one-syllable part: "위원회" must stay findable whole
    ("WeGO 자문위원회(Advisory Board)", "WeGO 자문+위원회(Advisory Board)"),
    ("2024-2026 집행위원회 회원", "2024-2026 집행+위원회 회원"),
    ("Smart cities, 2024", "Smart cities, 2024"),  # no Hangul: as it is
    ("", ""),
])
def test_the_nouns_of_a_compound_are_marked(kiwi, text, marked):
    assert mark_compounds([text], kiwi) == [marked]


def test_texts_keep_their_order_and_what_is_not_korean(kiwi):
    texts = ["<p>", "스마트시티", "&amp; 도시", "x"]
    assert mark_compounds(texts, kiwi) == ["<p>", "스마트+시티", "&amp; 도시", "x"]
