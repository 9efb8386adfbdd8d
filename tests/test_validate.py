"""Bad input: each case breaks one line of the fixture site and expects `path:line: field` in the errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from generator.cli import main

from conftest import BUILD_DAY, committed

pytestmark = pytest.mark.build


def run_build(project, capsys, *extra) -> tuple[int, str]:
    code = main(["--root", str(project.root), "build", "--now", BUILD_DAY.isoformat(), *extra])
    return code, capsys.readouterr().err


def edit(project, file: str, old: str, new: str) -> None:
    path = project.content / file
    text = path.read_text()
    assert old in text, f"fixture {file} lacks {old!r}"
    path.write_text(text.replace(old, new, 1))


@pytest.mark.slow
def test_fixture_builds(basic, capsys):
    code, err = run_build(basic, capsys)
    assert code == 0, err


@pytest.mark.parametrize("file, old, new, expected", [
    ("events/workshop.md", "when: 2024-09-19/2024-09-21", "when: Sept 19",
     "content/events/workshop.md:6: when: 'Sept 19' is not a date this site understands (use: 2024-09-19 (a day)"),
    ("events/workshop.md", "category: capacity-building", "category: training",
     "content/events/workshop.md:4: category: 'training' is not a category (use: prize, governance, matchmaking"),
    ("events/workshop.md", "regions: [central-asia, global]", "regions: [central-asia, asia]",
     "content/events/workshop.md:5: regions: 'asia' is not a region; did you mean `east-asia`? (use: east-asia, southeast-asia"),
    ("events/ceremony.md", "status: tentative", "status: canceled",
     "content/events/ceremony.md:9: status: 'canceled' is not allowed; did you mean `cancelled`? (use: confirmed, tentative, cancelled, postponed)"),
    ("events/ceremony.md", "program: prize", "program: award",
     "content/events/ceremony.md:8: program: 'award' is not a published program or network"),
    ("events/summit.md", "  website: https://example.org/summit", "  website: javascript:alert(1)",
     "content/events/summit.md:14: links: 'javascript:alert(1)' is not allowed (use: an https://, http:// or mailto: address)"),
    ("events/summit.md", "country: KR", "country: Korea",
     "content/events/summit.md:11: country: 'Korea' is not a country code; did you mean `KR` (South Korea)?"),
    ("events/summit.md", "timezone: Asia/Seoul", "timezone: Seoul",
     "content/events/summit.md:8: timezone: 'Seoul' is not a time zone; did you mean `Asia/Seoul`?"),
    ("events/summit.md", 'time: "09:30-17:00"', 'time: "17:00-09:30"',
     "content/events/summit.md:7: time: '17:00-09:30' ends before it starts"),
    ("events/summit.md", "when: 2024-03-05", "when: 2024-03",
     "content/events/summit.md:7: time: needs the days of the event (use: when: 2024-09-19, or daily hours over days: "
     "when: 2024-09-19/2024-09-21)"),
    ("events/forum.md", "format: online", "format: virtual",
     "content/events/forum.md:9: format: 'virtual' is not allowed (use: in-person, online, hybrid)"),
    ("events/forum.md", "title: Cancelled forum", "titel: Cancelled forum",
     "content/events/forum.md:2: titel: is not a field of an event; did you mean `title`? (use: id, title, summary"),
    ("events/forum.md", "title: Cancelled forum\n", "",
     "content/events/forum.md:1: title: is required for an event"),
    ("events/forum.md", "summary: Was planned for May, then cancelled.", "summary: Planned: May",
     "content/events/forum.md:3: the front matter is not valid YAML: mapping values are not allowed"),
    ("events/forum.md", "location: Lisbon", "location: [Lisbon",
     "content/events/forum.md:"),
    ("programs/prize.md", "    when: 2024-04-01/2024-06-28", "    when: 2024-06-28/2024-04-01",
     "content/programs/prize.md:12: details: '2024-06-28/2024-04-01': a range must end after it starts"),
    ("events/summit.ko.md", "location: 서울", "location: 서울\nwhen: 2024-03-06",
     "content/events/summit.ko.md:5: when: differs from the original content/events/summit.md"),
    ("events/workshop.md", "conference: true", "conference: yes please",
     "content/events/workshop.md:11: conference: expected true or false, got text"),
    ("events/ceremony.md", "title: Ceremony in October", "title: Ceremony in October\nid: Bad_ID",
     "content/events/ceremony.md:3: id: 'Bad_ID' cannot be used in an address"),
    ("events/ceremony.md", "title: Ceremony in October", "title: Ceremony in October\nid: workshop",
     "content/events/ceremony.md:3: id: 'workshop' is already the id of content/events/workshop.md; an id is "
     "permanent once published, so that file keeps it (use: choose another id for this new file)"),
    ("events/forum.md", "when: 2024-05-14/2024-05-15", "when: !!timestamp 2024-05-14",
     "content/events/forum.md:6: YAML tags such as !!timestamp are not allowed; write the value plainly"),
    ("home.md", "[summit](events/summit.md)", "[summit](events/summut.md)",
     "content/home.md:5: body: links to summut.md, which is not a content file; did you mean `summit.md`?"),
    ("events/workshop.md", "category: capacity-building", "category: goverance",
     "content/events/workshop.md:4: category: 'goverance' is not a category; did you mean `governance`? (use: prize"),
    ("events/forum.md", "format: online", "format: hybird",
     "content/events/forum.md:9: format: 'hybird' is not allowed; did you mean `hybrid`? (use: in-person, online, hybrid)"),
    ("events/ceremony.md", "program: prize", "program: prise",
     "content/events/ceremony.md:8: program: 'prise' is not a published program or network; did you mean `prize`?"),
    ("events/summit.md", "  website: https://example.org/summit", "  wesbite: https://example.org/summit",
     "content/events/summit.md:14: links: 'wesbite' is not a kind of link; did you mean `website`? (use: website,"),
    ("events/summit.md", "country: KR", "country: kr",
     "content/events/summit.md:11: country: 'kr' is not a country code; did you mean `KR`?"),
    ("events/summit.md", "  website: https://example.org/summit", "\twebsite: https://example.org/summit",
     "content/events/summit.md:14: the front matter is not valid YAML: tabs are not allowed for indentation; "
     "use spaces (use: indent with spaces"),
    ("programs/prize.md", "    when: 2024-04-01/2024-06-28", "\t  when: 2024-04-01/2024-06-28",
     "content/programs/prize.md:12: the front matter is not valid YAML: tabs are not allowed for indentation"),
])
def test_one_broken_line_is_reported_with_file_line_and_field(basic, capsys, file, old, new, expected):
    edit(basic, file, old, new)
    code, err = run_build(basic, capsys)
    assert code == 1
    assert expected in err, err


def test_all_errors_of_a_run_are_reported_together(basic, capsys):
    edit(basic, "events/workshop.md", "when: 2024-09-19/2024-09-21", "when: soon")
    edit(basic, "events/ceremony.md", "category: prize", "category: prizes")
    edit(basic, "events/forum.md", "summary: Was planned for May, then cancelled.", "summary: [unclosed")
    code, err = run_build(basic, capsys)
    assert code == 1
    assert "content/events/workshop.md:6: when:" in err
    assert "content/events/ceremony.md:4: category:" in err
    assert "content/events/forum.md:3:" in err
    assert "3 errors; nothing was published" in err


def test_the_command_reports_every_error_and_its_status_as_it_leaves(basic):
    """`sitegen` leaves its process without freeing the build's objects one by one (cli.run):
    what it printed must still all be there, and its exit status be the build's."""
    edit(basic, "events/workshop.md", "when: 2024-09-19/2024-09-21", "when: soon")
    edit(basic, "events/ceremony.md", "category: prize", "category: prizes")
    command = [sys.executable, "-m", "generator", "--root", str(basic.root), "build", "--now", BUILD_DAY.isoformat(),
               "--no-brochure", "--no-search"]
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as a terminal's pipe would be
    failed = subprocess.run(command, capture_output=True, text=True, timeout=300, env=buffered)
    assert failed.returncode == 1
    assert "content/events/workshop.md:6: when:" in failed.stderr and "content/events/ceremony.md:4: category:" in failed.stderr
    assert failed.stderr.endswith("2 errors; nothing was published.\n")
    edit(basic, "events/workshop.md", "when: soon", "when: 2024-09-19/2024-09-21")
    edit(basic, "events/ceremony.md", "category: prizes", "category: prize")
    built = subprocess.run(command, capture_output=True, text=True, timeout=300, env=buffered)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built ") and built.stdout.endswith("\n")


