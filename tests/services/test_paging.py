"""The one page of every list paged by reading one row more: its rows, has_next, the last
page counted only past the end (services/paging.py)."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import AuditEntry
from lithloop.services import paging
from lithloop.services.accounts import audit

NEVER_COUNTED = sa.select(sa.literal(1))  # page_of counts nothing while a page shows rows


def test_a_full_page_and_one_more_row_has_a_next_page_without_the_extra_row():
    page = paging.page_of(list(range(11)), page=1, per_page=10, count=NEVER_COUNTED)
    assert page == paging.Page(rows=list(range(10)), page=1, has_next=True, pages=None)


def test_exactly_a_full_page_or_less_has_no_next_page():
    full = paging.page_of(list(range(10)), page=3, per_page=10, count=NEVER_COUNTED)
    assert (full.rows, full.page, full.has_next, full.pages) == (list(range(10)), 3, False, None)
    short = paging.page_of(["a", "b"], page=2, per_page=10, count=NEVER_COUNTED)
    assert (short.rows, short.has_next, short.pages) == (["a", "b"], False, None)
    empty = paging.page_of([], page=1, per_page=10, count=NEVER_COUNTED)
    assert (empty.rows, empty.has_next, empty.pages) == ([], False, None)


def test_window_reads_each_page_and_counts_only_past_the_end(app):
    for i in range(7):
        audit.record("test.paging", actor=None, object_type="thing", object_id=i)
    db.session.commit()
    query = sa.select(AuditEntry).where(AuditEntry.action == "test.paging")
    ordered = query.order_by(AuditEntry.id)
    count = query.with_only_columns(AuditEntry.id)

    def read(number: int) -> paging.Page[AuditEntry]:
        rows = list(db.session.scalars(paging.window(ordered, page=number, per_page=3)))
        return paging.page_of(rows, page=number, per_page=3, count=count)

    pages = [read(n) for n in (1, 2, 3)]
    assert [[e.object_id for e in p.rows] for p in pages] == [
        ["0", "1", "2"],
        ["3", "4", "5"],
        ["6"],
    ]
    assert [p.has_next for p in pages] == [True, True, False]
    assert [p.pages for p in pages] == [None, None, None]
    past = read(5)
    assert (past.rows, past.page, past.has_next, past.pages) == ([], 5, False, 3)
