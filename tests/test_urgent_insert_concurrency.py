"""Two dispatchers inserting the same urgent booking at the same moment (PostgreSQL, two
threads with their own sessions): the published plan's row lock makes the second wait and
then answer the first one's draft, so one draft is made, not two; SQLite, which drops
FOR UPDATE, takes its write lock before reading (db.write_lock_on_sqlite)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Plan, PlanStatus
from lithloop.services.dispatch import publishing, urgent_insert
from tests.commit_gate import CommitGate, together_as
from tests.web import test_dispatch
from tests.web.test_dispatch import book_late, run_to_end

day_world = test_dispatch.day_world  # the fixture, shared

HOLD_S = 3.0  # how long the first insert waits at its commit for the other one


@pytest.fixture
def backend():
    """PostgreSQL only."""
    return "postgresql"


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_one_urgent_booking_inserted_twice_at_once_makes_one_draft(app, client, day_world):
    """On SQLite the first insert takes the write lock (BEGIN IMMEDIATE) before it reads:
    the second waits for its commit (never reaching the gate, so the first goes on after
    HOLD_S) and then finds its draft; without it both passed the gate and made two."""
    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    publishing.publish_plan(day_world["dispatcher"], plan.id, allow_unmanned=True)
    urgent = book_late(day_world, "急件网点", (44.59, 129.62), "300")
    plan_id, booking_id = plan.id, urgent.id

    def insert(user):
        return urgent_insert.insert_urgent(user, plan_id, booking_id).id

    with CommitGate(Plan, patience=HOLD_S):
        results = together_as(app, day_world["dispatcher"].id, insert, insert)
    assert all(isinstance(r, int) for r in results), results
    db.session.expire_all()
    drafts = db.session.scalars(
        sa.select(Plan.id).where(
            Plan.plan_date == day_world["day"], Plan.status == PlanStatus.DRAFT
        )
    ).all()
    assert len(drafts) == 1 and set(results) == set(drafts), (results, drafts)
