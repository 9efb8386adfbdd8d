"""Fuzzing (Hypothesis): whatever an editor writes — front matter, field values, `when` dates,
Markdown — the build either succeeds or reports SiteErrors printed as `path:line: ...`; it never
raises anything else, never shows markup from the content, and never writes outside its folder.

CI runs the "ci" profile (bounded, under a minute); a longer search:
    HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/test_fuzz.py
"""

from __future__ import annotations

import os
import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from conftest import BUILD_DAY, ROOT, SITES, fixture_project
from generator.build import Options, build
from generator.config import load_config
from generator.errors import BuildFailed, SiteError
from generator.content.fields import FIELDS
from generator.i18n.catalogs import load_catalog
from generator.publish.spare import spare_folder
from generator.outputs.assets import render_assets
from generator.outputs.html import Renderer
from generator.outputs.pages import plan_pages
from generator.outputs.calendar.ics import render_feeds
from generator.content.sources import KINDS, SourceFile, read_sources
from generator.content.validate import build_site
from generator.content.when import MAX_YEARS, WhenError, parse_when
from test_security import markup_problems

pytestmark = [pytest.mark.unit, pytest.mark.slow]

settings.register_profile("ci", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
FAST = settings(PROFILE, max_examples=PROFILE.max_examples * 5)
"""Pure checks that take microseconds get more examples."""
WRITING = settings(PROFILE, max_examples=max(5, PROFILE.max_examples // 8))
"""Whole builds into a folder take a second each."""

BASIC = SITES / "basic"
TARGETS = ("events/fuzz.md", "events/summit.ko.md", "programs/fuzz.md", "about.md")
"""Where the fuzzed file goes: a new event, a translation, a new program, a plain page."""
ERROR = re.compile(r"([^:\n]+)(?::(\d+))?: \S[^\n]*")


# The fixture site, read once; each example replaces or adds one file in memory


@cache
def fixture():
    config = load_config(BASIC / "site.toml")
    sources, errors = read_sources(BASIC / "content", BASIC, config.language_codes)
    assert not errors
    catalogs = {lang: load_catalog(ROOT / "locales", lang, config.site.default_language)
                for lang in config.language_codes}
    return config, tuple(sources), catalogs, render_assets(ROOT / "assets", config)[1]


def source_file(target: str, text: str) -> SourceFile:
    folder, _, name = target.rpartition("/")
    stem, _, rest = name.partition(".")
    lang = rest[:-3] if rest.count(".") == 1 else None
    kind = {"": "page", **KINDS}[folder]
    return SourceFile(BASIC / "content" / target, f"content/{target}", kind, stem, lang, text)


def run_pipeline(target: str, text: str):
    """Validate the fixture with this file, and render what shows it: the Site, or None after errors."""
    config, sources, catalogs, asset_names = fixture()
    fuzzed = source_file(target, text)
    files = [s for s in sources if s.display != fuzzed.display] + [fuzzed]
    site, errors = build_site(files, config)
    event("refused" if site is None else "rendered")
    if site is None:
        assert errors
        assert_printable(errors, {s.display: s.text for s in files})
        return None
    renderer = Renderer(site, ROOT / "layouts", catalogs, asset_names, BUILD_DAY)
    shown = {i.id for i in site.items if fuzzed.display in (t.source for t in i.texts)}
    for plan in plan_pages(renderer.planner):
        item = plan.context.get("item")
        if (item is not None and item.id in shown) or (plan.lang == "en" and plan.shows and plan.shows & shown):
            try:
                html = renderer.render(plan).data.decode("utf-8")
            except BuildFailed as failed:  # reported like any other error
                assert_printable(failed.errors, {})
                continue
            assert markup_problems(html) == [], plan.meta.path
    render_feeds(site, renderer.formatters, renderer.today).all()
    return site


def assert_printable(errors, texts: dict[str, str]) -> None:
    """Each error is a SiteError that prints as one `path:line: ...` line within its file."""
    for error in errors:
        assert isinstance(error, SiteError)
        printed = str(error)
        match = ERROR.fullmatch(printed)
        assert match, printed
        if match[2] and match[1] in texts:
            assert 1 <= int(match[2]) <= texts[match[1]].count("\n") + 1, printed


# Strategies: YAML-ish text, values for each field, `when` dates, Markdown


PIECES = ["[", "]", "{", "}", ",", ":", ": ", "- ", "? ", "&a ", "*a", "!!binary ", "!!str ", "!!set ", "!!int ", "!!float ", "!!bool ",
          "!!python/object/apply:os.system ", "!!timestamp ", "<<: ", "|", ">-", "'", '"', "#", "%YAML 1.1\n",
          "---", "...", "~", "null", "true", "no", "0x1F", "0o17", "1e400", ".nan", "-.inf", "2024-13-45",
          "2024-02-29", "2023-02-29", "2024-Q5", "09:30", "\t", "\n", "\n  ", "\n- ", "\\", '"\\u0000"', '"\\x85"',
          '"\\L"', "\u2028", "é", "서울", "\U0001f600", "<script>", "javascript:", "https://", "mailto:a@b.c"]
FIELD_NAMES = sorted(FIELDS) + ["translated_from", "Title", "unknown", "<<", "1"]
yamlish = st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=24).map("".join)
lines = st.lists(st.tuples(st.sampled_from(FIELD_NAMES), yamlish).map(": ".join) | yamlish, max_size=14)


def document(front: str, body: str = "Body.\n", opening: str = "---\n", closing: str = "\n---\n") -> str:
    return f"{opening}{front}{closing}{body}"


years = st.integers(2023, 2026) | st.integers(1890, 2210) | st.integers(0, 99999)
months = st.integers(1, 12) | st.integers(0, 14)
days = st.integers(1, 28) | st.integers(0, 33)
when_text = st.one_of(
    st.builds("{:04d}-{:02d}-{:02d}".format, years, months, days),
    st.builds("{:04d}-{:02d}-{:02d}/{:04d}-{:02d}-{:02d}".format, years, months, days, years, months, days),
    st.builds("{:04d}-{:02d}".format, years, months),
    st.builds("{:04d}-{:02d}/{:04d}-{:02d}".format, years, months, years, months),
    st.builds("{}-Q{}".format, years, st.integers(0, 6)),
    st.builds(str, years),
    st.text(alphabet="0123456789-/Q :T", max_size=24),
)
when_value = when_text | years | st.dates() | st.booleans() | st.none() | st.floats()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=4),
    max_leaves=12)
