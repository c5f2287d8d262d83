# ruff: noqa: F811  (tests take the imported day_world fixture as an argument)
"""Re-planning the rest of the day (issue 18): a route under way keeps its done stops as a
fixed prefix, in place with their actual times; its truck goes on from the last one at the
time it left; only the stops not yet done are planned again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lithloop import clock
from lithloop.extensions import db
from lithloop.jobs import runner
from lithloop.models import BookingStatus, Plan, PlanStatus
from lithloop.services.dispatch import driver_work, live_ops, plan_edit, publishing
from lithloop.services.dispatch.errors import Code
from lithloop.services.errors import Conflict
from tests.conftest import submit
from tests.web.test_dispatch import day_world, run_to_end  # noqa: F401 (the fixture)
from tests.web.test_roster_ops import published_busiest


def _replan(client, auth, world) -> Plan:
    """The dispatcher's "Re-plan the rest of the day" button (a quick run of the day)."""
    auth.login(world["dispatcher"].email)
    sent = submit(
        client,
        "/dispatch/runs",
        {"date": world["day"].isoformat(), "mode": "quick", "time_limit_s": "2"},
        page=f"/dispatch/?date={world['day'].isoformat()}",
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)
    run_id = int(sent.headers["Location"].rstrip("/").split("/")[-1])
    assert runner.wait(run_id, timeout=120)
    auth.logout()
    db.session.expire_all()
    plans = db.session.query(Plan).filter(Plan.plan_date == world["day"]).all()
    return max(plans, key=lambda p: p.id)


def _stops(route):
    return sorted(route.stops, key=lambda s: s.seq)


def test_replanning_keeps_done_stops_as_the_prefix_and_replans_the_rest(
    client, auth, day_world, monkeypatch
):
    plan_id, route, crew = published_busiest(client, day_world)
    plan = db.session.get(Plan, plan_id)
    pickups = [s for s in _stops(route) if s.kind == "pickup"]
    assert len(pickups) >= 2, "the world needs a route with two pickups"
    first, second = pickups[:2]
    truck_id, done_booking, position = route.truck_id, first.booking_id, first.seq
    planned = (first.arrival, first.departure)
    late = first.arrival + timedelta(hours=3)  # the truck runs three hours late
    monkeypatch.setattr(clock, "now", lambda: late)
    driver = crew[truck_id]
    driver_work.record_arrival(driver, first.id)
    monkeypatch.setattr(clock, "now", lambda: late + timedelta(minutes=20))
    driver_work.record_pickup(driver, first.id, "880", "", "少了一点")
    failed = late + timedelta(minutes=50)
    monkeypatch.setattr(clock, "now", lambda: failed)
    driver_work.record_exception(driver, second.id, "nobody_there", "")
    done_at = db.session.get(type(first), first.id).done_at
    others = {
        s.booking_id
        for r in plan.routes
        for s in r.stops
        if s.booking_id and s.booking_id != done_booking
    } | {u.booking_id for u in plan.unassigned}

    draft = _replan(client, auth, day_world)
    assert draft.id != plan_id and draft.status is PlanStatus.DRAFT
    same = [r for r in draft.routes if r.truck_id == truck_id]
    assert len(same) == 1
    stops = _stops(same[0])
    kept = next(s for s in stops if s.booking_id == done_booking)
    assert kept.seq == position and [s.kind for s in stops[: position + 1]][0] == "start"
    assert (kept.arrival, kept.departure, kept.done_at) == (*planned, done_at)
    assert kept.picked_kg == 880
    taken = [s for r in draft.routes for s in r.stops if s.booking_id == done_booking]
    assert taken == [kept]  # no other route takes it
    rest = [s for s in stops if s.seq > position]
    assert rest and rest[-1].kind == "end"
    assert all(s.arrival >= failed for s in rest)  # goes on from its last visit, not as planned
    # the others (the exception's stop among them) are planned again: each once, somewhere
    routed = [s.booking_id for r in draft.routes for s in r.stops if s.booking_id]
    left = [u.booking_id for u in draft.unassigned]
    assert sorted(b for b in routed + left if b != done_booking) == sorted(others)
    assert second.booking_id in routed + left
    assert second.booking_id not in [s.booking_id for s in stops[: position + 1]]

    monkeypatch.setattr(clock, "now", lambda: failed + timedelta(minutes=5))
    # the confirmation does not tell the owner of the done pickup an arrival time again
    from lithloop.services.dispatch import publish_preview

    shown = publish_preview.preview(draft)
    assert done_booking not in {x["booking"].id for x in shown.scheduled}
    assert shown.not_told >= 1
    publishing.publish_plan(day_world["dispatcher"], draft.id)  # a done pickup is history
    assert db.session.get(Plan, draft.id).status is PlanStatus.PUBLISHED
    assert kept.booking.status is BookingStatus.PICKED_UP
    # the driver's page follows the new route: the kept pickup done, the next stop open
    auth.login(driver.email)
    page = client.get("/driver/").get_data(as_text=True)
    head = page.split(f'id="stop-{kept.id}"')[0].rsplit("<details", 1)[1]
    assert "done" in head
    upcoming = next(s for s in rest if s.kind in ("pickup", "delivery"))
    opened = page.split(f'id="stop-{upcoming.id}"')[1].split(">")[0]
    assert " open" in opened  # a failed stop planned again is to do again
    states = live_ops.stop_states(db.session.get(Plan, draft.id))
    assert states[kept.id].state == "picked_up"
    again = [s for r in draft.routes for s in r.stops if s.booking_id == second.booking_id]
    assert all(states[s.id].state != "exception" for s in again)  # not an open alert again


