"""Unit tests of the content stages on in-memory inputs: front matter, fields, assembly.

No file is read but the fixture's site.toml; each case is a text and what the
stage must say about it (`path:line: field`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.config import load_config
from generator.content.fields import FIELDS, Invalid
from generator.content.frontmatter import parse_front_matter
from generator.content.sources import SourceFile
from generator.content.validate import build_site, check_source

pytestmark = pytest.mark.unit

CONFIG = load_config(Path(__file__).parent / "sites" / "basic" / "site.toml")

EVENT = """---
title: Summit
summary: A summit.
category: networking
regions: [africa]
when: 2024-10
---
Body.
"""


PAGES = [("home", "---\ntitle: Home\nsummary: Welcome.\n---\n"), ("about", "---\ntitle: About\nsummary: Us.\n---\n"),
         ("contact", "---\ntitle: Contact\nsummary: Write.\n---\n")]


def with_pages(*sources: SourceFile) -> list[SourceFile]:
    """The model needs the plain pages the layouts link to."""
    return [*sources, *(source(text, name, kind="page") for name, text in PAGES)]


def source(text: str, name: str = "summit", lang: str | None = None, kind: str = "event") -> SourceFile:
    folder = {"event": "events", "program": "programs", "network": "networks", "page": ""}[kind]
    file = f"{name}.{lang}.md" if lang else f"{name}.md"
    display = f"content/{folder}/{file}".replace("//", "/")
    return SourceFile(Path("/site") / display, display, kind, name, lang, text)


# --- front matter ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, line, message", [
    ("title: x\n---\n", 1, "must start with front matter"),
    ("---\ntitle: x\n", 1, "not closed"),
    ("---\ntitle: [unclosed\n---\n", 2, ""),
    ("---\ntitle: a\ntitle: b\n---\n", 3, "'title' is given twice (line 2 and line 3)"),
    ("---\n- a list\n---\n", 2, ""),
    ("---\nbase: &a x\ntitle: *a\n---\n", None, "alias"),
])
def test_front_matter_mistakes_name_their_line(text, line, message):
    front, errors = parse_front_matter(text, "content/events/x.md")
    assert front is None and errors
    error = errors[0]
    assert error.path == "content/events/x.md"
    if line is not None:
        assert error.line == line, str(error)
    assert message.lower() in str(error).lower()


def test_front_matter_knows_the_line_of_every_value():
    text = "---\ntitle: T\ndetails:\n  - label: Venue\n    text: Hall\nregions: [africa]\n---\nBody\n"
    front, errors = parse_front_matter(text, "x.md")
    assert not errors
    assert front.line("title") == 2 and front.line("regions") == 6
    assert front.lines["details[0].label"] == 4 and front.lines["details[0].text"] == 5
    assert front.body == "Body\n"


# --- fields -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, raw, expected", [
    ("category", "networking", "networking"),
    ("regions", ["africa", "east-asia"], ("africa", "east-asia")),
    ("format", "hybrid", "hybrid"),
    ("status", "cancelled", "cancelled"),
    ("country", "KR", "KR"),
    ("timezone", "Asia/Seoul", "Asia/Seoul"),
    ("conference", True, True),
    ("updated", "2024-03-01", date(2024, 3, 1)),
])
def test_fields_accept_what_they_allow(name, raw, expected):
    assert FIELDS[name].check(raw, CONFIG) == expected


@pytest.mark.parametrize("name, raw, message, allowed", [
    ("category", "cooking", "'cooking' is not a category", "networking"),
    ("regions", [], "needs at least one region", "africa"),
    ("regions", ["africa", "africa"], "names a region twice", "africa"),
    ("status", "canceled", "'canceled' is not allowed", "cancelled"),
    ("format", "remote", "'remote' is not allowed", "online"),
    ("country", "Korea", "is not a country code", "KR"),
    ("timezone", "Seoul", "is not a time zone", "Asia/Seoul"),
    ("when", "2024-13", "", "2024-10"),
    ("time", "9 to 5", "is not a time", ""),
    ("conference", "yes", "expected true or false", "true, false"),
    ("links", {"homepage": "https://example.org"}, "'homepage' is not a kind of link", "website"),
    ("links", {"website": "javascript:alert(1)"}, "is not allowed", "https"),
    ("title", "x" * 30_000, "characters long", "at most"),
    ("id", "Über", "cannot be used in an address", "lower case"),
])
def test_fields_refuse_with_what_is_allowed(name, raw, message, allowed):
    with pytest.raises(Invalid) as caught:
        FIELDS[name].check(raw, CONFIG)
    assert message in str(caught.value)
    assert allowed in (caught.value.allowed or "")


# --- one file, then the whole model -----------------------------------------------------------

def test_an_unknown_field_is_reported_at_its_line_with_the_allowed_fields():
    checked, errors = check_source(source(EVENT.replace("when: 2024-10", "when: 2024-10\ncolour: red")), CONFIG)
    [error] = errors
    assert (error.path, error.line, error.field) == ("content/events/summit.md", 7, "colour")
    assert "category" in error.allowed


def test_a_missing_required_field_is_reported():
    _, errors = check_source(source(EVENT.replace("category: networking\n", "")), CONFIG)
    assert [(e.field, "required" in e.message) for e in errors] == [("category", True)]


def test_the_model_joins_translations_and_orders_items_by_date():
    later = EVENT.replace("title: Summit", "title: Later").replace("2024-10", "2024-11")
    translated = "---\ntitle: 정상회의\nsummary: 정상회의입니다.\n---\n본문\n"
    site, errors = build_site(with_pages(source(later, "later"), source(EVENT), source(translated, lang="ko")), CONFIG)
    assert not errors
    assert [i.id for i in site.items] == ["summit", "later"]
    summit = site.by_id["summit"]
    assert summit.languages == ("en", "ko") and summit.text("ko").title == "정상회의"
    assert summit.text("es").lang == "en"  # no Spanish: the original


def test_model_errors_are_all_reported_together():
    duplicate = EVENT.replace("title: Summit", "id: summit\ntitle: Other")
    orphan = "---\ntitle: 고아\nsummary: 번역.\n---\n"
    member = EVENT.replace("when: 2024-10", "when: 2024-10\nprogram: no-such-program")
    site, errors = build_site([source(EVENT), source(duplicate, "other"), source(orphan, "gone", "ko"),
                               source(member, "member")], CONFIG)
    assert site is None
    found = {(e.path, e.field) for e in errors}
    assert ("content/events/gone.ko.md", None) in found  # a translation of nothing
    assert any(e.field == "program" and e.path == "content/events/member.md" for e in errors)
    assert any("summit" in str(e) and e.field == "id" for e in errors)  # the id used twice


def test_a_translation_may_not_change_facts():
    translated = "---\ntitle: 정상회의\nsummary: 번역.\ncategory: governance\n---\n"
    _, errors = build_site([source(EVENT), source(translated, lang="ko")], CONFIG)
    assert any(e.path == "content/events/summit.ko.md" and e.field == "category" for e in errors)


def test_the_same_files_make_the_same_model_and_an_edit_changes_the_digest():
    first, _ = build_site(with_pages(source(EVENT)), CONFIG)
    again, _ = build_site(with_pages(source(EVENT)), CONFIG)
    edited, _ = build_site(with_pages(source(EVENT.replace("Body.", "Body, edited."))), CONFIG)
    assert first == again and first.items[0].digest == again.items[0].digest
    assert edited.items[0].digest != first.items[0].digest
