"""The printable brochure: every activity in every language, a true table of
contents, embedded fonts, bookmarks, byte-identical rebuilds, the cache, and
clear errors. The PDFs are read back with pypdf; each is rendered once per session.
"""

from __future__ import annotations

import io
import logging
import re
import subprocess
import unicodedata
from pathlib import Path
from typing import Iterator

import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import BUILD_DAY, ROOT
from generator.views import queries as views
from generator.build import Options, Project, build, load_project
from generator.incremental.store import Store
from generator.cli import main
from generator.i18n.formatting import Formatter
from generator.outputs.brochure import (_keep_hangul_words, brochure_html, brochure_url, cache_key, plan_contents,
                                        read_design, render_brochure, render_brochures, render_pdf)

pytestmark = [pytest.mark.build, pytest.mark.slow]

YEAR = 2024


def _render(model, lang: str, project: Project = Project(ROOT), pdfs=None):
    return render_brochure(model.site, YEAR, lang, model.catalogs, read_design(project.layouts, project.assets), pdfs)


class _Recorded(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="session")
def rendered(real_model, tmp_path_factory) -> tuple[dict[str, Path], list[str]]:
    """Every language's brochure of the real content, rendered once, without the cache,
    and what WeasyPrint complained of while rendering them (a figure without words...)."""
    folder = tmp_path_factory.mktemp("brochures")
    files, complaints = {}, _Recorded()
    logging.getLogger("weasyprint").addHandler(complaints)
    try:
        for lang in real_model.config.language_codes:
            files[lang] = folder / f"{lang}.pdf"
            files[lang].write_bytes(_render(real_model, lang).artifact.data)
    finally:
        logging.getLogger("weasyprint").removeHandler(complaints)
    return files, complaints.messages


@pytest.fixture(scope="session")
def pdfs(rendered) -> dict[str, Path]:
    return rendered[0]


@pytest.fixture(scope="session")
def readers(pdfs) -> dict[str, PdfReader]:
    return {lang: PdfReader(path) for lang, path in pdfs.items()}


@pytest.fixture(scope="session")
def texts(readers) -> dict[str, list[str]]:
    """The text of every page, extracted once (pypdf is slow with CJK fonts)."""
    return {lang: [page.extract_text() for page in reader.pages] for lang, reader in readers.items()}