def test_an_arrival_alone_keeps_the_stop_and_the_truck_waits_out_its_service(
    client, auth, day_world, monkeypatch
):
    plan_id, route, crew = published_busiest(client, day_world)
    first = next(s for s in _stops(route) if s.kind == "pickup")
    service = first.departure - first.arrival
    came = first.arrival + timedelta(hours=2)
    monkeypatch.setattr(clock, "now", lambda: came)
    driver_work.record_arrival(crew[route.truck_id], first.id)
    booking, truck_id, position = first.booking_id, route.truck_id, first.seq

    draft = _replan(client, auth, day_world)
    stops = _stops(next(r for r in draft.routes if r.truck_id == truck_id))
    assert stops[position].booking_id == booking and stops[position].done_at is None
    assert [s.booking_id for r in draft.routes for s in r.stops].count(booking) == 1
    assert all(s.arrival >= came + service for s in stops[position + 1 :])


def test_a_visit_ended_by_an_exception_is_planned_again_from_where_the_truck_is(
    client, auth, day_world, monkeypatch
):
    plan_id, route, crew = published_busiest(client, day_world)
    first = next(s for s in _stops(route) if s.kind == "pickup")
    came = first.arrival + timedelta(hours=1)
    monkeypatch.setattr(clock, "now", lambda: came)
    driver_work.record_arrival(crew[route.truck_id], first.id)
    monkeypatch.setattr(clock, "now", lambda: came + timedelta(minutes=10))
    driver_work.record_exception(crew[route.truck_id], first.id, "not_ready", "还没拆下来")
    booking, truck_id = first.booking_id, route.truck_id

    draft = _replan(client, auth, day_world)
    stops = _stops(next(r for r in draft.routes if r.truck_id == truck_id))
    assert stops[0].kind == "start"
    # not kept where it was planned: everything after the start, the failed stop too if it
    # is tried again on this truck, comes after the exception
    assert all(s.arrival >= came + timedelta(minutes=10) for s in stops[1:])
    assert all(s.done_at is None for s in stops)
    placed = [s.booking_id for r in draft.routes for s in r.stops] + [
        u.booking_id for u in draft.unassigned
    ]
    assert placed.count(booking) == 1  # planned again: on a route once, or left out


@pytest.fixture
def in_winter(monkeypatch):
    """The clock moved to a winter Monday and running on: with the winter factor the day's
    five bookings take both trucks (from March to November one truck did them all, and no
    other truck was there to start now)."""
    real = clock.now
    shift = datetime(2026, 12, 7, 1, 0, tzinfo=UTC) - real()
    monkeypatch.setattr(clock, "now", lambda: real() + shift)


def test_a_day_under_way_starts_other_trucks_now_and_refuses_hand_moves(
    client, auth, in_winter, day_world, monkeypatch
):
    plan_id, route, crew = published_busiest(client, day_world)
    first = next(s for s in _stops(route) if s.kind == "pickup")
    now = first.arrival + timedelta(minutes=10)
    monkeypatch.setattr(clock, "now", lambda: now)
    driver_work.record_arrival(crew[route.truck_id], first.id)
    driver_work.record_pickup(crew[route.truck_id], first.id, "880", "", "少了一点")
    draft = _replan(client, auth, day_world)
    kept = next(s for r in draft.routes for s in r.stops if s.booking_id == first.booking_id)
    before = (kept.id, kept.done_at, kept.picked_kg, kept.route.truck_id)
    fresh = [s for r in draft.routes if r.truck_id != route.truck_id for s in r.stops]
    assert fresh and min(s.departure for s in fresh) >= now  # no truck leaves in the past
    assert before[1] is not None
    other = next(r.truck_id for r in draft.routes if r.truck_id != route.truck_id)
    with pytest.raises(Conflict) as refused:
        plan_edit.move_booking(day_world["dispatcher"], draft.id, first.booking_id, other, 1)
    assert refused.value.code == Code.UNDER_WAY
    db.session.expire_all()
    again = db.session.get(type(kept), before[0])
    assert (again.id, again.done_at, again.picked_kg, again.route.truck_id) == before
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{draft.id}").get_data(as_text=True)
    assert "move-form" not in page  # no move offered on a day under way
    assert 'id="live"' not in page  # the road's news is on the published plan, not the draft
    published = client.get(f"/dispatch/plans/{plan_id}").get_data(as_text=True)
    assert 'id="live"' in published
