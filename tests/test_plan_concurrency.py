"""Changing and publishing one day's plans at once (PostgreSQL only: SQLite serialises
writers and ignores FOR UPDATE, so the race cannot happen there).

Both requests are held at their commit (a `before_commit` listener with a barrier) until
both have read what they need, or, when one is waiting for the other's lock, until a few
seconds have passed. What is checked afterwards is what the owners were told: every
booking of the published plan has the ETA of its stop, and the mail says that ETA.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, Order, OutboxMessage, Plan, PlanStatus, Role, Truck
from lithloop.services.dispatch import plan_edit, publish_notices, publishing
from lithloop.services.errors import ServiceError
from tests.commit_gate import CommitGate, together_as
from tests.factories import make_park, make_user
from tests.market.test_deliveries import paid_delivery
from tests.route_world import make_route, open_day
from tests.web import test_dispatch
from tests.web.test_dispatch import run_to_end

day_world = test_dispatch.day_world  # the fixture, shared

HOLD_S = 3.0  # how long a request waits at its commit for the other one


@pytest.fixture
def backend():
    """PostgreSQL only."""
    return "postgresql"


def _together(app, user_id: int, *calls) -> list:
    """Each call(user) at once in its own thread (commit_gate.together_as)."""
    return together_as(app, user_id, *calls)


def _published(day) -> list[Plan]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Plan).where(Plan.plan_date == day, Plan.status == PlanStatus.PUBLISHED)
        )
    )


def assert_owners_told_the_published_etas(plan: Plan) -> None:
    """Each booking of the plan carries its stop's ETA window, and its owner's last mail
    names the stop's truck and arrival time."""
    stops = [(r, s) for r in plan.routes for s in r.stops if s.booking_id]
    assert stops
    for route, stop in stops:
        booking = db.session.get(Booking, stop.booking_id)
        assert (booking.eta_start, booking.eta_end) == publish_notices.eta_range(
            booking, stop.arrival
        ), f"booking #{booking.id}: ETA differs from its stop in the published plan"
        last = db.session.scalar(
            sa.select(OutboxMessage)
            .where(OutboxMessage.recipient == booking.created_by.email)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
        eta = (stop.arrival + timedelta(hours=8)).strftime("%H:%M")
        assert f"车辆 {route.truck.plate}，预计 {eta} 到达" in last.body, (booking.id, last.body)


def test_a_stop_moved_while_the_plan_is_published_never_splits_plan_and_etas(
    app,
    client,
    day_world,
):
    # Depends on plan_edit.move_booking locking the plan (get_plan(lock=True)) before it
    # reads it: without that both hold at the commit and the move lands in a published
    # plan whose owners were sent the ETAs of the stops before the move.
    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    moved = day_world["bookings"][1]
    source = next(r.truck_id for r in plan.routes for s in r.stops if s.booking_id == moved)
    target = next(t.id for t in db.session.scalars(sa.select(Truck)) if t.id != source)
    plan_id, dispatcher = plan.id, day_world["dispatcher"].id

    with CommitGate(Plan, patience=HOLD_S, dirty=True):
        published, move = _together(
            app,
            dispatcher,
            lambda user: publishing.publish_plan(user, plan_id, allow_unmanned=True),
            lambda user: plan_edit.move_booking(user, plan_id, moved, target, 1),
        )
    assert isinstance(published, Plan), published
    # Either the move went first (and was published) or it came after and was refused.
    assert move is None or getattr(move, "code", None) == "not_draft", move
    [shown] = _published(day_world["day"])
    assert shown.id == plan_id
    assert_owners_told_the_published_etas(shown)
    if move is None:
        assert (
            next(r.truck_id for r in shown.routes for s in r.stops if s.booking_id == moved)
            == target
        )


def test_two_drafts_of_one_day_published_at_once_leave_one_published(app, client, day_world):
    # Depends on publishing.lock_day_plans: publishing takes every plan of the day, so the
    # second publish waits and then supersedes the first. Without it both drafts were
    # published (or, with only the unique index, one failed).
    first = run_to_end(client, day_world)["plan_id"]
    second = run_to_end(client, day_world)["plan_id"]
    dispatcher = day_world["dispatcher"].id

    with CommitGate(Plan, patience=HOLD_S, dirty=True):
        results = _together(
            app,
            dispatcher,
            lambda user: publishing.publish_plan(user, first, allow_unmanned=True).id,
            lambda user: publishing.publish_plan(user, second, allow_unmanned=True).id,
        )
    assert all(isinstance(r, int) for r in results), results  # no deadlock, no refusal
    assert sorted(results) == sorted([first, second]), results  # both went through, in turn
    [shown] = _published(day_world["day"])
    other = db.session.get(Plan, ({first, second} - {shown.id}).pop())
    assert other.status is PlanStatus.SUPERSEDED
    assert_owners_told_the_published_etas(shown)


def test_two_drafts_sharing_no_booking_published_at_once_leave_one_published(
    app,
    client,
    day_world,
):
    # Depends on publishing.lock_day_plans alone: the drafts share no booking, so no
    # booking lock orders the two publishes; without the day's plan locks both reach the
    # commit, and either both are published or (with the unique index) one is refused.
    full = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    empty = Plan(run_id=full.run_id, plan_date=full.plan_date, solution={})
    db.session.add(empty)
    db.session.commit()
    drafts, dispatcher = [full.id, empty.id], day_world["dispatcher"].id

    with CommitGate(Plan, patience=HOLD_S, dirty=True):
        results = _together(
            app,
            dispatcher,
            *(
                lambda user, p=p: publishing.publish_plan(user, p, allow_unmanned=True).id
                for p in drafts
            ),
        )
    assert sorted(r for r in results if isinstance(r, int)) == sorted(drafts), results
    [shown] = _published(day_world["day"])
    assert {p.status for p in map(db.session.get, [Plan] * 2, drafts)} == {
        PlanStatus.PUBLISHED,
        PlanStatus.SUPERSEDED,
    }


class PublishBehindTheLock:
    """When a session is about to commit a newly published plan, another connection
    publishes `other` of the same day and commits first: a publish the lock did not see."""

    def __init__(self, engine, other: int):
        self.engine, self.other, self.done = engine, other, False

    def __call__(self, session) -> None:
        if self.done or not any(
            isinstance(o, Plan) and o.status is PlanStatus.PUBLISHED for o in session.dirty
        ):
            return
        self.done = True
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(Plan).where(Plan.id == self.other).values(status=PlanStatus.PUBLISHED)
            )

    def __enter__(self) -> PublishBehindTheLock:
        sa.event.listen(sa.orm.Session, "before_commit", self)
        return self

    def __exit__(self, *exc) -> None:
        sa.event.remove(sa.orm.Session, "before_commit", self)


