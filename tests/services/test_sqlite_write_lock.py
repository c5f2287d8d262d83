"""SQLite drops FOR UPDATE: publishing, moves by hand and route or stop locks take the
database's write lock before they read the plan, so a second one at once waits for the first
to commit and then reads what it wrote (on PostgreSQL the plan's row lock does this:
tests/test_plan_concurrency.py)."""

from __future__ import annotations

import sqlite3

import pytest

from lithloop.extensions import db
from lithloop.services.dispatch import publishing
from tests.factories import PlanFactory


def _another_writer_waits(path: str) -> bool:
    """Whether another connection to the file is refused the write lock (it would wait)."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    else:
        other.execute("ROLLBACK")
        return False
    finally:
        other.close()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("read", ["get_plan", "lock_day_plans"])
def test_reading_a_plan_to_change_it_takes_the_write_lock_first(app, read):
    plan_id = PlanFactory().id
    db.session.commit()
    path = db.engine.url.database
    publishing.get_plan(plan_id)  # a plain read takes no lock
    assert not _another_writer_waits(path)
    if read == "get_plan":
        publishing.get_plan(plan_id, lock=True)
    else:
        publishing.lock_day_plans(plan_id)
    assert _another_writer_waits(path)
    db.session.rollback()
    assert not _another_writer_waits(path)
