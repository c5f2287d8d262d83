"""Lists paged without counting their rows: past the end, the last page, from one count.

A list that reads one row more than its page (has_next) never counts its rows. Asked for a
page past its end, it counts them once, so that the page can say which page is the last
and link to it, as the counted lists (Flask-SQLAlchemy's pagination) do. A list that
counts its rows anyway (to show how many) builds its page with `counted`: the last page
always known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import sqlalchemy as sa

from lithloop.extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, its number, whether a page follows."""

    rows: list[T]
    page: int
    has_next: bool
    pages: int | None = None  # the last page: uncounted lists know it only past the end


def window(query: sa.Select, *, page: int, per_page: int) -> sa.Select:
    """`query` (ordered) cut to page `page`, with one row more to tell whether one follows."""
    return query.offset((page - 1) * per_page).limit(per_page + 1)


def page_of(rows: list[T], *, page: int, per_page: int, count: sa.Select) -> Page[T]:
    """The page of `rows`, read by `window` (up to per_page + 1 of them); past the end, the
    last page counted over `count` (not yet ordered or paged)."""
    last = last_page_if_past_end(count, page=page, shown=len(rows), per_page=per_page)
    return Page(rows=rows[:per_page], page=page, has_next=len(rows) > per_page, pages=last)


def counted(rows: list[T], *, page: int, per_page: int, total: int) -> Page[T]:
    """This page's `rows` of a list of `total` rows, its last page known (0 when empty)."""
    pages = -(-total // per_page)
    return Page(rows=rows[:per_page], page=page, has_next=page < pages, pages=pages)


def last_page_if_past_end(query: sa.Select, *, page: int, shown: int, per_page: int) -> int | None:
    """None while the page shows rows (or is the first); past the end, the last page with
    rows (0 when the list is empty), counted over `query` (not yet ordered or paged)."""
    if shown or page <= 1:
        return None
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    return -(-total // per_page)
