"""`sitegen new`: files the build accepts, never an overwrite, the build's own messages for bad values."""

from __future__ import annotations

import io
import sys

import pytest

from generator.build import Options, load_project
from generator.cli import main
from generator.errors import BuildFailed
from generator.content.markdown import slugify
from generator.i18n.translations import translation_report

from conftest import BUILD_DAY

pytestmark = pytest.mark.unit

EXPO = ["new", "event", "Smart City Expo 2025", "--when", "2025-11", "--category", "networking",
        "--region", "europe-mediterranean"]


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch):
    """Tests run without a terminal unless one says otherwise: `new` must not ask."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def run(project, capsys, *args) -> tuple[int, str, str]:
    code = main(["--root", str(project.root), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def load(project):
    """The project as the build loads it: raises BuildFailed, naming file and line, if it is not accepted."""
    return load_project(project, Options(out=project.root / "public", today=BUILD_DAY)).site


def test_new_event_writes_front_matter_and_an_outline(basic, capsys):
    code, out, err = run(basic, capsys, *EXPO, "--location", "Barcelona")
    assert (code, out, err) == (0, "content/events/smart-city-expo-2025.md\n", "")
    assert (basic.content / "events" / "smart-city-expo-2025.md").read_text() == """\
---
title: Smart City Expo 2025
summary: '[One or two sentences for lists, search results and calendar apps.]'
category: networking
regions: [europe-mediterranean]
when: 2025-11
location: Barcelona
---
## Description

[What happens, who it is for and what WeGO does there.]

## Agenda

[The programme: days, sessions, speakers.]

## How to take part

[Registration, deadlines, whom to contact.]
"""


@pytest.mark.parametrize("args, path", [
    (EXPO, "content/events/smart-city-expo-2025.md"),
    (["new", "program", "Youth School: Seoul", "--category", "capacity-building", "--region", "global",
      "--when", "2025", "--summary", "Fifteen weeks of training."], "content/programs/youth-school-seoul.md"),
    (["new", "network", "Pacific Network", "--category", "regional", "--region", "southeast-asia,east-asia"],
     "content/networks/pacific-network.md"),
    (["new", "event", "Café Séoul — Forum", "--id", "seoul-forum-2025", "--when", "2025-03-04/2025-03-05",
      "--category", "governance", "--region", "east-asia"], "content/events/seoul-forum-2025.md"),
])
def test_the_build_accepts_what_new_writes(basic, capsys, args, path):
    code, out, err = run(basic, capsys, *args)
    assert (code, out) == (0, path + "\n"), err
    item = next(i for i in load(basic).items if i.source == path)
    assert item.kind == args[1]
    assert item.original.title == args[2]


def ko_report(site, project):
    return next(r for r in translation_report(site, project.locales) if r.lang == "ko")


@pytest.mark.parametrize("original, translation", [
    ("workshop", "content/events/workshop.ko.md"),
    ("prize", "content/programs/prize.ko.md"),  # with details to translate
    ("about", "content/about.ko.md"),
])
def test_a_new_translation_counts_as_untranslated_until_its_text_changes(basic, capsys, original, translation):
    code, out, err = run(basic, capsys, "new", "translation", original, "--lang", "ko")
    assert (code, out) == (0, translation + "\n"), err
    site = load(basic)
    report = ko_report(site, basic)
    assert report.untranslated == (translation,) and translation not in report.stale + report.unstamped
    doc = site.item(original) or site.pages[original]
    assert not doc.is_translated("ko") and doc.text("ko") is doc.original and "ko" not in doc.languages
    code, out, _err = run(basic, capsys, "translations", "--lang", "ko")
    assert f"  untranslated: {translation}\n" in out
    path = basic.root / translation
    path.write_text(path.read_text().replace("\n---\n", "\n---\n번역된 문단.\n\n", 1))
    site = load(basic)
    doc = site.item(original) or site.pages[original]
    assert doc.text("ko").source == translation and doc.is_translated("ko")
    report = ko_report(site, basic)
    assert translation not in report.untranslated + report.stale + report.unstamped


def test_stamping_an_untouched_copy_makes_it_a_translation(basic, capsys):
    run(basic, capsys, "new", "translation", "workshop", "--lang", "ko")
    assert ko_report(load(basic), basic).untranslated == ("content/events/workshop.ko.md",)
    code, out, err = run(basic, capsys, "translations", "--stamp", str(basic.content / "events/workshop.ko.md"))
    assert (code, out) == (0, "stamped content/events/workshop.ko.md\n"), err
    site = load(basic)
    assert ko_report(site, basic).untranslated == () and site.item("workshop").is_translated("ko")


def test_sitegen_check_warns_of_an_untranslated_copy(basic, capsys):
    run(basic, capsys, "new", "translation", "workshop", "--lang", "ko")
    code, out, _err = run(basic, capsys, "check", "--now", BUILD_DAY.isoformat())
    assert code == 0
    line = (basic.content / "events/workshop.ko.md").read_text().splitlines().index(
        next(l for l in (basic.content / "events/workshop.ko.md").read_text().splitlines()
             if l.startswith("translated_from:"))) + 1
    assert (f"content/events/workshop.ko.md:{line}: warning: is not translated yet: it is still the copy of "
            "content/events/workshop.md that sitegen new made, so the site shows the original in its place "
            "(translated_from; use: translate its text") in out, out


def test_new_never_overwrites(basic, capsys):
    assert run(basic, capsys, *EXPO)[0] == 0
    path = basic.content / "events" / "smart-city-expo-2025.md"
    path.write_text(path.read_text() + "Edited.\n")
    before = path.read_text()
    code, out, err = run(basic, capsys, *EXPO)
    assert (code, out) == (1, "")
    assert err == ("content/events/smart-city-expo-2025.md: already exists, and sitegen new never overwrites a file "
                   "(use: edit that file, or choose a different --id)\nNothing was written.\n")
    assert path.read_text() == before
    code, _out, err = run(basic, capsys, "new", "translation", "summit", "--lang", "ko")
    assert code == 1 and "content/events/summit.ko.md: already exists" in err


def test_an_id_taken_by_another_kind_is_refused(basic, capsys):
    code, _out, err = run(basic, capsys, "new", "program", "Workshop", "--category", "governance", "--region", "global")
    assert code == 1
    assert "content/programs/workshop.md: id: 'workshop' is already the id of content/events/workshop.md" in err
    assert not (basic.content / "programs" / "workshop.md").exists()


def build_error(project, field: str, old: str, new: str) -> str:
    """The build's message for a value, from loading the fixture with that value in workshop.md."""
    path = project.content / "events" / "workshop.md"
    original = path.read_text()
    path.write_text(original.replace(old, new, 1))
    try:
        with pytest.raises(BuildFailed) as failed:
            load(project)
    finally:
        path.write_text(original)
    error = next(e for e in failed.value.errors if e.field == field)
    return str(error).split(f": {field}: ", 1)[1]


