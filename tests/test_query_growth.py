"""No page's SQL statement count grows with the rows: every GET of the URL map (classified
by tests/authz_table.py, as the authorisation matrix is) asked as the role that uses it on
the matrix's world, then on the same world with about ten times the bookings, packs, pack
events and orders written beside it (bench/growth_world.py), each counted after a warm-up
request (the fewer of two counts). A page that loads each row's relations one by one (N+1)
fails here; a fixed step of STEP statements is allowed (a list's total counted once it
fills a page).

KNOWN lists the pages that still grow, with why; the test also fails when one of them
stops growing, so that the list shrinks as they are fixed. BOUNDED lists downloads whose size
must not grow with the rows, NOT_COUNTING lists whose total must not count a growing table.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bench import growth_world
from lithloop import clock
from lithloop.extensions import db
from lithloop.services.reporting import rollups
from tests.growth_targets import targets
from tests.sent_sql import sent_statements
from tests.test_authz_matrix import seeded_matrix, send

#: "endpoint (role)" -> why its count still grows (other helpers' pages, issue 20).
KNOWN: dict[str, str] = {}
GROWTH_DAYS, PER_DAY = 180, 1.7  # ~300 bookings, ~500 packs, ~4,000 events, ~80 orders
#: A fixed step a list may take once it fills its first page (the total is then counted)
#: or a group stops being empty; a page that loads rows one by one grows by tens.
STEP = 2
TABLES = ("booking", "pack", "pack_event", "market_order")
#: "endpoint (role)" -> why its size is bounded: at most 1.25x its size on the small world.
BOUNDED = {"trace.export (admin)": "the upload file is a batch (TRACE_UPLOAD_BATCH)"}
UPLOAD_BATCH = 20  # handovers a file here: the small world owes more than that already
#: "endpoint (role)" -> the growing table its total must not count (it reads a rollup).
NOT_COUNTING = {"api_bookings.list_bookings (admin)": "booking"}


def _counts(matrix, engine, watched: dict) -> dict[str, int]:
    """Statements per target; for the targets in BOUNDED and NOT_COUNTING, also their bytes
    and statements (into `watched`)."""
    found = {}
    with sent_statements(engine) as statements:
        for endpoint, who, role, url, spec in targets(matrix):
            send(matrix, "GET", url, spec, role, {}).get_data()  # warm: caches, sweeps
            counted = []
            for _ in range(2):  # the fewer of two: a periodic sweep may fall in one
                statements.clear()
                response = send(matrix, "GET", url, spec, role, {})
                body = response.get_data()
                assert response.status_code < 500, (url, response.status_code)
                counted.append(len(statements))
            key = f"{endpoint} ({who})"
            found[key] = min(counted)
            if key in BOUNDED or key in NOT_COUNTING:
                watched[key] = (len(body), list(statements))
    return found


def _rows(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.scalar(sa.text(f'SELECT count(*) FROM "{t}"')) for t in TABLES}  # noqa: S608


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """Statement counts and row counts on the small world and on the grown one."""
    with seeded_matrix("sqlite", tmp_path_factory, "growth") as matrix:
        matrix.app.config["TRACE_UPLOAD_BATCH"] = UPLOAD_BATCH
        with matrix.app.app_context():
            served = db.engine
        watched_small: dict = {}
        small, small_rows = _counts(matrix, served, watched_small), _rows(db.engine)
        with db.engine.connect() as conn:
            context = growth_world.read_context(conn)
        year = growth_world.Year(context, clock.now(), random.Random(20), per_day=PER_DAY)
        today = clock.today()
        for offset in range(GROWTH_DAYS, 0, -1):
            year.day(today - timedelta(days=offset))
        year.finish()
        growth_world.write(db.engine, year)
        rollups.rebuild()
        watched_large: dict = {}
        large, large_rows = _counts(matrix, served, watched_large), _rows(db.engine)
        yield small, large, small_rows, large_rows, watched_small, watched_large


def test_the_world_grew_about_tenfold(grown):
    _small, _large, before, after, *_watched = grown
    for table in TABLES:
        assert after[table] >= 8 * before[table], (table, before[table], after[table])


def test_no_page_statement_count_grows_with_the_rows(grown):
    small, large, *_rows_and_watched = grown
    assert small.keys() == large.keys() and len(small) > 100
    grew = {k: (small[k], large[k]) for k in small if large[k] > small[k] + STEP and k not in KNOWN}
    assert not grew, "statements per request grew with ten times the rows (N+1?): " + ", ".join(
        f"{k}: {a} -> {b}" for k, (a, b) in sorted(grew.items())
    )
    fixed = sorted(k for k in KNOWN if large[k] <= small[k] + STEP)
    assert not fixed, f"no longer growing: take them out of KNOWN: {fixed}"


def test_bounded_downloads_do_not_grow_with_the_rows(grown):
    *_, small, large = grown
    assert BOUNDED.keys() <= small.keys() and BOUNDED.keys() <= large.keys()
    grew = {k: (small[k][0], large[k][0]) for k in BOUNDED if large[k][0] > 1.25 * small[k][0]}
    assert not grew, f"bytes grew with ten times the rows: {grew}"


def test_park_wide_totals_do_not_count_a_growing_table(grown):
    *_, large = grown
    assert NOT_COUNTING.keys() <= large.keys()
    for key, table in NOT_COUNTING.items():
        counts = [
            q
            for q in large[key][1]
            if "count(" in q.lower() and f"FROM {table}" in q.replace('"', "")
        ]
        assert not counts, (key, counts)
