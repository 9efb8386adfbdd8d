"""Markdown: HTML off, unsafe links refused, content links resolved, plain text for feeds."""

import pytest
from pathlib import Path


pytestmark = pytest.mark.unit
from generator.content.markdown import content_link_path, markdown_to_text, render_markdown, slugify


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


def test_headings_get_unique_ids_in_any_script():
    html = render_markdown("## Agenda\n\n## Agenda\n\n## 프로그램\n")
    assert '<h2 id="agenda">' in html and '<h2 id="agenda-2">' in html and '<h2 id="프로그램">' in html
    assert slugify("Smart City Expo 2024!") == "smart-city-expo-2024"


def test_images_are_lazy():
    assert 'loading="lazy"' in render_markdown("![Map of Almaty](/assets/almaty.png)")


def test_plain_text_keeps_paragraphs_and_lists():
    text = markdown_to_text("Intro **bold**.\n\n- one\n- two\n  - nested\n\nAfter.\n\n3. third\n4. fourth\n")
    assert text == "Intro bold.\n\n- one\n- two\n  - nested\n\nAfter.\n\n3. third\n4. fourth"
