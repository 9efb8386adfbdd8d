"""Calendar views of the real site: month grids, format pages, the map of places, the filters (with and without JavaScript)."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checkers import browser, run_axe, serve, validate_html
from conftest import BUILD_DAY
from generator.build import Options, build, load_project
from generator.cli import main
from generator.content.when import Precision
from generator.views.worldmap import land_path, place_anchor, project

pytestmark = [pytest.mark.build, pytest.mark.slow]

LANGS = ("en", "ko", "es", "ar")
YEAR = 2024


class _Month(HTMLParser):
    """The links of a month page: per day of the grid (by its <time datetime>), and in the band."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.days: dict[str, set[str]] = {}
        self.band: set[str] = set()
        self.today: list[str] = []
        self._day: str | None = None
        self._current = False
        self._in_band = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "td":
            self._day, self._current = None, attrs.get("aria-current") == "date"
        elif tag == "time" and "datetime" in attrs and "visually-hidden" in (attrs.get("class") or ""):
            self._day = attrs["datetime"]
            self.days[self._day] = set()
            if self._current:
                self.today.append(self._day)
        elif tag == "section" and attrs.get("class") == "band":
            self._in_band = True
        elif tag == "a" and self._in_band:
            self.band.add(attrs["href"])
        elif tag == "a" and self._day:
            self.days[self._day].add(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "td":
            self._day = None
        elif tag == "section":
            self._in_band = False


def month_page(site: Path, month: int, lang: str = "en") -> _Month:
    parser = _Month()
    parser.feed((site / lang / str(YEAR) / f"{month:02d}" / "index.html").read_text())
    return parser


def item_href(item, lang: str = "en") -> str:
    return f"/{lang}/{item.section}/{item.id}/"


def test_the_november_grid_places_cop29_on_november_11_to_22_and_nowhere_else(real_site):
    cop29 = "/en/events/cop29/"
    days = {day for month in range(1, 13) for day, links in month_page(real_site, month).days.items()
            if cop29 in links}
    assert days == {date(2024, 11, d).isoformat() for d in range(11, 23)}


@pytest.mark.parametrize("month", range(1, 13))
def test_only_items_known_to_the_day_sit_on_days_and_only_on_their_days(real_site, real_model, month):
    page = month_page(real_site, month)
    for day, links in page.days.items():
        expected = {item_href(i) for i in real_model.site.items
                    if i.when and i.when.precision.exact and i.when.start <= date.fromisoformat(day) <= i.when.end}
        assert links == expected, day


@pytest.mark.parametrize("month", range(1, 13))
def test_items_known_to_the_month_or_quarter_are_in_the_band_of_each_of_their_months(real_site, real_model, month):
    expected = {item_href(i) for i in real_model.site.items if i.when
                and i.when.precision in (Precision.MONTH, Precision.MONTHS, Precision.QUARTER)
                and (YEAR, month) in i.when.months()}
    assert month_page(real_site, month).band == expected


def test_a_quarter_is_in_the_bands_of_its_three_months_and_never_on_a_day(real_site):
    ascn = "/en/networks/ascn/"  # 2024-Q2
    pages = {month: month_page(real_site, month) for month in range(1, 13)}
    assert {m for m, page in pages.items() if ascn in page.band} == {4, 5, 6}
    assert not any(ascn in links for page in pages.values() for links in page.days.values())
    chengdu = "/en/events/chengdu-training-2024/"  # 2024-11
    assert chengdu in pages[11].band and not any(chengdu in links for links in pages[11].days.values())


def test_year_round_items_are_in_no_grid_and_the_month_links_to_them(real_site):
    board = "/en/programs/advisory-board/"
    for month in range(1, 13):
        page = month_page(real_site, month)
        assert board not in page.band and not any(board in links for links in page.days.values())
    assert 'href="/en/2024/#year-round"' in (real_site / "en/2024/05/index.html").read_text()


def test_weeks_start_on_the_first_day_of_each_languages_week(real_site):
    """CLDR: Sunday in the United States and Korea, Monday in Spain, Saturday in Egypt."""
    first = {}
    for lang in LANGS:
        html = (real_site / lang / "2024/11/index.html").read_text()
        first[lang] = re.search(r'<th scope="col">(?:<abbr title="([^"]+)">|([^<]+))', html).group(1, 2)
    assert first == {"en": ("Sunday", None), "ko": ("일요일", None), "es": ("lunes", None), "ar": (None, "السبت")}


def test_today_is_marked_in_its_month_only(real_site):
    assert month_page(real_site, BUILD_DAY.month).today == [BUILD_DAY.isoformat()]
    assert all(not month_page(real_site, m).today for m in range(1, 13) if m != BUILD_DAY.month)


def test_today_follows_the_build_date(project_copy):
    out = project_copy.root / "public"
    build(project_copy, Options(out=out, today=date(2024, 11, 15)))
    assert month_page(out, 11).today == ["2024-11-15"]
    assert month_page(out, 6).today == []
    html = (out / "en/2024/11/index.html").read_text()
    assert html.count('aria-current="date"') == 1 and "Today" in html


def test_past_days_and_items_are_marked_in_words_and_pattern(real_site):
    html = (real_site / "en/2024/06/index.html").read_text()
    assert '<td class="day is-past">' in html  # hatched, not only greyed (style.css)
    june = (real_site / "en/2024/06/index.html").read_text()
    cards = re.findall(r'<li class="card[^"]*is-past[^"]*".*?</li>', june, re.S)
    assert cards and all("badge-past" in card for card in cards)


def test_the_month_pages_lead_to_their_neighbours_and_the_year(real_site):
    html = (real_site / "en/2024/11/index.html").read_text()
    assert 'rel="prev" href="/en/2024/10/"' in html and 'rel="next" href="/en/2024/12/"' in html
    assert 'href="/en/2024/"' in html
    assert 'rel="prev"' not in (real_site / "en/2024/01/index.html").read_text()  # no 2023 yet
    year = (real_site / "en/2024/index.html").read_text()
    for month in range(1, 13):
        assert f'href="/en/2024/{month:02d}/"' in year


@pytest.mark.parametrize("key", ["in-person", "online", "hybrid"])
def test_format_pages_list_exactly_the_items_of_their_format(real_site, real_model, key):
    html = (real_site / "en/formats" / key / "index.html").read_text()
    listed = set(re.findall(r'<li class="card[^>]*>\s*<h2 class="card-title"><a href="([^"]+)"', html))
    assert listed == {item_href(i) for i in real_model.site.items if i.format == key}


def test_filter_links_lead_to_every_region_category_and_format(real_site, real_model):
    html = (real_site / "en/2024/index.html").read_text()
    bar = re.search(r'<nav class="filter-bar".*?</nav>', html, re.S).group(0)
    config = real_model.config
    for path in ([f"/en/regions/{r.key}/" for r in config.regions] + [f"/en/categories/{c.key}/" for c in config.categories]
                 + [f"/en/formats/{k}/" for k in ("in-person", "online", "hybrid")]):
        assert f'href="{path}"' in bar


def test_items_carry_their_filter_values(real_site):
    html = (real_site / "en/2024/index.html").read_text()
    row = re.search(r'<tr[^>]*data-id="cop29"[^>]*>', html).group(0)
    assert 'data-region="central-asia"' in row and 'data-category="networking"' in row
    assert 'data-format="in-person"' in row and 'data-program="conferences-expos-webinars"' in row


def test_the_filter_form_is_hidden_until_the_script_shows_it(real_site):
    for page in ("en/2024/index.html", "en/regions/africa/index.html", "en/categories/regional/index.html"):
        html = (real_site / page).read_text()
        assert re.search(r'<form class="filters" hidden', html), page
        assert re.search(r'<script src="/assets/filters\.[0-9a-f]{10}\.js" defer></script>', html), page


def test_the_script_is_small_and_no_page_has_inline_script_or_style(real_site):
    scripts = list((real_site / "assets").glob("filters.*.js"))
    assert len(scripts) == 1 and scripts[0].stat().st_size < 10_000
    for page in real_site.rglob("*.html"):
        html = page.read_text()
        assert not re.search(r"<style|\sstyle=", html), page
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/ld+json"' in tag, (page, tag)


# The map of places

def test_the_map_lists_every_city_of_the_year_with_its_items(real_site, real_model):
    html = (real_site / "en/2024/index.html").read_text()
    where = re.search(r'<section class="where".*?</section>', html, re.S).group(0)
    items_2024 = [i for i in real_model.site.items if i.city and i.when and YEAR in i.when.years()]
    cities = {i.city for i in items_2024}
    assert len(cities) >= 14
    places = {m.group(1): m.group(0) for m in
              re.finditer(r'<li class="place" id="(place-[a-z0-9-]+)".*?</ul>', where, re.S)}
    assert set(places) == {place_anchor(c) for c in cities}
    for item in items_2024:
        assert item_href(item) in places[place_anchor(item.city)], item.id
    markers = re.findall(r'<a class="marker" href="#(place-[a-z0-9-]+)"', where)
    assert markers and set(markers) <= set(places)
    assert 'role="group" aria-labelledby="where-map-title"' in where and "<img" not in where


def _on_land(lat: float, lon: float) -> bool:
    """Whether the map's outline covers a point: its path data read back, filled even-odd."""
    x, y = project(lat, lon)
    inside = False
    for shape in re.finditer(r"M([-\d.]+) ([-\d.]+)l([^z]*)z", land_path()):
        points = [(float(shape[1]), float(shape[2]))]
        steps = [float(n) for n in re.findall(r"-?\d*\.?\d+", shape[3])]
        for dx, dy in zip(steps[::2], steps[1::2]):
            points.append((points[-1][0] + dx, points[-1][1] + dy))
        for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


@pytest.mark.parametrize("place, lat, lon, land", [
    # Cities of site.toml on a coast or a narrow strip, where a rough outline puts them at sea.
    ("Lisbon", 38.72, -9.14, True), ("Abu Dhabi", 24.45, 54.38, True), ("Baku", 40.41, 49.87, True),
    ("Seoul", 37.57, 126.98, True), ("Taipei", 25.03, 121.57, True),
    # Land cut at the antimeridian, on both edges of the map.
    ("Chukotka, west of 180°", 66.0, 175.0, True), ("Chukotka, east of 180°", 66.0, -174.0, True),
    ("Fiji", -17.8, 178.0, True), ("Tasmania", -42.0, 146.5, True), ("Greenland", 75.0, -40.0, True),
    ("the Atlantic", 30.0, -40.0, False), ("the Caspian Sea, cut out", 42.0, 51.0, False),
    ("the Black Sea", 43.0, 34.0, False), ("the Mediterranean", 35.0, 18.0, False),
    ("Hudson Bay", 60.0, -85.0, False),
])
def test_the_map_outline_is_natural_earths_land(place, lat, lon, land):
    assert _on_land(lat, lon) is land, place


def test_every_city_in_content_has_coordinates(real_model):
    """The real content's cities are all in site.toml, whose coordinates win over the gazetteer's."""
    cities = [i for i in real_model.site.items if i.city]
    assert cities and all(i.coordinates == (real_model.config.place(i.city).lat, real_model.config.place(i.city).lon)
                          for i in cities)


def _placed(basic, city: str, country: str | None, capsys) -> tuple[int, str]:
    """workshop.md moved to `city` (line 8) in `country` (line 9, removed when None), then built."""
    path = basic.content / "events/workshop.md"
    text = path.read_text()
    assert "city: Almaty\ncountry: KZ\n" in text
    path.write_text(text.replace("city: Almaty\ncountry: KZ\n", f"city: {city}\n" + (f"country: {country}\n" if country else "")))
    code = main(["--root", str(basic.root), "build", "--now", BUILD_DAY.isoformat(), "--no-search", "--no-brochure"])
    return code, capsys.readouterr().err


def test_a_city_and_country_are_enough_to_be_on_the_map(basic, capsys):
    code, err = _placed(basic, "Berlin", "DE", capsys)
    assert code == 0, err
    site = load_project(basic, Options(out=basic.root / "public", today=BUILD_DAY)).site
    lat, lon = site.item("workshop").coordinates
    assert round(lat, 1) == 52.5 and round(lon, 1) == 13.4
    year = (basic.root / "public/en/2024/index.html").read_text()
    x, y = project(lat, lon)
    assert 'id="place-berlin"' in year and f'{x:g}' in year and f'{y:g}' in year


def test_a_places_entry_overrides_the_gazetteer(basic, capsys):
    basic.config_file.write_text(basic.config_file.read_text()
                                 + '\n[[places]]\ncity = "Berlin"\ncountry = "DE"\nlat = 52.5\nlon = 13.5\n')
    code, err = _placed(basic, "Berlin", "DE", capsys)
    assert code == 0, err
    site = load_project(basic, Options(out=basic.root / "public", today=BUILD_DAY)).site
    assert site.item("workshop").coordinates == (52.5, 13.5)


def test_a_places_entry_with_a_country_settles_a_name_shared_in_one_country(basic, capsys):
    basic.config_file.write_text(basic.config_file.read_text()
                                 + '\n[[places]]\ncity = "Springfield"\ncountry = "US"\nlat = 39.8\nlon = -89.64\n')
    code, err = _placed(basic, "Springfield", "US", capsys)
    assert code == 0, err


@pytest.mark.parametrize("city, country, expected", [
    ("Berln", "DE", "city: 'Berln' is not a city the gazetteer knows in DE; did you mean `Berlin`? (use: Berlin, "),
    ("Atlantiss", None, "city: 'Atlantiss' is not a city the gazetteer knows; did you mean `Atlantis`? "),
    ("Berlin", "FR", "city: 'Berlin' is not a city the gazetteer knows in FR; it knows Berlin in DE "
                     '(use: a [[places]] entry in site.toml: city = "Berlin", lat = ..., lon = ... (degrees))'),
    ("Barcelona", None, "city: 'Barcelona' is a city in 2 countries (ES, VE) (use: add its country: country: ES "
                        "or country: VE)"),
    ("Springfield", "US", "city: 'Springfield' names 8 cities in US (use: a [[places]] entry in site.toml "
                          '(city = "Springfield", country = "US", lat = ..., lon = ...) for the one you mean: '
                          "Springfield (US-IL): lat = 39.80, lon = -89.64; Springfield (US-MO)"),
])
def test_an_unknown_or_ambiguous_city_names_file_line_and_the_closest_names(basic, capsys, city, country, expected):
    code, err = _placed(basic, city, country, capsys)
    assert code == 1
    assert f"content/events/workshop.md:8: {expected}" in err, err


def test_places_in_site_toml_are_checked(basic, capsys):
    toml = basic.config_file.read_text()
    basic.config_file.write_text(toml + '\n[[places]]\ncity = "Seoul"\nlat = 137.5\nlon = 127\n')
    code = main(["--root", str(basic.root), "build", "--now", BUILD_DAY.isoformat()])
    err = capsys.readouterr().err
    assert code == 1
    assert "site.toml: places[2].city: 'Seoul' appears twice" in err
    assert "site.toml: places[2].lat: 137.5 is off the globe (use: degrees from -90 to 90)" in err


# Valid HTML in every language

def test_new_page_types_validate_with_the_nu_checker(real_site):
    pages = [real_site / lang / path / "index.html" for lang in LANGS for path in (
        "2024", "2024/11", "2024/12", "formats", "formats/hybrid", "formats/online",
        "regions/east-asia", "regions/north-america", "categories/regional")]
    assert validate_html(pages) == []


# In a browser

@pytest.fixture(scope="module")
def site_url(real_site):
    with serve(real_site) as url:
        yield url


def _shown(page) -> set[str]:
    return set(page.eval_on_selector_all("[data-id]:not([hidden])",
                                         "els => els.filter(e => e.offsetParent).map(e => e.dataset.id)"))


@pytest.mark.browser
def test_filters_narrow_the_year_in_place_and_live_in_the_address(site_url, real_model):
    latin = {i.id for i in real_model.site.items if "latin-america" in i.regions and i.when and YEAR in i.when.years()}
    with browser() as b:
        page = b.new_page()
        page.goto(f"{site_url}/en/2024/")
        assert page.is_visible("form.filters")
        everything = _shown(page)
        page.select_option("#filter-region", label="Latin America")
        assert _shown(page) == latin and latin < everything
        assert page.url.endswith("/en/2024/?region=latin-america")
        assert page.text_content(".filter-status") == f"{len(latin)} activities"
        assert page.get_attribute(".filter-status", "role") == "status"
        assert not page.is_visible("#place-seoul") and page.is_visible("#place-curitiba")

        page.select_option("#filter-category", "regional")
        both = {i for i in latin if real_model.site.item(i).category == "regional"}
        assert _shown(page) == both and "region=latin-america&category=regional" in page.url

        page.goto(f"{site_url}/en/2024/?region=latin-america")
        assert page.input_value("#filter-region") == "latin-america"
        assert _shown(page) == latin
        page.click("button.filter-reset")
        page.wait_for_function("() => !location.search")
        assert _shown(page) == everything


@pytest.mark.browser
def test_without_javascript_the_filter_links_lead_to_the_region_and_category_pages(site_url):
    with browser() as b:
        context = b.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{site_url}/en/2024/")
        assert not page.is_visible("form.filters")
        page.click(".filter-bar >> text=Latin America")
        assert page.url.endswith("/en/regions/latin-america/")
        assert page.is_visible("h1:has-text('Latin America')")
        page.click(".filter-bar >> text=Regional Activities")
        assert page.url.endswith("/en/categories/regional/")
        page.click(".filter-bar >> text=Hybrid")
        assert page.url.endswith("/en/formats/hybrid/")
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/en/2024/11/", "/ar/2024/11/", "/en/2024/", "/ar/regions/east-asia/"])
def test_calendar_pages_pass_axe(site_url, path):
    with browser() as b:
        page = b.new_context(bypass_csp=True).new_page()  # axe is injected inline; the pages forbid that
        page.goto(site_url + path)
        assert run_axe(page) == []


@pytest.mark.browser
def test_printing_hides_navigation_and_filters(site_url):
    with browser() as b:
        page = b.new_page()
        page.goto(f"{site_url}/en/2024/")
        page.emulate_media(media="print")
        for selector in ("form.filters", ".filter-bar", ".main-nav", ".month-links"):
            assert not page.is_visible(selector), selector
        assert page.is_visible(".overview") and page.is_visible(".world-map")
