"""Lists cut into pages: where a page stands among the others (Pager) and what it holds.

Pure. Every list that can grow with the calendar (a list page, a month, a program's
activities, a large year's activities without a month) is cut the same way, at
site.toml's [lists] page_size, its page N at `Urls.list_page(first, N)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True, repr=False)
class Pager:
    """Where a page stands in a list that continues on several pages (layouts/macros.html)."""

    number: int
    count: int
    first: str
    """The list's first page, which the others are numbered below (Urls.list_page)."""

    def __repr__(self) -> str:
        # What a page is made from holds it (40,000 item pages): dataclasses' repr, guarded
        # against recursion, is three times slower than this one, which says the same.
        return f"Pager(number={self.number!r}, count={self.count!r}, first={self.first!r})"

    @property
    def numbers(self) -> tuple[int | None, ...]:
        """The page numbers to link to: the first, the last and two either side of this one;
        None where numbers are left out."""
        shown = sorted({1, self.count} | set(range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)))
        found: list[int | None] = []
        for n in shown:
            if found and n - found[-1] > 1:
                found.append(None)
            found.append(n)
        return tuple(found)


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """`items` in pieces of `size`, in order; an empty list is one empty page."""
    return [items[start:start + size] for start in range(0, len(items), size)] or [items[:0]]


def paged_title(fmt, title: str, number: int, count: int) -> str:
    """A page's heading: the list's title, with where it stands after the first page."""
    if number == 1:
        return title
    return fmt._("%(title)s, page %(page)s of %(pages)s") % {
        "title": title, "page": fmt.number(number), "pages": fmt.number(count)}
