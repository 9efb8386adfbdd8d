"""Markdown: HTML off, unsafe links refused, content links resolved, plain text for feeds."""

import re
from pathlib import Path

import pytest

from generator.content.markdown import content_link_path, markdown_to_text, render_markdown, slugify

pytestmark = pytest.mark.unit


def test_raw_html_is_text():
    assert render_markdown('<script>alert(1)</script>\n\n<b onclick="x()">b</b>') == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<p>&lt;b onclick=&quot;x()&quot;&gt;b&lt;/b&gt;</p>\n")


def test_unsafe_link_schemes_are_not_links():
    for href in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:x", "data:text/html,x", "file:///etc/passwd"):
        assert "<a " not in render_markdown(f"[x]({href})"), href


def test_content_links_become_item_addresses():
    def resolve(href):
        target = content_link_path(href, Path("content/events"))
        anchor = href.partition("#")[2]
        return f"/en/events/{target.stem}/" + (f"#{anchor}" if anchor else "") if target else None
    html = render_markdown("See [EXCOM](excom-2024.md#agenda) and [WeGO](https://we-gov.org/).", resolve)
    assert '<a href="/en/events/excom-2024/#agenda">EXCOM</a>' in html
    assert '<a href="https://we-gov.org/" rel="noopener">WeGO</a>' in html


@pytest.mark.parametrize("body, ids", [
    ("## Smart City Expo 2024!\n", ["smart-city-expo-2024"]),
    ("## Agenda\n\n## Agenda\n\n## Agenda\n", ["agenda", "agenda-1", "agenda-2"]),
    ("## Agenda 2\n\n## Agenda\n\n## Agenda\n", ["agenda-2", "agenda", "agenda-1"]),
    ("## 프로그램\n\n## 프로그램 안내\n\n## 프로그램\n", ["프로그램", "프로그램-안내", "프로그램-1"]),
    ("## ما هي WeGO\n\n## الأمانة العامة\n", ["ما-هي-wego", "الأمانة-العامة"]),
    ("## Qué es WeGO\n\n## Café Séoul\n", ["qué-es-wego", "café-séoul"]),
    ("## EXCOM members 2024–2026\n", ["excom-members-2024-2026"]),
    ("## !!!\n\n## ???\n", ["section", "section-1"]),
    # The heading's text, not its Markdown: no address or entity in the id.
    ("## See [EXCOM](excom-2024.md)\n\n## Q&amp;A\n\n## ![logo](x.png) Logo\n", ["see-excom", "q-a", "logo"]),
    ("## `code_x` and *em*\n", ["code-x-and-em"]),
    ("# Title\n\n### Deep\n\n###### Six\n", ["title", "deep", "six"]),
])
def test_headings_get_unique_ids_in_any_script(body, ids):
    assert re.findall(r'<h[1-6] id="([^"]*)">', render_markdown(body)) == ids


@pytest.mark.parametrize("text, slug, ascii_slug", [
    ("Smart City Expo 2025", "smart-city-expo-2025", "smart-city-expo-2025"),
    ("Café Séoul: the Forum!", "café-séoul-the-forum", "cafe-seoul-the-forum"),
    ("  COP29 — Baku  ", "cop29-baku", "cop29-baku"),
    ("snake_case", "snake-case", "snake-case"),
    ("서울 행사", "서울-행사", ""),
    ("مدينة ذكية", "مدينة-ذكية", ""),
])
def test_one_slugify_for_heading_ids_and_item_ids(text, slug, ascii_slug):
    assert slugify(text) == slug
    assert slugify(text, ascii=True) == ascii_slug


def test_headings_placed_inside_a_larger_document():
    html = render_markdown("# One\n\n## Two\n\n##### Five\n\nSee [two](#two).", heading_shift=2, id_prefix="x--")
    assert re.findall(r"<(h[1-6]) id=\"([^\"]*)\">.*?</(h[1-6])>", html) == [
        ("h3", "x--one", "h3"), ("h4", "x--two", "h4"), ("h6", "x--five", "h6")]


def test_images_are_lazy():
    assert 'loading="lazy"' in render_markdown("![Map of Almaty](/assets/almaty.png)")


def test_plain_text_keeps_paragraphs_and_lists():
    text = markdown_to_text("Intro **bold**.\n\n- one\n- two\n  - nested\n\nAfter.\n\n3. third\n4. fourth\n")
    assert text == "Intro bold.\n\n- one\n- two\n  - nested\n\nAfter.\n\n3. third\n4. fourth"