def test_a_translation_without_original_names_both_files(basic, capsys):
    (basic.content / "events" / "ghost.ko.md").write_text("---\ntitle: 유령\nsummary: 원본이 없습니다.\n---\n")
    code, err = run_build(basic, capsys)
    assert code == 1
    assert "content/events/ghost.ko.md:1: is a translation of a file that does not exist (use: content/events/ghost.md)" in err


def test_a_file_in_an_unknown_language_is_refused(basic, capsys):
    (basic.content / "events" / "summit.fr.md").write_text("---\ntitle: Sommet\nsummary: Un sommet.\n---\n")
    code, err = run_build(basic, capsys)
    assert code == 1
    assert "content/events/summit.fr.md: 'fr' is not a language of site.toml (use: en, ko)" in err


@pytest.mark.slow
def test_unquoted_yaml_dates_keep_their_precision(basic, capsys, tmp_path):
    # YAML would make 2024-09-19 a date and 2024 a number; both must still work.
    edit(basic, "programs/board.md", "when: 2024", "when: 2024")
    code, err = run_build(basic, capsys, "--out", str(tmp_path / "out"))
    assert code == 0, err
    page = (tmp_path / "out" / "en" / "programs" / "board" / "index.html").read_text()
    assert "Year-round 2024" in page