@pytest.mark.parametrize("option, value, field, old", [
    ("--when", "Sept 19", "when", "when: 2024-09-19/2024-09-21"),
    ("--when", "2025-11-31", "when", "when: 2024-09-19/2024-09-21"),
    ("--category", "training", "category", "category: capacity-building"),
])
def test_a_bad_value_is_refused_with_the_builds_message(basic, capsys, option, value, field, old):
    args = list(EXPO)
    args[args.index(option) + 1] = value
    code, out, err = run(basic, capsys, *args)
    assert (code, out) == (1, "")
    message = err.splitlines()[0]
    assert message.startswith(f"content/events/smart-city-expo-2025.md: {field}: ")
    expected = build_error(basic, field, old, f"{field}: {value}")
    assert message.split(f": {field}: ", 1)[1] == expected
    assert not (basic.content / "events" / "smart-city-expo-2025.md").exists()


def test_without_a_terminal_missing_options_are_listed_not_asked(basic, capsys):
    code, out, err = run(basic, capsys, "new", "event", "Smart City Expo 2025")
    assert (code, out) == (2, "")
    assert err.startswith("sitegen new event: missing --when, --category, --region (use: sitegen new event ")
    code, _out, err = run(basic, capsys, "new", "translation")
    assert code == 2 and err.startswith("sitegen new translation: missing ID, --lang")


def test_on_a_terminal_missing_options_are_asked_until_valid(basic, capsys, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    answers = iter(["Smart City Expo 2025", "Sept", "2025-11", "networking", "europe-mediterranean, global",
                    "", "", "", "", ""])  # Enter: no format, location, city, country or time
    prompts = []
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or next(answers))
    code, out, err = run(basic, capsys, "new", "event")
    assert (code, out) == (0, "content/events/smart-city-expo-2025.md\n"), err
    assert len(prompts) == 10 and "Format (in-person, online, hybrid) (Enter to skip): " in prompts
    assert "when: 'Sept' is not a date this site understands" in prompts[2]
    item = load(basic).item("smart-city-expo-2025")
    assert (str(item.when), item.category) == ("2025-11", "networking")
    assert item.regions == ("europe-mediterranean", "global")


def test_a_translation_into_an_unknown_language_is_refused(basic, capsys):
    code, _out, err = run(basic, capsys, "new", "translation", "workshop", "--lang", "fr")
    assert code == 1
    assert "content/events/workshop.fr.md: lang: 'fr' is not a language to translate into (use: ko)" in err
    code, _out, err = run(basic, capsys, "new", "translation", "workshp", "--lang", "ko")
    assert code == 1 and "'workshp' is not the id of an item or page; did you mean `workshop`? (use: workshop)" in err


