"""The real 2024 calendar, built: every brochure item with its date and place, valid HTML, no broken link."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from checkers import validate_html
from htmltext import normalise, parse, visible_text

pytestmark = [pytest.mark.build, pytest.mark.slow]

# The brochure's "Overview of 2024 Activities" and its "Possible conferences",
# as printed (/work/shared/seeds). Dates are compared after `brochure_form`.
OVERVIEW = [
    ("2nd Seoul Smart City Prize Ceremony", "Oct", "Seoul"),
    ("WeGO 2024 Activities Kick-off", "Feb", "Seoul"),
    ("WeGO Advisory Board", "Year-round", ""),
    ("WeGO EXCOM Meeting 2024", "Sep 19-21", "Almaty"),
    ("WeGO Activator", "Year-round", ""),
    ("Solutions Meet Cities", "Sep", "Seoul"),
    ("Feasibility Studies and Project Implementation", "Year-round", ""),
    ("WeGO Smart City Champions", "Apr-Nov", "Hybrid"),
    ("WeGO-NIA Joint Workshop", "July", "Seoul"),
    ("WeGO-SHRDC Training Program", "Oct", "Seoul"),
    ("Chengdu Training Program", "Nov", "Chengdu"),
    ("WeGO-IMD Smart City Index", "Apr", "Geneva"),
    ("Conferences, Expos & Webinars", "Year-round", "Online & Offline"),
    ("Africa Smart Cities Network (AFSCN)", "Q3", "Africa"),
    ("ASEAN Smart Cities Network (ASCN)", "Q2", "Asia"),
    ("Latin America Smart Cities Network (LASCN)", "Q2", "Latin America"),
]
CONFERENCES = [
    ("CES 2024", "Jan 10-12", "Las Vegas"),
    ("Smart City Summit & Expo 2024", "Mar 19-23", "Taipei"),
    ("Smart City Expo Curitiba", "Mar 20-22", "Curitiba"),
    ("Annual Investment Meeting 2024", "May 07-09", "Abu Dhabi"),
    ("Parliamentary Assembly of the Mediterranean General Assembly", "May 15-16", "Lisbon"),
    ("ITU World Summit on the Information Society 2024", "May 27-31", "Geneva"),
    ("World Cities Summit 2024", "Jun 02-04", "Singapore"),
    ("7th ASEAN Smart Cities Network Annual Meeting", "Aug", "Luang Prabang"),
    ("World Smart City Expo 2024", "Sep 03-05", "Goyang"),
    ("WeGO EXCOM Meeting 2024", "Sep 19-21", "Almaty"),
    ("Seoul Smart Life Week", "Oct 07-09", "Seoul"),
    ("Smart City Expo World Congress 2024", "Nov 05-07", "Barcelona"),
    ("COP29", "Nov 11-22", "Baku"),
]


def brochure_form(text: str) -> str:
    """'Sep 19 – 21' and the brochure's 'Sep 19-21' alike: no spaces round dashes, no leading zeros, July as Jul."""
    text = normalise(text).replace("–", "-").replace(" - ", "-").replace("July", "Jul")
    return re.sub(r"\b0(\d)\b", r"\1", text)


@pytest.fixture(scope="module")
def overview_rows(real_site):
    html = (real_site / "en" / "2024" / "index.html").read_text()
    return {row[0]: row for row in parse(html).rows if len(row) == 3}


@pytest.mark.parametrize("title, when, place", OVERVIEW + CONFERENCES)
def test_every_brochure_item_is_on_the_calendar_with_its_date_and_place(overview_rows, title, when, place):
    row = overview_rows.get(title)
    assert row is not None, f"{title!r} is not in the overview table"
    assert brochure_form(row[1]) == brochure_form(when)
    assert row[2] == place


def test_no_fuzzy_item_is_given_a_day(overview_rows):
    for title, when, _place in OVERVIEW:
        if not re.search(r"\d", when):
            assert not re.search(r"\d", overview_rows[title][1]), overview_rows[title]


def test_every_item_has_its_page(real_site, real_model):
    for item in real_model.site.items:
        page = real_site / "en" / item.section / item.id / "index.html"
        assert page.is_file(), page
        assert item.original.title in visible_text(page.read_text())


def test_event_pages_carry_schema_org_event(real_site):
    html = (real_site / "en" / "events" / "excom-2024" / "index.html").read_text()
    data = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    import json
    event = json.loads(data)
    assert event["@type"] == "Event"
    assert (event["startDate"], event["endDate"]) == ("2024-09-19", "2024-09-21")
    assert event["location"]["address"]["addressCountry"] == "KZ"
    month = json.loads(re.search(r'ld\+json">(.*?)</script>',
                                 (real_site / "en/events/kickoff-2024/index.html").read_text(), re.S).group(1))
    assert (month["startDate"], month["endDate"]) == ("2024-02", "2024-02")


