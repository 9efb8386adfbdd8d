"""Languages: CLDR dates per locale, fallback pages, hreflang, right-to-left, catalogs, a fifth language."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT, committed, copy_project
from generator.cli import main
from generator.build import Options, build, load_project
from generator.i18n.catalogs import load_catalog
from generator.i18n.formatting import Formatter
from generator.i18n.translations import fingerprint, translation_report
from generator.content.when import parse_when
from htmltext import normalise

pytestmark = [pytest.mark.build, pytest.mark.slow]

WHEN_FORMS = ["2024-09-19", "2024-09-19/2024-09-21", "2024-10", "2024-04/2024-11", "2024-Q3", "2024"]

# Reviewed output: how each precision reads in each language (white space normalised).
GOLDEN_DATES = {
    "en": ["Sep 19, 2024", "Sep 19 – 21, 2024", "Oct 2024", "Apr – Nov 2024", "Q3 2024", "Year-round 2024"],
    "ko": ["2024년 9월 19일", "2024년 9월 19일~21일", "2024년 10월", "2024년 4월~11월", "2024년 3분기", "2024년 연중"],
    "es": ["19 sept 2024", "19–21 sept 2024", "oct 2024", "abr–nov 2024", "T3 2024", "Todo el año 2024"],
    "ar": ["19 سبتمبر 2024", "19–21 سبتمبر 2024", "أكتوبر 2024", "أبريل – نوفمبر 2024", "الربع الثالث 2024", "على مدار عام 2024"],
}


@pytest.mark.parametrize("lang", GOLDEN_DATES)
def test_every_precision_reads_naturally_in_each_language(lang):
    fmt = Formatter(lang, load_catalog(ROOT / "locales", lang, "en"))
    assert [normalise(fmt.when(parse_when(form))) for form in WHEN_FORMS] == GOLDEN_DATES[lang]


def test_each_language_has_its_pages(real_site, real_model):
    for lang in real_model.config.language_codes:
        home = (real_site / lang / "index.html").read_text()
        assert f'<html lang="{lang}"' in home
        for item in real_model.site.items:
            assert (real_site / lang / item.section / item.id / "index.html").exists()


def test_root_sends_visitors_to_english_without_javascript(real_site):
    root = (real_site / "index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=/en/">' in root
    for lang in ("en", "ko", "es", "ar"):
        assert f'href="/{lang}/"' in root


def test_arabic_pages_are_right_to_left(real_site):
    for page in (real_site / "ar").rglob("*.html"):
        assert '<html lang="ar" dir="rtl">' in page.read_text(), page


def test_untranslated_item_falls_back_visibly_with_its_language_marked(real_site, real_model):
    item = real_model.site.item("excom-2024")
    assert not item.is_translated("ar")
    html = (real_site / "ar/events/excom-2024/index.html").read_text()
    assert '<h1 lang="en" dir="ltr">WeGO EXCOM Meeting 2024</h1>' in html
    assert 'class="fallback-note"' in html
    # The note itself is in Arabic, not English.
    note = re.search(r'class="fallback-note"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert re.search(r"[\u0600-\u06ff]", note)
    # Its canonical address is the original's; hreflang names only real translations.
    assert '<link rel="canonical" href="https://calendar.we-gov.org/en/events/excom-2024/">' in html
    assert 'hreflang="ar"' not in "".join(re.findall(r"<link rel=\"alternate\"[^>]*>", html))


def test_translated_page_is_canonical_in_its_own_language(real_site):
    html = (real_site / "ko/events/excom-2024/index.html").read_text()
    assert '<link rel="canonical" href="https://calendar.we-gov.org/ko/events/excom-2024/">' in html
    assert 'class="fallback-note"' not in html


def alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def test_hreflang_is_reciprocal_and_names_only_real_translations(real_site, real_model):
    base = "https://calendar.we-gov.org/"
    for item in real_model.site.items:
        langs = set(item.languages)
        for lang in langs:
            links = alternates((real_site / lang / item.section / item.id / "index.html").read_text())
            named = set(links) - {"x-default"}
            assert named == langs, (item.id, lang)
            for other, url in links.items():
                if other == "x-default":
                    assert url == f"{base}en/{item.section}/{item.id}/"
                    continue
                back = alternates((real_site / url[len(base):] / "index.html").read_text())
                assert back == links


def test_sitemap_lists_alternates_and_leaves_out_fallback_pages(real_site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = {u.find("s:loc", ns).text: u for file in real_site.glob("sitemap-*.xml")
            for u in ET.parse(file).getroot().findall("s:url", ns)}
    assert "https://calendar.we-gov.org/ar/events/excom-2024/" not in locs  # a fallback page
    ko = locs["https://calendar.we-gov.org/ko/events/excom-2024/"]
    langs = {link.get("hreflang") for link in ko.findall("x:link", ns)}
    assert {"en", "ko", "x-default"} <= langs and "ar" not in langs


def test_language_switcher_leads_to_the_same_page(real_site):
    html = (real_site / "es/events/cop29/index.html").read_text()
    switcher = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    for lang in ("en", "ko", "es", "ar"):
        assert f'href="/{lang}/events/cop29/"' in switcher
    assert 'aria-current="true">Español' in switcher


def test_no_interface_string_is_missing(real_model):
    for report in translation_report(real_model.site, ROOT / "locales"):
        assert report.missing_strings == (), report.lang


def test_content_is_translated_where_promised(real_model):
    reports = {r.lang: r for r in translation_report(real_model.site, ROOT / "locales")}
    assert reports["ko"].missing == () and reports["es"].missing == ()
    arabic = {"content/home.md", "content/about.md", "content/contact.md",
              "content/programs/seoul-smart-city-prize.md", "content/networks/afscn.md",
              "content/networks/ascn.md", "content/networks/lascn.md"}
    assert arabic.isdisjoint(reports["ar"].missing)
    assert reports["ar"].missing  # the rest really falls back


def test_arabic_plural_forms_are_used(real_site):
    # Arabic has six plural forms; a category with one activity and one with several read differently.
    html = (real_site / "ar/categories/index.html").read_text()
    counts = re.findall(r'<span class="tile-count">(.*?)</span>', html)
    assert len(set(counts)) >= 3


def test_a_fifth_language_needs_no_code_change(tmp_path):
    project = copy_project(tmp_path / "p")
    config = project.config_file.read_text()
    project.config_file.write_text(config.replace('[[categories]]', '[[languages]]\ncode = "fr"\nname = "Français"\n\n[[categories]]', 1))
    catalog = project.locales / "fr" / "LC_MESSAGES"
    catalog.mkdir(parents=True)
    shutil.copy(project.locales / "messages.pot", catalog / "messages.po")
    (project.content / "events" / "cop29.fr.md").write_text(
        "---\ntitle: COP29 à Bakou\nsummary: La conférence des Nations unies sur le climat.\nlocation: Bakou\n---\nÀ Bakou.\n")
    out = tmp_path / "out"
    result = build(project, Options(out=out, today=__import__("datetime").date(2024, 6, 15)))
    assert result.missing_strings["fr"]  # untranslated interface strings are reported...
    page = (out / "fr/events/cop29/index.html").read_text()
    assert '<html lang="fr" dir="ltr">' in page and "COP29 à Bakou" in page
    assert "nov. 2024" in normalise(page) or "11 – 22 nov. 2024" in normalise(page)  # ...and dates are French
    fallback = (out / "fr/events/excom-2024/index.html").read_text()
    assert '<h1 lang="en" dir="ltr">' in fallback


def test_a_changed_original_makes_its_translation_stale(tmp_path):
    project = copy_project(tmp_path / "p")
    options = Options(out=tmp_path / "out", today=__import__("datetime").date(2024, 6, 15))
    site = load_project(project, options).site
    item = site.item("cop29")
    ko = project.content / "events" / "cop29.ko.md"
    text = ko.read_text()
    if "translated_from:" not in text:
        ko.write_text(text.replace("\n---", f"\ntranslated_from: {fingerprint(item.original)}\n---", 1))
    original = project.content / "events" / "cop29.md"
    original.write_text(original.read_text().replace("COP29", "COP 29", 1))
    reports = {r.lang: r for r in translation_report(load_project(project, options).site, project.locales)}
    assert "content/events/cop29.ko.md" in reports["ko"].stale


def translations_out(project, capsys, *args) -> str:
    assert main(["--root", str(project.root), "translations", *args]) == 0
    return capsys.readouterr().out


def test_a_stale_translation_shows_what_changed_in_its_original_from_git(basic, capsys):
    translations_out(basic, capsys, "--stamp", str(basic.content / "events/summit.ko.md"))
    committed(basic.root)
    summit = basic.content / "events/summit.md"
    summit.write_text(summit.read_text().replace("summary: A one-day summit with a start and end time.",
                                                 "summary: A one-day summit, from morning to evening.", 1))
    out = translations_out(basic, capsys, "--lang", "ko")
    assert "  stale: content/events/summit.ko.md\n    --- content/events/summit.md (translated from, " in out
    assert ("    +++ content/events/summit.md (now)\n    @@ -1,6 +1,6 @@\n     ---\n     title: Summit on a known day\n"
            "    -summary: A one-day summit with a start and end time.\n"
            "    +summary: A one-day summit, from morning to evening.\n") in out, out


def test_a_stale_translation_stamped_from_uncommitted_text_says_no_diff_can_be_shown(basic, capsys):
    committed(basic.root)
    translations_out(basic, capsys, "--stamp", str(basic.content / "events/summit.ko.md"))
    summit = basic.content / "events/summit.md"
    summit.write_text(summit.read_text().replace("Summit on a known day", "Summit on a set day", 1))
    translations_out(basic, capsys, "--stamp", str(basic.content / "events/summit.ko.md"))
    summit.write_text(summit.read_text().replace("Summit on a set day", "Summit on a fixed day", 1))
    out = translations_out(basic, capsys, "--lang", "ko")
    assert ("  stale: content/events/summit.ko.md\n    (git has no committed version of the original with the "
            "fingerprint this translation records") in out, out


def test_stamping_a_mistyped_file_suggests_the_translation(basic, capsys):
    code = main(["--root", str(basic.root), "translations", "--stamp", "content/events/summit.kr.md"])
    assert code == 1
    assert ("content/events/summit.kr.md: is not a translation file; did you mean `content/events/summit.ko.md`? "
            "(use: a file such as") in capsys.readouterr().err