def test_a_plan_published_behind_the_lock_makes_publish_a_409_that_changes_nothing(
    app,
    client,
    day_world,
    monkeypatch,
):
    # Depends on the partial unique index uq_plan_published_day (migration 0019) and on
    # publish_plan turning its violation into a Conflict: without the index both plans end
    # published; without the Conflict the IntegrityError is a 500. The day's lock is
    # bypassed here (each publish locks only its own plan, as before the fix), so that the
    # other plan can be published while this publish runs.
    monkeypatch.setattr(
        publishing, "lock_day_plans", lambda plan_id: publishing.get_plan(plan_id, lock=True)
    )
    first = run_to_end(client, day_world)["plan_id"]
    second = run_to_end(client, day_world)["plan_id"]
    dispatcher = day_world["dispatcher"].id

    with PublishBehindTheLock(db.engine, other=first):
        [refused] = _together(
            app, dispatcher, lambda user: publishing.publish_plan(user, second, allow_unmanned=True)
        )
    assert isinstance(refused, ServiceError) and refused.status == 409, refused
    assert refused.code == "published_meanwhile"
    assert "同时发布" in str(refused.message)  # "published at the same moment", in zh-CN
    assert [p.id for p in _published(day_world["day"])] == [first]
    assert db.session.get(Plan, second).status is PlanStatus.DRAFT
    assert all(
        db.session.get(Booking, b).eta_start is None  # nothing of it was kept
        for b in day_world["bookings"]
    )
    assert not db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.body.contains("预计"))
    )


def test_two_days_delivering_one_order_published_at_once_send_one_truck(app):
    # Depends on publishing._lock_orders: the second publish waits for the order the first
    # holds, then sees the first's published plan and is refused. Without the lock both
    # checks run before either commits: both days are published with the order on a truck.
    order = paid_delivery()
    park = make_park(trucks=1)
    truck = db.session.scalars(sa.select(Truck)).one()
    dispatcher = make_user(park, role=Role.DISPATCHER)
    stops = [("start", None, "08:00"), ("delivery", None, "10:00"), ("end", None, "12:00")]
    drafts = []
    for day in (open_day(2), open_day(3)):
        route = make_route(truck, stops, day=day, status=PlanStatus.DRAFT, by=dispatcher)
        route.stops[1].order_id = order.id
        drafts.append(route.plan_id)
    db.session.commit()

    with CommitGate(Plan, patience=HOLD_S, dirty=True):
        results = _together(
            app,
            dispatcher.id,
            *(
                lambda user, p=p: publishing.publish_plan(user, p, allow_unmanned=True).id
                for p in drafts
            ),
        )
    [published] = [r for r in results if isinstance(r, int)]
    [refused] = [r for r in results if not isinstance(r, int)]
    assert getattr(refused, "code", None) == "booking_changed", results
    db.session.expire_all()
    assert db.session.get(Plan, published).status is PlanStatus.PUBLISHED
    assert db.session.get(Plan, drafts[1 - drafts.index(published)]).status is PlanStatus.DRAFT
    assert (
        db.session.get(Order, order.id).delivery_date == db.session.get(Plan, published).plan_date
    )