@pytest.mark.slow
def test_errors_leave_the_previous_output_untouched(basic, capsys, tmp_path):
    out = tmp_path / "out"
    assert run_build(basic, capsys, "--out", str(out))[0] == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    edit(basic, "events/workshop.md", "when: 2024-09-19/2024-09-21", "when: tomorrow")
    edit(basic, "home.md", "A fixture site", "A changed fixture site")
    assert run_build(basic, capsys, "--out", str(out))[0] == 1
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_a_broken_layout_is_reported_with_its_file_and_line(basic, capsys, tmp_path):
    out = tmp_path / "out"
    assert run_build(basic, capsys, "--no-search", "--no-brochure", "--out", str(out))[0] == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    layout = basic.layouts / "item.html"
    lines = layout.read_text().splitlines()
    lines.insert(5, "{{ text.no_such_field }}")  # becomes line 6
    layout.write_text("\n".join(lines) + "\n")
    code, err = run_build(basic, capsys, "--no-search", "--no-brochure", "--out", str(out))
    assert code == 1
    assert "layouts/item.html:6: UndefinedError: 'generator.content.model.Text object' has no attribute 'no_such_field'" in err
    # Pages are written as they are rendered, into a folder that replaces the site only at the end.
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_layout_syntax_error_is_reported_with_its_line(basic, capsys):
    layout = basic.layouts / "contact.html"
    layout.write_text(layout.read_text().replace("{% endblock %}", "{% endblok %}", 1))
    code, err = run_build(basic, capsys, "--no-search", "--no-brochure")
    assert code == 1
    assert "layouts/contact.html:" in err and "endblok" in err


def test_a_language_without_a_catalog_says_how_to_start_one(basic, capsys):
    import shutil
    shutil.rmtree(basic.locales / "ko")
    code, err = run_build(basic, capsys, "--no-search", "--no-brochure")
    assert code == 1
    assert ("locales/ko/LC_MESSAGES/messages.po: is missing: every language of site.toml needs a catalog "
            "(use: pybabel init -i locales/messages.pot -d locales -l ko)") in err


