"""Lists paged without counting their rows: past the end, the last page, from one count.

A list that reads one row more than its page (has_next) never counts its rows. Asked for a
page past its end, it counts them once, so that the page can say which page is the last
and link to it, as the counted lists (Flask-SQLAlchemy's pagination) do.
"""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db


def last_page_if_past_end(query: sa.Select, *, page: int, shown: int, per_page: int) -> int | None:
    """None while the page shows rows (or is the first); past the end, the last page with
    rows (0 when the list is empty), counted over `query` (not yet ordered or paged)."""
    if shown or page <= 1:
        return None
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    return -(-total // per_page)
