"""Site model -> page plans: every HTML page, its template, and what it shows.

Pure. A plan's context is everything its layout reads of the content (the
layouts query no views), and the items a page shows (`PagePlan.shows`) are
derived from that context, so the two cannot drift apart. Plans are made fresh
on every build; what a preview reuses is decided by the page keys
(generator/incremental/keys.py), not here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

from generator.content.model import Item, Page, Site, Text
from generator.content.when import Precision
from generator.outputs.calendar.entries import event_hours
from generator.outputs.calendar.feeds import FeedLists, published
from generator.outputs.labels import FORMAT_NAMES
from generator.outputs.paging import Pager, paged_title
from generator.outputs.plans import (  # noqa: F401 (DERIVED, SHARE_IMAGE: imported from here by others)
    DERIVED, SHARE_IMAGE, DeferredPlan, ListedPages, PageMeta, PagePlan, Planner, ShareImage, alternates_of, fingerprint,
    kept_plan, language_plan, made_from_context, made_of)
from generator.views import queries as views
from generator.views.monthgrid import neighbours
from generator.views.worldmap import world_map

SECTIONS = ("events", "programs", "networks")

HOME_UPCOMING = 6
"""How many of the next activities the home page shows."""


@dataclass(frozen=True, slots=True)
class Filters:
    """The choices of a list's in-page filter (layouts/filters.html): the values its items have."""

    regions: frozenset[str]
    categories: frozenset[str]
    formats: frozenset[str]
    programs: tuple[Item, ...]
    """The programs and networks the items belong to, in site order: their titles are shown."""


def plan_pages(p: Planner, downloads: dict | None = None, feeds: FeedLists | None = None,
               ) -> list[PagePlan | ListedPages]:
    """Every HTML page of the site, in every language; `downloads`: (language, year) -> the
    brochure's address, size and page count that its year page links to (layouts/year.html);
    `feeds`: what each feed holds (the feeds' own, when they are made in the same render). The
    pages of an item no edit reached (`Planner.unchanged`) are in their place as `ListedPages`."""
    plans = [_root(p)]
    # Which feeds exist, the same in every language: pages link to those only.
    feeds = feeds or FeedLists(p.site, p.today)
    for lang in p.site.config.language_codes:
        plans += _language_pages(p, lang, downloads or {}, feeds)
    return plans + [_root_not_found(p, plans)]


def _language_pages(p: Planner, lang: str, downloads: dict, feeds: FeedLists) -> list[PagePlan]:
    site, urls, _ = p.site, p.urls, p.formatters[lang]._
    plans = [
        _home(p, lang),
        _page(p, lang, "page.html", urls.page(lang, "about"), site.pages["about"], "about"),
        _page(p, lang, "contact.html", urls.page(lang, "contact"), site.pages["contact"], "contact"),
        language_plan(p, lang, "404.html", urls.path(lang, "404.html", folder=False), _("Page not found"),
                      _("The page you were looking for is not here.")),
        language_plan(p, lang, "search.html", urls.search(lang), _("Search"),
                      _("Search every activity, program and network of the calendar.")),
    ]
    for year in views.years(site):
        plans += _year_pages(p, lang, year, downloads.get((lang, year)), feeds)
    plans.append(_archive(p, lang))
    plans += _item_plans(p, lang, feeds)
    plans += _section_pages(p, lang)
    plans += _category_pages(p, lang, feeds) + _region_pages(p, lang, feeds)
    return plans + _month_pages(p, lang) + _format_pages(p, lang)


def _home(p: Planner, lang: str) -> PagePlan:
    """The home page shows one year (views.current_year) and says so everywhere: its heading,
    its lead and head (the year's introduction, content/years/YEAR.md, where there is one,
    else home.md's), the year's next activities (cancelled ones left out) and its areas;
    then its programs and networks (and the ongoing ones, without dates), and links to
    every year."""
    site, year = p.site, views.current_year(p.site, p.today)
    home, intro = site.pages["home"], site.intros.get(year)
    text = home.text(lang)
    intro_text = intro.text(lang) if intro else None
    lead = intro_text or text
    known = views.years(site)
    plan = _text_page(p, lang, "home.html", p.urls.home(lang), home, "home",
                      year=year, upcoming=views.upcoming(site, p.today, HOME_UPCOMING, year),
                      later=next((y for y in known if y > year), None), years=known,
                      glance=views.by_category(site, views.in_year(site, year)),
                      programs=tuple(i for i in site.of_kind("program") + site.of_kind("network")
                                     if i.when is None or year in i.when.years()), text=text,
                      intro=intro_text, lead=lead)
    return replace(plan, meta=replace(plan.meta, title=lead.title, description=lead.summary))


