"""Data for other programs: /LANG/events.json against its JSON Schema, and /LANG/atom.xml."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest

from conftest import BUILD_DAY, ROOT
from generator.build import Options, Project, build

pytestmark = [pytest.mark.build, pytest.mark.slow]

LANGS = ("en", "ko", "es", "ar")
SCHEMA = json.loads((ROOT / "docs" / "events.schema.json").read_text())
ATOM = "{http://www.w3.org/2005/Atom}"


def site_file(site: Path, url: str) -> Path:
    """The built file an absolute or site-absolute URL points to."""
    path = urlsplit(url).path.lstrip("/")
    return site / (path + "index.html" if path.endswith("/") or not path else path)


@pytest.fixture(scope="module")
def documents(real_site) -> dict[str, dict]:
    return {lang: json.loads((real_site / lang / "events.json").read_text()) for lang in LANGS}


def test_the_schema_is_a_valid_json_schema_and_published_as_committed(real_site):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert (real_site / "events.schema.json").read_bytes() == (ROOT / "docs" / "events.schema.json").read_bytes()


@pytest.mark.parametrize("lang", LANGS)
def test_events_json_validates_against_the_schema(documents, lang):
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(documents[lang])]
    assert errors == []


def test_every_published_item_is_there_once_in_date_order(documents, real_model):
    for lang, document in documents.items():
        assert document["language"] == lang
        assert [i["id"] for i in document["items"]] == [i.id for i in real_model.site.items]


def test_dates_keep_their_precision_and_display_in_the_language(documents):
    en = {i["id"]: i for i in documents["en"]["items"]}
    assert en["excom-2024"]["when"] == {"text": "2024-09-19/2024-09-21", "precision": "days",
                                        "start": "2024-09-19", "end": "2024-09-21",
                                        "display": "Sep 19\u2009\u2013\u200921, 2024"}
    assert en["kickoff-2024"]["when"] == {"text": "2024-02", "precision": "month", "start": "2024-02",
                                          "end": "2024-02", "display": "Feb 2024"}
    assert en["afscn"]["when"]["precision"] == "quarter" and en["afscn"]["when"]["start"] == "2024-07"
    ko = {i["id"]: i for i in documents["ko"]["items"]}
    assert ko["excom-2024"]["when"]["display"] != en["excom-2024"]["when"]["display"]
    assert "2024" in ko["excom-2024"]["when"]["display"]


def test_translation_flags_name_the_language_of_the_text(documents, real_model):
    for lang, document in documents.items():
        for data in document["items"]:
            item = real_model.site.item(data["id"])
            assert data["translated"] == item.is_translated(lang)
            assert data["text_language"] == item.text(lang).lang
            assert data["title"] == item.text(lang).title
    ar = {i["id"]: i for i in documents["ar"]["items"]}
    assert ar["afscn"]["translated"] and ar["afscn"]["text_language"] == "ar"
    assert not ar["excom-2024"]["translated"] and ar["excom-2024"]["text_language"] == "en"


def test_page_and_calendar_addresses_exist(documents, real_site):
    for lang, document in documents.items():
        for data in document["items"]:
            assert urlsplit(data["url"]).path == f"/{lang}/{data['kind']}s/{data['id']}/"
            assert site_file(real_site, data["url"]).is_file(), data["url"]
            if data["ics"]:
                assert site_file(real_site, data["ics"]).is_file(), data["ics"]
    en = {i["id"]: i for i in documents["en"]["items"]}
    assert en["excom-2024"]["ics"].endswith("/en/events/excom-2024/event.ics")
    assert en["seoul-smart-city-prize"]["ics"].endswith("/en/programs/seoul-smart-city-prize/calendar.ics")


def test_generated_from_is_the_latest_change_never_the_clock(documents, real_model):
    latest = max(i.modified for i in real_model.site.items)
    for document in documents.values():
        assert datetime.fromisoformat(document["generated_from"]) == latest


def test_data_files_are_byte_identical_across_builds_and_build_dates(real_site, tmp_path):
    build(Project(ROOT), Options(out=tmp_path / "again", today=BUILD_DAY.replace(month=12), search=False))
    for name in [f"{lang}/events.json" for lang in LANGS] + [f"{lang}/atom.xml" for lang in LANGS]:
        assert (tmp_path / "again" / name).read_bytes() == (real_site / name).read_bytes(), name
    text = (real_site / "en" / "events.json").read_text()
    assert text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"  # canonical


# Atom


@pytest.fixture(scope="module")
def feeds(real_site) -> dict[str, ET.Element]:
    return {lang: ET.parse(real_site / lang / "atom.xml").getroot() for lang in LANGS}


def test_atom_feed_lists_items_newest_first_with_stable_tag_ids(feeds, real_model):
    site = real_model.site
    for lang, feed in feeds.items():
        assert feed.tag == f"{ATOM}feed"
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        entries = feed.findall(f"{ATOM}entry")
        assert len(entries) == min(50, len(site.items))
        ids = [e.findtext(f"{ATOM}id") for e in entries]
        assert all(re.fullmatch(rf"tag:we-gov\.org,2024:{lang}/[a-z0-9-]+", i) for i in ids), ids
        assert len(set(ids)) == len(ids)
        updated = [e.findtext(f"{ATOM}updated") for e in entries]
        assert updated == sorted(updated, reverse=True)
        assert feed.findtext(f"{ATOM}updated") == updated[0]
        for entry in entries:
            item = site.item(entry.findtext(f"{ATOM}id").rpartition("/")[2])
            assert entry.findtext(f"{ATOM}updated") == item.modified.strftime("%Y-%m-%dT%H:%M:%SZ")
            assert entry.findtext(f"{ATOM}title") == item.text(lang).title


def test_atom_links_resolve_and_the_home_page_announces_the_feed(feeds, real_site):
    for lang, feed in feeds.items():
        self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
        assert urlsplit(self_link).path == f"/{lang}/atom.xml"
        for entry in feed.findall(f"{ATOM}entry"):
            assert site_file(real_site, entry.find(f"{ATOM}link").get("href")).is_file()
        home = (real_site / lang / "index.html").read_text()
        assert f'<link rel="alternate" type="application/atom+xml" href="/{lang}/atom.xml"' in home