def json_ld(page: Path) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.read_text(), re.S)
    assert len(blocks) == 1, page
    return json.loads(blocks[0])


@pytest.mark.parametrize("lang", ["en", "ko", "es", "ar"])
def test_program_pages_carry_an_event_series_of_their_activities(real_site, real_model, lang):
    site = real_model.site
    for program in site.of_kind("program"):
        data = json_ld(real_site / lang / "programs" / program.id / "index.html")
        assert data["@context"] == "https://schema.org" and data["@type"] == "EventSeries"
        assert data["name"] == program.text(lang).title
        assert data["url"] == f"https://calendar.we-gov.org/{lang}/programs/{program.id}/"
        members = [i for i in site.items if i.program == program.id]
        assert [e["url"] for e in data.get("subEvent", [])] == [
            f"https://calendar.we-gov.org/{lang}/{m.section}/{m.id}/" for m in members]
    series = json_ld(real_site / "en/programs/conferences-expos-webinars/index.html")
    cop29 = next(e for e in series["subEvent"] if e["name"] == "COP29")
    assert (cop29["@type"], cop29["startDate"], cop29["endDate"]) == ("Event", "2024-11-11", "2024-11-22")


def test_network_pages_carry_an_organization_serving_its_regions(real_site, real_model):
    for network in real_model.site.of_kind("network"):
        data = json_ld(real_site / "es" / "networks" / network.id / "index.html")
        assert data["@type"] == "Organization" and data["name"] == network.text("es").title
        assert data["parentOrganization"]["name"] == "World Smart Sustainable Cities Organization"
        assert data["areaServed"]  # named in the page's language (next test)
    ascn = json_ld(real_site / "es/networks/ascn/index.html")
    assert ascn["areaServed"] == [{"@type": "Place", "name": "Sudeste Asiático"}]
    assert [e["url"] for e in ascn["event"]] == ["https://calendar.we-gov.org/es/events/ascn-annual-meeting-2024/"]


def test_every_page_has_title_description_canonical_and_open_graph(real_site):
    for page in real_site.rglob("*.html"):
        html = page.read_text()
        for needle in ("<title>", 'name="description"', 'rel="canonical"', 'property="og:title"'):
            assert needle in html, f"{page}: no {needle}"


def test_html_validates_with_the_nu_checker(real_site):
    pages = sorted(real_site.rglob("*.html"))
    assert len(pages) > 100
    assert validate_html(pages) == []


def test_no_broken_internal_link_or_anchor(real_site):
    pages = {p: parse(p.read_text()) for p in real_site.rglob("*.html")}
    ids = {p: c.ids for p, c in pages.items()}
    broken = []
    for page, collected in pages.items():
        for link in collected.links:
            target = urlsplit(link)
            if target.scheme or target.netloc or link.startswith(("mailto:", "tel:")):
                continue
            path = real_site / unquote(target.path).lstrip("/") if target.path else page
            if target.path.endswith("/"):
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{page.relative_to(real_site)}: {link}")
            elif target.fragment and path.suffix == ".html" and target.fragment not in ids.get(path, set()):
                broken.append(f"{page.relative_to(real_site)}: {link} (no such anchor)")
    assert broken == []


def test_sitemap_and_robots(real_site):
    index = (real_site / "sitemap.xml").read_text()
    assert "<sitemapindex" in index and "<loc>https://calendar.we-gov.org/sitemap-en.xml</loc>" in index
    sitemap = (real_site / "sitemap-en.xml").read_text()
    assert "<loc>https://calendar.we-gov.org/en/events/excom-2024/</loc>" in sitemap
    assert (real_site / "robots.txt").read_text().endswith("Sitemap: https://calendar.we-gov.org/sitemap.xml\n")


def test_no_external_resources(real_site):
    """Everything the pages load comes from the site itself."""
    for page in real_site.rglob("*.html"):
        for tag in re.findall(r"<(?:link|script|img)\b[^>]*>", page.read_text()):
            src = re.search(r'(?:src|href)="([^"]+)"', tag)
            rel = re.search(r'rel="([^"]+)"', tag)
            if src and not (rel and rel.group(1) in ("canonical", "alternate")):
                assert not urlsplit(src.group(1)).netloc, f"{page}: {tag}"


def test_asset_names_carry_a_content_hash(real_site):
    css = [p.name for p in (real_site / "assets").glob("style.*.css")]
    assert len(css) == 1 and re.fullmatch(r"style\.[0-9a-f]{10}\.css", css[0])


def test_raw_html_in_markdown_is_escaped(tmp_path, capsys):
    from conftest import fixture_project
    from generator.cli import main
    project = fixture_project(tmp_path / "p", "basic")
    assert main(["--root", str(project.root), "build", "--now", "2024-06-15"]) == 0
    html = (project.root / "public/en/events/summit/index.html").read_text()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;raw HTML is shown as text&quot;)&lt;/script&gt;" in html