def _year_pages(p: Planner, lang: str, year: int, brochure, feeds: FeedLists) -> list[PagePlan]:
    """A year's page subscribes to the whole calendar (the last months and what is ahead)
    and offers the year's complete feed, for the archive. A year of more activities than a
    list's page (site.toml's [lists] page_size) is summarised instead of listed: at about a
    kilobyte an activity, its full page would grow without bound."""
    items = views.in_year(p.site, year)
    feed = published(p.urls.feed(lang), feeds.whole())
    year_feed = published(p.urls.year_feed(lang, year), feeds.year(year))
    if len(items) > p.site.config.lists.page_size:
        return _year_summary(p, lang, year, brochure, feed, year_feed)
    return [_year_page(p, lang, year, brochure, feed, year_feed)]


def _year_intro(p: Planner, lang: str, year: int) -> Text | None:
    return p.site.intros[year].text(lang) if year in p.site.intros else None


def _year_titles(p: Planner, lang: str, year: int) -> tuple[str, str]:
    fmt = p.formatters[lang]
    _ = fmt._
    return (_("%(year)s Calendar of Activities") % {"year": fmt.year(year)},
            _("Every WeGO activity of %(year)s by category and month, with dates and places.") % {"year": fmt.year(year)})


def _year_page(p: Planner, lang: str, year: int, brochure, feed, year_feed) -> PagePlan:
    """A year of a list's page or fewer, in full: by category, by month, on the map."""
    site = p.site
    items, intro = views.in_year(site, year), _year_intro(p, lang, year)
    inputs = ("year", lang, year, p.fingerprint(items), repr(brochure), feed, year_feed, repr(intro), views.years(site),
              _filtered_programs(site, items))
    title, description = _year_titles(p, lang, year)
    path = p.urls.year(lang, year)
    return kept_plan(p, lang, "year.html", path, inputs, lambda made_from: language_plan(
        p, lang, "year.html", path, title, description,
        made_from, year=year, years=views.years(site), items=items, filters=_filters(site, items), intro=intro,
        overview=views.by_category(site, items), months=views.by_month(site, year),
        year_round=views.year_round(site, year), map=world_map(items, site.config, lang), brochure=brochure,
        feed=feed, year_feed=year_feed))


def _year_summary(p: Planner, lang: str, year: int, brochure, feed, year_feed) -> list[PagePlan]:
    """A large year: how many activities each area and each month has, each month linking to
    its page, and the activities no month page holds alone (year-round, a quarter, a span of
    months) listed in full, on as many pages as a list (layouts/year_summary.html)."""
    site, fmt = p.site, p.formatters[lang]
    items, first = views.in_year(site, year), p.urls.year(lang, year)
    counts = {"areas": tuple((g.key, len(g.items)) for g in views.by_category(site, items)),
              "months": tuple((g.key, len(g.items)) for g in views.by_month(site, year))}
    title, description = _year_titles(p, lang, year)
    pieces = p.pieces(views.spread(site, year), site.config.lists.page_size)
    plans = []
    for number, chunk in enumerate(pieces, 1):
        pager, path = Pager(number, len(pieces), first), p.urls.list_page(first, number)
        heading = paged_title(fmt, title, number, len(pieces))
        context = dict(year=year, years=views.years(site), total=len(items), pager=pager,
                       year_round=tuple(i for i in chunk if i.when.precision is Precision.YEAR),
                       vague=tuple(i for i in chunk if i.when.precision is not Precision.YEAR),
                       intro=_year_intro(p, lang, year) if number == 1 else None,
                       brochure=brochure, feed=feed, year_feed=year_feed, **counts)
        inputs = ("year-summary", lang, path, heading, repr(pager), p.fingerprint(chunk), repr(brochure), feed,
                  year_feed, repr(context["intro"]), repr(counts), context["years"], len(items))

        def make(made_from: tuple, path=path, heading=heading, context=context) -> PagePlan:
            return language_plan(p, lang, "year_summary.html", path, heading, description, made_from, **context)

        plans.append(kept_plan(p, lang, "year_summary.html", path, inputs, make))
    return plans