def _flat(text: str) -> str:
    """Text without spacing, for comparing what pypdf extracts with what was written."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def _contains(haystack: str, needle: str, rtl: bool) -> bool:
    # pypdf returns the runs of a right-to-left line in visual order ("سبتمبر21–19" for
    # "19–21 سبتمبر", ")ASCN(" for "(ASCN)"), so there each word is looked for on its own.
    if not rtl:
        return _flat(needle) in _flat(haystack)
    return all(word in _flat(haystack) for word in re.findall(r"\w+", needle))


def _sections(reader: PdfReader) -> list[tuple[str, int]]:
    """Top-level bookmarks: (title, 1-based page)."""
    return [(entry.title, reader.get_destination_page_number(entry) + 1)
            for entry in reader.outline if not isinstance(entry, list)]


def _section_text(reader: PdfReader, pages: list[str], anchor: str) -> str:
    """The text of the pages of the section whose heading has the id `anchor`."""
    start = reader.get_destination_page_number(reader.named_destinations[anchor])
    later = sorted(page - 1 for _, page in _sections(reader) if page - 1 > start)
    return "\n".join(pages[start:later[0] if later else len(pages)])


def _formatter(model, lang: str) -> Formatter:
    return Formatter(model.config.language(lang).locale or lang, model.catalogs[lang])


def test_every_activity_with_its_date_and_place_in_every_language(real_model, readers, texts):
    for lang, reader in readers.items():
        rtl = real_model.config.language(lang).direction == "rtl"
        fmt = _formatter(real_model, lang)
        overview = _section_text(reader, texts[lang], "overview")
        everything = "\n".join(texts[lang])
        for item in views.in_year(real_model.site, YEAR):
            text = item.text(lang)
            for what in (text.title, fmt.when(item.when, year=False), text.location or item.city or ""):
                assert _contains(overview, what, rtl), f"{lang}: {what!r} of {item.id} not in the overview"
            assert _contains(everything, text.title, rtl)


def test_table_of_contents_gives_the_pages_where_sections_start(real_model, readers, texts):
    for lang, reader in readers.items():
        rtl = real_model.config.language(lang).direction == "rtl"
        toc, toc_text = reader.pages[1], texts[lang][1]
        printed = [int(n) for n in re.findall(r"\.{3,}\s*(\d+)", toc_text)]
        sections = _sections(reader)
        assert printed == [page for _, page in sections], lang
        # Each entry is a link to its section, on the page it announces.
        targets = []
        for annotation in toc.get("/Annots", []):
            dest = annotation.get_object().get("/Dest")
            page = reader.get_destination_page_number(reader.named_destinations[dest]) + 1
            if not targets or targets[-1] != page:
                targets.append(page)
        assert targets == printed, lang
        for title, _ in sections:
            assert _contains(toc_text, title, rtl), (lang, title)


def test_bookmarks_for_every_section(real_model, readers):
    for lang, reader in readers.items():
        contents = plan_contents(real_model.site, YEAR, lang)
        expected = 2 + len(contents.chapters) + bool(contents.conferences) + len(contents.regional)
        sections = _sections(reader)
        assert len(sections) == expected, lang
        assert all(title.strip() for title, _ in sections)
        assert [page for _, page in sections] == sorted(page for _, page in sections)
        assert sections[0][1] == 3  # after the cover and the table of contents


def test_fonts_are_ours_and_embedded(readers):
    for lang, reader in readers.items():
        seen = set()
        for page in reader.pages:
            for font in page["/Resources"].get("/Font", {}).values():
                font = font.get_object()
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
                assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, (lang, font["/BaseFont"])
                seen.add(str(font["/BaseFont"]).split("+", 1)[1])
        assert seen and all(name.startswith("Brochure-") for name in seen), (lang, seen)


def test_korean_and_arabic_text_extracts_without_replacement_characters(texts):
    for lang, pages in texts.items():
        assert "\ufffd" not in "".join(pages), lang
    if "ko" in texts:
        assert re.search("[\uac00-\ud7a3]", "".join(texts["ko"][:3]))
    if "ar" in texts:
        assert re.search("[\u0600-\u06ff]", "".join(texts["ar"][:3]))


def test_metadata_and_page_size(real_model, readers):
    for lang, reader in readers.items():
        info = reader.metadata
        assert info["/Author"] and info["/Title"] and info["/Subject"]
        assert info["/CreationDate"] == info["/ModDate"] == f"D:{YEAR}0101"  # no item has `updated`
        assert reader.trailer["/Root"]["/Lang"] == lang
        width, height = (float(v) for v in reader.pages[0].mediabox[2:])
        assert (round(width), round(height)) == (595, 842)  # A4


def _structure(element) -> Iterator[tuple[str, object]]:
    """(tag, element) of every structure element under `element`, in reading order."""
    element = element.get_object()
    kids = element.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict) and kid.get("/Type", "/StructElem") == "/StructElem" and "/S" in kid:
            yield str(kid["/S"]), kid
            yield from _structure(kid)


def test_tagged_for_screen_readers_with_language_title_and_structure(real_model, rendered, readers):
    files, complaints = rendered
    assert complaints == []  # WeasyPrint's PDF/UA checks: every figure has words, the root a language
    for lang, reader in readers.items():
        info = subprocess.run(["pdfinfo", str(files[lang])], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M), lang
        root = reader.trailer["/Root"]
        assert root["/Lang"] == lang and root["/MarkInfo"]["/Marked"].value is True
        assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True  # viewers show the title, not the file name
        year = _formatter(real_model, lang).year(YEAR)
        assert reader.metadata.title.endswith(real_model.catalogs[lang].gettext(
            "%(year)s Calendar of Activities") % {"year": year}), lang
        assert b"pdfuaid:part=\"1\"" in root["/Metadata"].get_object().get_data()
        tags = [tag for tag, _ in _structure(root["/StructTreeRoot"])]
        assert tags[0] == "/Document"
        for needed in ("/H1", "/H2", "/P", "/L", "/LI", "/Table", "/TH", "/TD", "/Link"):
            assert needed in tags, (lang, needed)
        # The cover's and the contents' headings, then one per section (its bookmark).
        assert tags.count("/H1") == 2 + len(_sections(reader)), lang
        assert not any("\u2060" in title for title, _ in _sections(reader))  # bookmarks read as written


def test_korean_words_are_not_one_element_each(readers):
    """Korean words are kept whole without an element per word (that made a 1,000-event Korean
    brochure three times slower, and gave screen readers one structure element per word)."""
    counts = {lang: len(list(_structure(reader.trailer["/Root"]["/StructTreeRoot"]))) for lang, reader in readers.items()}
    assert counts["ko"] < 1.5 * counts["en"], counts


KOREAN = ("세계스마트지속가능도시기구는 지방정부와 스마트시티 솔루션 기업이 함께하는 국제기구로서 "
          "집행위원회와 사무국이 회원도시의 디지털 전환을 지원합니다")


def test_korean_words_are_never_broken_across_lines(tmp_path):
    design = read_design(ROOT / "layouts", ROOT / "assets")
    html = (f'<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>t</title>'
            f'<style>{design.stylesheet}</style></head><body><p style="width: 28mm">'
            f'{_keep_hangul_words(KOREAN)}</p></body></html>')
    data, _ = render_pdf(html, design)
    lines = [line.strip() for line in PdfReader(io.BytesIO(data)).pages[0].extract_text().splitlines() if line.strip()]
    assert len(lines) > 5  # a narrow column: many lines
    assert [word for line in lines for word in line.split()] == KOREAN.split(), lines  # each line whole words


def _runs(reader: PdfReader, page: int) -> list[tuple[float, str]]:
    """(x, text) of each piece of text the page shows, as pypdf decodes it (in logical order)."""
    runs = []
    reader.pages[page].extract_text(visitor_text=lambda text, cm, tm, font, size: runs.append(
        (cm[0] * tm[4] + cm[4], text.strip())) if text.strip() else None)
    return runs


def test_arabic_reads_right_to_left(real_model, readers):
    """The overview's columns (activity, date, place) and each heading run from the right in
    Arabic, from the left in the others; the words of a heading come out in the order written."""
    for lang, reader in readers.items():
        gettext = real_model.catalogs[lang].gettext
        page = reader.get_destination_page_number(reader.named_destinations["overview"])
        x = {text.casefold(): at for at, text in reversed(_runs(reader, page))}  # the first of each
        columns = [x[gettext(label).casefold()] for label in ("Activity", "Date", "Place")]  # shown in capitals
        rtl = real_model.config.language(lang).direction == "rtl"
        assert columns == sorted(columns, reverse=rtl), (lang, columns)
        year = _formatter(real_model, lang).year(YEAR)
        heading = gettext("Overview of %(year)s Activities") % {"year": year}
        for part in filter(None, (p.strip().casefold() for p in heading.split(year))):
            assert any(part in text for text in x), (lang, part)  # its words in the order written
    assert any(real_model.config.language(lang).direction == "rtl" for lang in readers)


def test_the_same_content_gives_the_same_bytes(real_model, pdfs):
    assert _render(real_model, "en").artifact.data == pdfs["en"].read_bytes()


def test_an_added_event_appears_in_overview_chapter_and_conferences(project_copy):
    (project_copy.content / "events" / "brochure-test-summit-2024.md").write_text(
        '---\ntitle: "Brochure Test Summit"\nsummary: "A fixture conference."\ncategory: networking\n'
        'regions: [global]\nwhen: "2024-12-02/2024-12-04"\nlocation: Reykjavik\n'
        'conference: true\n---\nA fixture conference in December.\n', encoding="utf-8")
    model = load_project(project_copy, Options(out=project_copy.root / "public", today=BUILD_DAY))
    reader = PdfReader(io.BytesIO(_render(model, "en", project_copy).artifact.data))
    date = _formatter(model, "en").when(model.site.item("brochure-test-summit-2024").when, year=False)
    pages = [page.extract_text() for page in reader.pages]
    for anchor in ("overview", "conferences", "cat-networking"):
        section = _flat(_section_text(reader, pages, anchor))
        assert _flat("Brochure Test Summit") in section and _flat(date) in section, anchor
        assert _flat("Reykjavik") in section, anchor


def test_a_stored_pdf_is_reused_and_a_new_one_stored(real_model, pdfs, tmp_path):
    store = Store(tmp_path / "store")
    kept = store.section("pdf")
    design = read_design(ROOT / "layouts", ROOT / "assets")
    key = cache_key(brochure_html(real_model.site, YEAR, "en", real_model.catalogs, design), design)
    assert _render(real_model, "en", pdfs=kept).artifact.data == pdfs["en"].read_bytes()
    assert kept[key][0] == pdfs["en"].read_bytes()  # stored, with its page count
    kept[key] = (b"%PDF-cached", 1)
    assert _render(real_model, "en", pdfs=kept).artifact.data == b"%PDF-cached"  # not rendered again
    store.close()


def test_brochures_made_in_parallel_equal_those_made_one_by_one(real_model, pdfs):
    made = render_brochures(real_model.site, real_model.catalogs, ROOT / "layouts", ROOT / "assets", workers=2)
    assert [(b.year, b.lang) for b in made] == [(YEAR, lang) for lang in real_model.config.language_codes]
    assert {b.lang: b.artifact.data for b in made} == {lang: path.read_bytes() for lang, path in pdfs.items()}


def test_only_brochures_whose_html_changed_are_made_again(real_model, pdfs):
    design = read_design(ROOT / "layouts", ROOT / "assets")
    kept = {}
    for lang in real_model.config.language_codes:  # what an earlier build left, marked to be recognised
        key = cache_key(brochure_html(real_model.site, YEAR, lang, real_model.catalogs, design), design)
        kept[key] = (b"%PDF-kept " + lang.encode(), 1)
    del kept[key]  # the last language's HTML is new
    made = render_brochures(real_model.site, real_model.catalogs, ROOT / "layouts", ROOT / "assets", kept)
    *reused, last = (b.artifact.data for b in made)
    assert reused == [b"%PDF-kept " + lang.encode() for lang in real_model.config.language_codes[:-1]]
    assert last == pdfs[lang].read_bytes() and kept[key][0] == last


def test_year_page_links_the_brochure(real_site):
    for lang_dir in (p for p in real_site.iterdir() if (p / "brochure").is_dir()):
        pdf = lang_dir / "brochure" / f"wego-calendar-{YEAR}-{lang_dir.name}.pdf"
        assert pdf.read_bytes().startswith(b"%PDF-")
        page = (lang_dir / str(YEAR) / "index.html").read_text(encoding="utf-8")
        assert f'href="/{lang_dir.name}/brochure/{pdf.name}"' in page
    assert (real_site / "en" / "brochure").is_dir()


def test_every_year_has_its_brochure_in_every_language_on_its_page(basic, tmp_path):
    (basic.content / "events" / "berlin-2025.md").write_text(
        '---\ntitle: "Berlin Conference 2025"\nsummary: "A second year."\ncategory: networking\n'
        'regions: [europe-mediterranean]\nwhen: "2025-06-10/2025-06-12"\nlocation: Berlin\n---\nIn June.\n',
        encoding="utf-8")
    out = tmp_path / "public"
    build(basic, Options(out=out, today=BUILD_DAY, search=False))
    model = load_project(basic, Options(out=out, today=BUILD_DAY))
    years = views.years(model.site)
    assert years == (2024, 2025)
    for year in years:
        only_then = {i.id for i in views.in_year(model.site, year)} - {i.id for y in years if y != year
                                                                       for i in views.in_year(model.site, y)}
        for lang in model.config.language_codes:
            name = f"wego-calendar-{year}-{lang}.pdf"
            text = _flat("".join(page.extract_text() for page in PdfReader(out / lang / "brochure" / name).pages))
            for item in model.site.items:
                if item.id in only_then or item.when and year not in item.when.years():
                    assert (_flat(item.text(lang).title) in text) == (item.id in only_then), (year, lang, item.id)
            page = (out / lang / str(year) / "index.html").read_text(encoding="utf-8")
            assert f'href="{brochure_url(model.site, year, lang)}"' in page, (year, lang)
    # `sitegen brochure` makes the same file for any of those years.
    assert main(["--root", str(basic.root), "brochure", "--year", "2025", "--lang", "ko",
                 "--out", str(tmp_path / "b.pdf")]) == 0
    assert (tmp_path / "b.pdf").read_bytes() == (out / "ko" / "brochure" / "wego-calendar-2025-ko.pdf").read_bytes()


def test_no_brochure_build_has_neither_pdf_nor_link(project_copy, tmp_path):
    out = tmp_path / "public"
    build(project_copy, Options(out=out, today=BUILD_DAY, brochure=False))
    assert not list(out.rglob("*.pdf"))
    assert "brochure-download" not in (out / "en" / str(YEAR) / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (["--year", "2024", "--lang", "xx"], "--lang: 'xx' is not a language"),
    (["--year", "2019", "--lang", "en"], "--year: no activity takes place in 2019"),
])
def test_bad_requests_fail_cleanly(tmp_path, capsys, args, message):
    out = tmp_path / "b.pdf"
    assert main(["--root", str(ROOT), "brochure", *args, "--out", str(out)]) == 1
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("target", ["missing-folder/b.html", "a-folder"])
def test_an_unwritable_output_fails_and_leaves_nothing(tmp_path, capsys, target):
    (tmp_path / "a-folder").mkdir()
    before = sorted(tmp_path.rglob("*"))
    code = main(["--root", str(ROOT), "brochure", "--year", "2024", "--lang", "en",
                 "--format", "html", "--out", str(tmp_path / target)])
    assert code == 1
    assert "cannot be written" in capsys.readouterr().err
    assert sorted(tmp_path.rglob("*")) == before


def test_html_format_writes_the_print_ready_html(real_model, tmp_path):
    lang = real_model.config.language_codes[-1]
    out = tmp_path / "b.html"
    assert main(["--root", str(ROOT), "brochure", "--year", "2024", "--lang", lang, "--format", "html",
                 "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert f'<html lang="{lang}" dir="{real_model.config.language(lang).direction}">' in html
    assert "@font-face" in html and "data:font/" in html  # self-contained: fonts inside


def test_press_version_has_bleed_the_covers_run_into(real_model, texts, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["--root", str(ROOT), "brochure", "--year", "2024", "--lang", "en", "--press"]) == 0
    pdf = tmp_path / f"wego-calendar-{YEAR}-en-press.pdf"
    reader = PdfReader(pdf)
    bleed = 3 / 25.4 * 72  # 3 mm in points
    for page in reader.pages:
        trim, media = page.trimbox, page.mediabox
        assert (round(float(trim.width)), round(float(trim.height))) == (595, 842)  # the A4 page is cut out
        assert float(media.width) == pytest.approx(float(trim.width) + 2 * bleed, abs=0.05)
        assert float(media.left) == pytest.approx(float(trim.left) - bleed, abs=0.05)
    assert [_flat(page.extract_text()) for page in reader.pages] == [_flat(page) for page in texts["en"]]
    # At 72 dpi a pixel is a point: 4 px from the edges is inside the bleed, outside the page.
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "p")], check=True)
    for name, colour in (("p-01.png", (11, 42, 79)), ("p-02.png", (255, 255, 255))):  # cover; contents
        image = Image.open(tmp_path / name).convert("RGB")
        width, height = image.size
        corners = [(4, 4), (width - 5, 4), (4, height - 5), (width - 5, height - 5)]
        assert [image.getpixel(xy) for xy in corners] == [colour] * 4, name
