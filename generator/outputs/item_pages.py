"""Pages and VEVENTs in one task: an item's page and its VEVENTs come from one parse of its body.

Pure apart from rendering on every core (generator/parallel.py). The body is
parsed once per item and language: HTML for the page, plain text for the
VEVENT of the event's own file. The page workers send each VEVENT back beside
its page, so that the feeds only assemble bytes (outputs/calendar/ics.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Mapping

from generator.content.markdown import body_text, parse_body
from generator.outputs.calendar.ics import Calendars
from generator.outputs.html import Renderer
from generator.outputs.plans import PagePlan
from generator.parallel import render_each


@dataclass(frozen=True, slots=True)
class PageTask:
    plan: PagePlan
    vevents: tuple[tuple[str, bool], ...] = ()
    """(key, brief) of the VEVENTs of the page's item to make beside it (Calendars.to_make)."""


class PageMaker:
    """Renders pages, and with each item's page the VEVENTs the render still lacks."""

    def __init__(self, renderer: Renderer, calendars: Calendars):
        self.renderer, self.calendars = renderer, calendars

    def make(self, plans: list[PagePlan], workers: int | None = None,
             made: Mapping[str, bytes] | None = None) -> Iterator[bytes]:
        """Each page's bytes, in order, on up to `workers` processes; the VEVENTs made beside
        them go to the calendars as they arrive. `made`: pages made already, by output path (a
        preview's early pages, build.render_site): not made again (the feeds make their VEVENTs)."""
        if not made:
            yield from self._make(plans, workers)
            return
        paths = [self.renderer.output_path(plan) for plan in plans]
        fresh = self._make([plan for plan, path in zip(plans, paths) if path not in made], workers)
        for path in paths:
            yield made[path] if path in made else next(fresh)

    def _make(self, plans: list[PagePlan], workers: int | None) -> Iterator[bytes]:
        if plans:
            self.renderer.render(plans[0])  # compile the templates once, before workers fork
        tasks = [PageTask(plan, self._vevents(plan)) for plan in plans]
        for page, vevents in render_each(self._render, tasks, workers):
            self.calendars.keep(vevents)
            yield page

    def _vevents(self, plan: PagePlan) -> tuple[tuple[str, bool], ...]:
        item = plan.context.get("item") if plan.template == "item.html" else None
        return self.calendars.to_make(item, plan.lang) if item is not None else ()

    def _render(self, task: PageTask) -> tuple[bytes, tuple[tuple[str, bytes], ...]]:
        plan = task.plan
        if not task.vevents:
            return self.renderer.render(plan).data, ()
        item, text = plan.context["item"], plan.context["text"]
        parsed = parse_body(text.body)
        whole = any(not brief for _, brief in task.vevents)
        # The plain text first: the HTML renderer sets attributes on the tokens it reads.
        plain = body_text(parsed) if whole and text.body == item.text(plan.lang).body else None
        page = self.renderer.render(plan, parsed).data
        return page, self.calendars.make(item, plan.lang, task.vevents, plain)