def _archive(p: Planner, lang: str) -> PagePlan:
    """Every year of the calendar with its number of activities and its introduction's summary:
    past years stay browsable however many there are."""
    _ = p.formatters[lang]._
    return language_plan(p, lang, "years.html", p.urls.section(lang, "years"), _("Every year"),
                         _("Every year of WeGO's Calendar of Activities, with its number of activities."),
                         counts=views.year_counts(p.site),
                         intros={year: page.text(lang) for year, page in p.site.intros.items()})


def _section_pages(p: Planner, lang: str) -> list[PagePlan]:
    _ = p.formatters[lang]._
    titles = {"events": _("Events"), "programs": _("Programs"), "networks": _("Regional networks")}
    plans = []
    for section, kind in zip(SECTIONS, ("event", "program", "network")):
        # The events filter like a year; programs and networks are few.
        plans += _paged(p, lang, "section.html", p.urls.section(lang, section), titles[section],
                        _("All WeGO %(section)s, with dates and places.") % {"section": titles[section]},
                        p.site.of_kind(kind), filtered=section == "events", section=section)
    plans.append(_index(p, lang, "categories.html", p.urls.section(lang, "categories"), _("Areas of activity"),
                        _("WeGO's activities by area."),
                        {cat.key: views.in_category(p.site, cat.key) for cat in p.site.config.categories}))
    plans.append(_index(p, lang, "regions.html", p.urls.section(lang, "regions"), _("Regions"),
                        _("WeGO's activities by region of the world."),
                        {reg.key: views.in_region(p.site, reg.key) for reg in p.site.config.regions}))
    return plans


def _category_pages(p: Planner, lang: str, feeds: FeedLists) -> list[PagePlan]:
    _ = p.formatters[lang]._
    plans = []
    for cat in p.site.config.categories:
        name = _(cat.name)
        plans += _paged(p, lang, "category.html", p.urls.category(lang, cat.key), name,
                        _("WeGO activities in %(name)s.") % {"name": name},
                        views.in_category(p.site, cat.key), filtered=True, cat=cat,
                        feed=published(p.urls.category_feed(lang, cat.key), feeds.category(cat.key)))
    return plans


def _region_pages(p: Planner, lang: str, feeds: FeedLists) -> list[PagePlan]:
    _ = p.formatters[lang]._
    plans = []
    for reg in p.site.config.regions:
        name, items = _(reg.name), views.in_region(p.site, reg.key)
        plans += _paged(p, lang, "region.html", p.urls.region(lang, reg.key), name,
                        _("WeGO activities in %(name)s.") % {"name": name}, items, filtered=True,
                        mapped=True, reg=reg, feed=published(p.urls.region_feed(lang, reg.key), feeds.region(reg.key)))
    return plans


def _format_pages(p: Planner, lang: str) -> list[PagePlan]:
    """One page per way of taking part (the no-JavaScript format filter), and their index."""
    site, _ = p.site, p.formatters[lang]._
    plans = [_index(p, lang, "formats.html", p.urls.section(lang, "formats"), _("Formats"),
                    _("WeGO's activities in person, online and hybrid."),
                    {key: views.in_format(site, key) for key in FORMAT_NAMES})]
    for key, label in FORMAT_NAMES.items():
        name = _(label)
        plans += _paged(p, lang, "format.html", p.urls.format(lang, key), name,
                        _("WeGO activities: %(format)s.") % {"format": name}, views.in_format(site, key),
                        filtered=True, format_key=key)
    return plans


def _month_pages(p: Planner, lang: str) -> list[PagePlan]:
    """Every month of every year as a grid, so that the previous and next month always exist;
    a month of more activities than a list's page continues its cards on more pages, like a
    list, the grid on its first."""
    site, fmt = p.site, p.formatters[lang]
    _, years, size = fmt._, views.years(site), site.config.lists.page_size
    plans = []
    for year in years:
        year_round = views.year_round(site, year)
        for month in range(1, 13):
            before, after = neighbours(year, month, years)
            agenda, first = views.month_items(site, year, month), p.urls.month(lang, year, month)
            pieces = p.pieces(agenda, size)
            for number, chunk in enumerate(pieces, 1):
                pager, path = Pager(number, len(pieces), first), p.urls.list_page(first, number)
                title = paged_title(fmt, fmt.month(year, month), number, len(pieces))
                # The first page draws the whole month (`agenda`: its grid and band); the
                # others only their cards.
                drawn = agenda if number == 1 else ()
                context = dict(year=year, month=month, agenda=drawn, items=chunk, total=len(agenda), pager=pager,
                               year_round=year_round, before=before, after=after)
                inputs = ("month", lang, path, before, after, repr(pager), p.fingerprint(drawn), p.fingerprint(chunk),
                          len(agenda), p.fingerprint(year_round))

                def make(made_from: tuple, path=path, title=title, context=context) -> PagePlan:
                    year, month = context["year"], context["month"]
                    grid = views.grid(site, year, month, fmt.first_weekday) if context["pager"].number == 1 else None
                    return language_plan(p, lang, "month.html", path, title,
                                         _("WeGO activities in %(name)s.") % {"name": fmt.month(year, month)},
                                         made_from, grid=grid, **context)

                plans.append(kept_plan(p, lang, "month.html", path, inputs, make))
    return plans