texts = st.text(max_size=40) | st.sampled_from(["</script><script>alert(1)</script>", "<b onclick=x>", "\n", " "])
detail = st.fixed_dictionaries({"label": texts}, optional={"text": texts, "items": st.lists(texts, max_size=3),
                                                            "when": when_value, "other": texts})
FIELD_VALUES = {
    "id": st.from_regex(r"[a-z0-9-]{0,12}", fullmatch=True) | st.sampled_from(["summit", "con", "../x"]),
    "title": texts, "summary": texts, "location": texts,
    "category": st.sampled_from(["governance", "prize", "Governance", ""]),
    "regions": st.lists(st.sampled_from(["global", "africa", "east-asia", "mars"]), max_size=3),
    "when": when_value,
    "time": st.sampled_from(["09:30", "09:30-17:00", "25:00", "17:00-09:30", 570, "9:5"]) | st.text(max_size=12),
    "timezone": st.sampled_from(["Asia/Seoul", "UTC", "Europe/Madrid", "Nowhere/City", "../../etc"]),
    "city": st.sampled_from(["Seoul", "Almaty", "Atlantis"]) | texts,
    "country": st.sampled_from(["KR", "KZ", "ZZ", "kr"]),
    "format": st.sampled_from(["in-person", "online", "hybrid", "virtual"]),
    "status": st.sampled_from(["confirmed", "tentative", "cancelled", "postponed", "canceled"]),
    "program": st.sampled_from(["prize", "school", "board", "net", "summit", "missing"]),
    "conference": st.booleans() | st.sampled_from(["yes", 1]),
    "links": st.dictionaries(st.sampled_from(["website", "registration", "contact", "document", "other"]),
                             st.sampled_from(["https://example.org/a", "mailto:a@example.org", "javascript:x",
                                              "//evil.example", "https://a.b/<>\"'"]) | st.text(max_size=20),
                             max_size=3),
    "details": st.lists(detail, max_size=3),
    "updated": st.sampled_from(["2024-03-01", "2024-02-30", "yesterday"]) | st.dates(),
    "draft": st.booleans(),
}
VALID_EVENT = {"title": "Fuzzed event", "summary": "A fuzzed event.", "category": "governance",
               "regions": ["global"], "when": "2024-10-05"}
markdown = st.lists(st.sampled_from([
    "# ", "## ", "\n", "\n\n", "- ", "1. ", "> ", "```", "`", "*", "_", "**", "~~", "[", "]", "(", ")", "<", ">",
    "![", "](", "../events/workshop.md", "summit.md#details", "../programs/prize.md", "missing.md", "x.md",
    "https://example.org", "javascript:alert(1)", "|", "|---|", "&amp;", "&#0;", "&#x110000;", "\\", "<script>",
    "<!--", "---", "***", "    code", "\t", "[x]: ", "<https://a.b>", "é", "한국어", "\u202e", "\x00", "\r",
]) | st.text(max_size=10), max_size=40).map("".join)


# The properties