@pytest.mark.parametrize("title, slug", [
    ("Smart City Expo 2025", "smart-city-expo-2025"),
    ("WeGO-NIA Joint Workshop", "wego-nia-joint-workshop"),
    ("Café Séoul: the Forum!", "cafe-seoul-the-forum"),
    ("  COP29 — Baku  ", "cop29-baku"),
    ("서울 행사", ""),
])
def test_ids_are_made_from_titles(title, slug):
    assert slugify(title, ascii=True) == slug


def test_the_translation_report_leaves_drafts_out(basic):
    site = load_project(basic, Options(out=basic.root / "public", today=BUILD_DAY, drafts=True)).site
    assert any(i.draft for i in site.items)
    report = next(r for r in translation_report(site, basic.locales) if r.lang == "ko")
    assert not any("draft-idea" in source for source in report.missing)
    assert report.total == sum(1 for i in site.items if not i.draft) + len(site.pages)


BERLIN = ["new", "event", "Berlin Conference 2025", "--when", "2025-06-03", "--category", "networking",
          "--region", "europe-mediterranean", "--format", "hybrid", "--location", "Berlin, Germany", "--city", "Berlin",
          "--country", "DE", "--time", "09:00-17:00", "--timezone", "Europe/Berlin"]


def test_new_event_takes_format_place_and_time(basic, capsys):
    code, out, err = run(basic, capsys, *BERLIN)
    assert (code, out) == (0, "content/events/berlin-conference-2025.md\n"), err
    text = (basic.content / "events/berlin-conference-2025.md").read_text()
    assert ("when: '2025-06-03'\nformat: hybrid\nlocation: Berlin, Germany\ncity: Berlin\ncountry: DE\n"
            "time: 09:00-17:00\ntimezone: Europe/Berlin\n---\n") in text
    item = load(basic).item("berlin-conference-2025")
    assert (item.format, item.city, item.country, item.timezone) == ("hybrid", "Berlin", "DE", "Europe/Berlin")
    assert (str(item.start_time), str(item.end_time)) == ("09:00:00", "17:00:00")
    assert [round(c) for c in item.coordinates] == [53, 13]


@pytest.mark.parametrize("option, value, expected", [
    ("--format", "hybird", "format: 'hybird' is not allowed; did you mean `hybrid`? (use: in-person, online, hybrid)"),
    ("--city", "Berln", "city: 'Berln' is not a city the gazetteer knows in DE; did you mean `Berlin`?"),
    ("--country", "Germany", "country: 'Germany' is not a country code; did you mean `DE` (Germany)?"),
    ("--time", "25:00", "time: '25:00' is not a time of day"),
    ("--timezone", "Berlin", "timezone: 'Berlin' is not a time zone; did you mean `Europe/Berlin`?"),
])
def test_a_bad_format_place_or_time_is_refused_with_the_builds_message(basic, capsys, option, value, expected):
    args = list(BERLIN)
    args[args.index(option) + 1] = value
    code, out, err = run(basic, capsys, *args)
    assert (code, out) == (1, "")
    assert f"content/events/berlin-conference-2025.md: {expected}" in err, err
    assert not (basic.content / "events/berlin-conference-2025.md").exists()


def test_a_time_without_its_zone_is_refused(basic, capsys):
    args = BERLIN[:BERLIN.index("--timezone")]
    code, _out, err = run(basic, capsys, *args)
    assert code == 1
    assert "content/events/berlin-conference-2025.md: timezone: is needed with a time" in err, err


def test_on_a_terminal_place_and_time_are_asked_and_checked_together(basic, capsys, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    answers = iter(["hybird", "hybrid", "Berlin, Germany", "Berln", "DE", "09:00-17:00", "",
                    "Berlin", ""])  # the city again, then Enter: the zone the gazetteer gives Berlin
    prompts = []
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or next(answers))
    code, out, err = run(basic, capsys, *BERLIN[:BERLIN.index("--format")])
    assert (code, out) == (0, "content/events/berlin-conference-2025.md\n"), err
    assert "format: 'hybird' is not allowed; did you mean `hybrid`?" in prompts[1]
    assert "city: 'Berln' is not a city the gazetteer knows in DE; did you mean `Berlin`?" in prompts[7]
    assert prompts[8].endswith("Time zone, e.g. Europe/Berlin [Europe/Berlin]: ")
    item = load(basic).item("berlin-conference-2025")
    assert (item.format, item.city, item.timezone) == ("hybrid", "Berlin", "Europe/Berlin")