def _index(p: Planner, lang: str, template: str, path: str, title: str, description: str,
           lists: dict[str, tuple[Item, ...]]) -> PagePlan:
    """A page of links to lists, each with how many items it holds: it shows no item itself."""
    return language_plan(p, lang, template, path, title, description,
                         counts={key: len(items) for key, items in lists.items()})


def _paged(p: Planner, lang: str, template: str, first: str, title: str, description: str,
           items: tuple[Item, ...], filtered: bool = False, mapped: bool = False, **context) -> list[PagePlan]:
    """A list of items on as many pages as site.toml's [lists] page_size asks: the first at
    `first`, the others below it. A `filtered` list of one page has the in-page filter; a
    `mapped` one shows each page's items on a map."""
    size, fmt = p.site.config.lists.page_size, p.formatters[lang]
    pieces = p.pieces(items, size)
    plans = []
    for number, chunk in enumerate(pieces, 1):
        heading = paged_title(fmt, title, number, len(pieces))
        path, pager = p.urls.list_page(first, number), Pager(number, len(pieces), first)

        def make(made_from: tuple, chunk=chunk, path=path, pager=pager, heading=heading) -> PagePlan:
            extra = dict(context)
            extra["filters"] = _filters(p.site, chunk) if filtered and pager.count == 1 else None
            if mapped:
                extra["map"] = world_map(chunk, p.site.config, lang)
            return language_plan(p, lang, template, path, heading, description, made_from,
                                 items=chunk, total=len(items), pager=pager, **extra)

        inputs = ("list", lang, path, heading, description, repr(pager), len(items), p.fingerprint(chunk),
                  repr(sorted(context.items())), _filtered_programs(p.site, chunk) if filtered and pager.count == 1 else ())
        plans.append(kept_plan(p, lang, template, path, inputs, make))
    return plans


def _filtered_programs(site: Site, items: tuple[Item, ...]) -> tuple:
    """The programs a list's filter names (`_filters`), as what the list is made from: their
    titles show in it, and an edit of a program changes none of the listed items' digests."""
    ids = sorted(views.values_present(items, "program"))
    return fingerprint(tuple(site.by_id[i] for i in ids if i in site.by_id))


def _filters(site: Site, items: tuple[Item, ...]) -> Filters:
    programs = views.values_present(items, "program")
    return Filters(views.values_present(items, "region"), views.values_present(items, "category"),
                   views.values_present(items, "format"), tuple(i for i in site.items if i.id in programs))


def plan_item_pages(p: Planner, item: Item, feeds: FeedLists) -> list[PagePlan]:
    """An item's pages in every language, as `plan_pages` plans them."""
    return [plan for lang in p.site.config.language_codes for plan in _item_pages(p, lang, item, feeds)]


def _item_plans(p: Planner, lang: str, feeds: FeedLists) -> list[PagePlan | ListedPages]:
    """Every item's pages as `_item_pages` plans them; for an item no edit reached, as the last
    render listed them (`Planner.unchanged`), without working out what each is made from again
    (40,000 item pages at 10,000 events: one loop, no call an item)."""
    plans, unchanged, planned = [], p.unchanged, p.planned
    for item in p.site.items:
        known = unchanged.get((lang, item.id))
        if known is None:
            made = _item_pages(p, lang, item, feeds)
            plans += made
        else:
            plans.append(ListedPages(lang, known, partial(_planned_again, p, lang, item, feeds)))
        if planned is not None:
            planned[(lang, item.id)] = made if known is None else known  # what the index holds already
    return plans


def _planned_again(p: Planner, lang: str, item: Item, feeds: FeedLists, path: str, made_from: tuple) -> PagePlan:
    """The plan of the item's page at `path`, made in full (a preview's kept one, if it has it)."""
    plan = next(plan for plan in _item_pages(p, lang, item, feeds) if plan.path == path)
    return plan.plan if isinstance(plan, DeferredPlan) else plan