@pytest.mark.slow
def test_a_time_over_several_days_is_accepted_as_daily_hours(basic, capsys, tmp_path):
    edit(basic, "events/summit.md", "when: 2024-03-05", "when: 2024-03-05/2024-03-07")
    code, err = run_build(basic, capsys, "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert b"RRULE:FREQ=DAILY;COUNT=3" in (tmp_path / "out/en/events/summit/event.ics").read_bytes()


def test_a_mistyped_site_toml_key_suggests_the_closest(basic, capsys):
    toml = basic.config_file.read_text()
    basic.config_file.write_text(toml.replace("[feeds]", "[feeds]\nundatd = \"span\"", 1)
                                 if "[feeds]" in toml else toml + '\n[feeds]\nundatd = "span"\n')
    code, err = run_build(basic, capsys)
    assert code == 1
    assert "site.toml: feeds.undatd: unknown key; did you mean `undated`? (use: undated, window_months)" in err, err


def test_a_duplicate_id_blames_the_file_git_does_not_know_yet(basic, capsys):
    """ceremony.md (published, `id: gala`) sorts first and is not named after its id, so without
    git the new gala.md would keep the id; with git, the new file is the one to change."""
    edit(basic, "events/ceremony.md", "title: Ceremony in October", "title: Ceremony in October\nid: gala")
    committed(basic.root)
    text = (basic.content / "events/forum.md").read_text()
    (basic.content / "events/gala.md").write_text(text)
    code, err = run_build(basic, capsys)
    assert code == 1
    assert ("content/events/gala.md:1: id: 'gala' is already the id of content/events/ceremony.md "
            "(this file's id comes from its name); an id is permanent once published, so that file keeps it "
            "(use: choose another id for this new file: rename it, or add an id line)") in err, err
    assert "content/events/ceremony.md:3: id" not in err



@pytest.mark.parametrize("old, new, expected", [
    ('undated = "span"', 'undated = "spam"', "site.toml: feeds.undated: 'spam' is not allowed; did you mean `span`? (use: span, omit)"),
    ('default_language = "en"', 'default_language = "EN"', "site.toml: site.default_language: 'EN' is not in languages; "
                                                           "did you mean `en`? (use: en, ko)"),
])
def test_a_wrong_site_toml_value_suggests_the_closest(basic, capsys, old, new, expected):
    toml = basic.config_file.read_text()
    assert old in toml
    basic.config_file.write_text(toml.replace(old, new, 1))
    code, err = run_build(basic, capsys)
    assert code == 1
    assert expected in err, err


@pytest.mark.parametrize("name, text, expected", [
    ("next.md", "---\ntitle: Next\nsummary: Soon.\n---\nText.\n",
     "content/years/next.md: is not named after a year (use: the year it introduces, e.g. content/years/2025.md)"),
    ("2025.md", "---\ntitle: 2025\nsummary: The year.\ncategory: governance\n---\nText.\n",
     "content/years/2025.md:4: category: is not a field of a year's introduction (use: title, summary, draft)"),
    ("2025.md", "---\ntitle: 2025\n---\nText.\n", "content/years/2025.md:1: summary: is required for a year's introduction"),
    ("2025.fr.md", "---\ntitle: 2025\nsummary: L'année.\n---\nTexte.\n",
     "content/years/2025.fr.md: 'fr' is not a language of site.toml (use: en, ko)"),
    ("2025.ko.md", "---\ntitle: 2025\nsummary: 한 해.\n---\n본문.\n",
     "content/years/2025.ko.md:1: is a translation of a file that does not exist (use: content/years/2025.md)"),
])
def test_a_years_introduction_is_checked_like_any_content_file(basic, capsys, name, text, expected):
    (basic.content / "years").mkdir()
    (basic.content / "years" / name).write_text(text)
    code, err = run_build(basic, capsys)
    assert code == 1 and expected in err, err


@pytest.mark.slow  # two builds of the real content
def test_a_layout_error_in_a_worker_is_reported_at_its_layouts_line(project_copy, capsys):
    """Pickling drops an exception's traceback: the worker sends its frames along, so that a
    parallel build names the layout's line as a single-process one does."""
    base = project_copy.layouts / "base.html"
    lines = base.read_text().split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("<body")) + 1
    lines.insert(at, "{{ page.no_such_field }}")
    base.write_text("\n".join(lines))
    for workers in ("1", "2"):
        code = main(["--root", str(project_copy.root), "build", "--no-brochure", "--no-search", "--fresh",
                     "--workers", workers, "--now", "2024-06-15"])
        err = capsys.readouterr().err
        assert code == 1
        assert f"layouts/base.html:{at + 1}: UndefinedError: " in err and "no_such_field" in err, (workers, err)