@PROFILE
@given(target=st.sampled_from(TARGETS), front=lines.map("\n".join), body=st.sampled_from(["", "Body\n"]),
       opening=st.sampled_from(["---\n", "--- \n", "", "---"]), closing=st.sampled_from(["\n---\n", "\n...\n", ""]))
@example(target="events/fuzz.md", front="details:\n  - {label: x, 1: a, b: c}", body="", opening="---\n",
         closing="\n---\n")  # keys of several types: sorting them raised TypeError
@example(target="events/fuzz.md", front="category: \x1f", body="", opening="---\n",
         closing="\n---\n")  # a control character: yaml's ReaderError was not reported
@example(target="events/fuzz.md", front="category: \u2028\u2028[", body="", opening="---\n",
         closing="\n---\n")  # YAML counts U+2028 as a line break: the line was off
@example(target="events/fuzz.md", front="title: !!int x", body="", opening="---\n",
         closing="\n---\n")  # a tag asking for a type the text is not: PyYAML's ValueError
def test_any_front_matter_text_builds_or_is_reported(target, front, body, opening, closing):
    run_pipeline(target, document(front, body, opening, closing))


@PROFILE
@given(target=st.sampled_from(TARGETS[:3]),
       fields=st.dictionaries(st.sampled_from(sorted(FIELD_VALUES)), json_values, max_size=3)
       | st.fixed_dictionaries({}, optional={k: v for k, v in FIELD_VALUES.items()}))
def test_any_value_of_any_field_builds_or_is_reported(target, fields):
    values = {**(VALID_EVENT if target.startswith("events/fuzz") else {}), **fields}
    if target.startswith("programs/"):
        values = {**VALID_EVENT, **fields}
        values.pop("time", None)
    try:
        front = yaml.safe_dump(values, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        assume(False)
    run_pipeline(target, document(front))


@FAST
@given(value=when_value)
def test_the_when_grammar_parses_or_refuses_every_input(value):
    try:
        when = parse_when(value)
    except WhenError as refused:
        assert str(refused) and "\n" not in str(refused)
        return
    assert when.start <= when.end
    assert date(1900, 1, 1) <= when.start and when.end <= date(2200, 12, 31)
    assert when.end.year - when.start.year < MAX_YEARS  # each year touched makes pages and a brochure
    assert parse_when(str(when)) == when  # the canonical text reads back the same


@PROFILE
@given(value=when_text | st.builds(str, years))
def test_any_when_in_an_event_builds_or_is_reported(value):
    run_pipeline("events/fuzz.md", document(yaml.safe_dump({**VALID_EVENT, "when": value}, allow_unicode=True)))


@PROFILE
@given(target=st.sampled_from(("events/fuzz.md", "events/summit.ko.md", "about.md")), body=markdown)
def test_any_markdown_body_builds_without_markup_from_the_content(target, body):
    front = {"events/fuzz.md": VALID_EVENT, "events/summit.ko.md": {"title": "번역", "summary": "요약"},
             "about.md": {"title": "About", "summary": "About us."}}[target]
    run_pipeline(target, document(yaml.safe_dump(front, allow_unicode=True), body))


@WRITING
@given(front=lines.map("\n".join) | st.just(yaml.safe_dump(VALID_EVENT)), body=markdown,
       name=st.sampled_from(["fuzz.md", "fuzz.ko.md", "Fuzz!.md"]))
@example(front=yaml.safe_dump(VALID_EVENT), body="[x](../../../../etc/passwd.md) ![y](/etc/passwd)", name="fuzz.md")
def test_a_whole_build_writes_only_its_output_folder(sandbox, front, body, name):
    project, out = sandbox
    (project.content / "events" / name).write_text(document(front, body), encoding="utf-8")
    # The spare beside the output is the site one build behind (publish/spare.py): a build publishes into it.
    skip = (out, spare_folder(out), project.root / ".cache")
    before = snapshot(project.root.parent, skip=skip)
    try:
        build(project, Options(out=out, today=BUILD_DAY, brochure=False, search=False))
        event("published")
    except BuildFailed as failed:
        event("refused")
        assert_printable(failed.errors, {})
    finally:
        (project.content / "events" / name).unlink()
    after = snapshot(project.root.parent, skip=skip)
    assert after == {k: v for k, v in before.items() if k != f"site/content/events/{name}"}
    assert not [p for p in out.parent.iterdir() if ".staging-" in p.name or ".old-" in p.name]


def snapshot(folder: Path, skip: tuple[Path, ...]) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(p.is_relative_to(s) for s in skip)}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A copy of the basic fixture; whole builds write into sandbox/site/public."""
    project = fixture_project(tmp_path_factory.mktemp("fuzz") / "site", "basic")
    return project, project.root / "public"