def _item_pages(p: Planner, lang: str, item: Item, feeds: FeedLists) -> list[PagePlan]:
    """An item's page shows it, its program and its program's members; a program's or
    network's offers its feed when the feed holds an event. Members beyond a list's page
    (site.toml's [lists] page_size) continue on pages 2, 3... below the item's address."""
    members, first = views.in_program(p.site, item.id), p.urls.item(lang, item)
    pieces = p.pieces(members, p.site.config.lists.page_size)
    plans = [_item_page(p, lang, item, first, feeds, pieces[0], Pager(1, len(pieces), first), len(members))]
    for number, chunk in enumerate(pieces[1:], 2):  # a program of more members than a list's page
        pager, text = Pager(number, len(pieces), first), item.text(lang)
        plans.append(language_plan(p, lang, "members.html", p.urls.list_page(first, number),
                                   paged_title(p.formatters[lang], text.title, number, len(pieces)), text.summary,
                                   item=item, text=text, items=chunk, total=len(members), pager=pager))
    return plans


def _item_page(p: Planner, lang: str, item: Item, path: str, feeds: FeedLists, members: tuple[Item, ...],
               pager: Pager, total: int) -> PagePlan:
    """The item itself at `path`, with the first page of its members (`pager`, of `total`)."""
    program = p.site.item(item.program) if item.program else None
    feed = None if item.kind == "event" else published(p.urls.program_feed(lang, item), feeds.program(item))
    text = item.text(lang)
    share = _share_image(p, text)
    inputs = ("item", lang, made_of(item), program and made_of(program), p.fingerprint(members), repr(pager), total,
              feed, share and repr(share))  # plain data: a one-off build keeps it (incremental/memos.py)

    def make(made_from: tuple) -> PagePlan:
        alternates = p.item_alternates.get(item.id)
        if alternates is None:
            alternates = p.item_alternates[item.id] = alternates_of(p, item.languages,
                                                                    lambda other: p.urls.item(other, item))
        meta = PageMeta(path, text.title, text.summary, alternates,
                        p.urls.absolute(p.urls.item(text.lang, item)), kind="article", image=share)
        context = {"item": item, "text": text, "members": members, "program": program,
                   "hours": event_hours(item), "feed": feed, "pager": pager, "total": total}
        return PagePlan(lang, "item.html", meta, context, made_from)

    return kept_plan(p, lang, "item.html", path, inputs, make)


def _share_image(p: Planner, text: Text) -> ShareImage | None:
    """The first photo of a text, as its page's og:image: the largest JPEG (or PNG)."""
    for ref in text.images:
        found = p.pictures.get(ref.path or "")
        if found:
            largest = found.largest
            return ShareImage(p.urls.absolute(largest.url), largest.width, largest.height, ref.alt)
    return None


def _root(p: Planner) -> PagePlan:
    config = p.site.config
    default = config.site.default_language
    meta = PageMeta(p.urls.root(), config.site.title, config.site.organisation,
                    alternates_of(p, config.language_codes, p.urls.home), p.urls.absolute(p.urls.home(default)))
    return PagePlan(default, "root.html", meta, {})


def _root_not_found(p: Planner, plans: list[PagePlan]) -> PagePlan:
    """/404.html, which static hosts serve for any missing address: the default language's 404."""
    default = p.site.config.site.default_language
    page = next(plan for plan in plans if type(plan) is not ListedPages and plan.lang == default
                and plan.template == "404.html")
    return replace(page, meta=replace(page.meta, path=p.urls.file("404.html")))


def _page(p: Planner, lang: str, template: str, path: str, page: Page, page_id: str) -> PagePlan:
    return _text_page(p, lang, template, path, page, page_id, text=page.text(lang))


def _text_page(p: Planner, lang: str, template: str, path: str, page: Page, page_id: str,
               text: Text, **context) -> PagePlan:
    """A plain page (home, about, contact): canonical where its text is written."""
    meta = PageMeta(path, text.title, text.summary,
                    alternates_of(p, page.languages, lambda other: p.urls.page(other, page_id)),
                    p.urls.absolute(p.urls.page(text.lang, page_id)))
    context = {"text": text, "page_id": page_id, **context}
    return PagePlan(lang, template, meta, context, made_from_context(lang, path, template, context))
