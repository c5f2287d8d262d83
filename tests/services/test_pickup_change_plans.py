"""A draft plan made before the owner changed a booking's day or window routes it as it
was: publishing refuses it (booking_changed), the preview says so, and a run takes it off
a route it keeps. A change before the plan, or of the note alone, publishes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus, PlanRun, PlanStatus, Role, Truck
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import pickup_change
from lithloop.services.dispatch import publish_preview, publishing, route_keeping
from lithloop.services.errors import Conflict
from lithloop.web.dispatch.run_log import run_log
from tests import worlds
from tests.factories import make_user
from tests.route_world import lot, make_route, open_day

world = worlds.dealer_at_site


@pytest.fixture
def draft(world):
    """A booking on day two and a draft plan of that day routing it."""
    park = db.session.scalar(sa.select(Truck)).organisation
    dispatcher = make_user(park, role=Role.DISPATCHER)
    raw = {
        "site_id": world["site"].id,
        "date": open_day(2).isoformat(),
        "window": ["09:00", "11:00"],
        "lots": [lot(mass="600")],
    }
    booking, _ = booking_service.book_pickup(world["dealer"], raw)
    route = _route(booking.id, dispatcher)
    return {**world, "booking": booking.id, "route": route, "dispatcher": dispatcher}


def _route(booking_id: int, dispatcher):
    truck = db.session.scalar(sa.select(Truck).order_by(Truck.id))
    stops = [("start", None, "07:30"), ("pickup", booking_id, "09:30"), ("end", None, "12:00")]
    return make_route(truck, stops, day=open_day(2), status=PlanStatus.DRAFT, by=dispatcher)


def _publish(draft):
    plan_id = draft["route"].plan_id
    return publishing.publish_plan(draft["dispatcher"], plan_id, allow_unmanned=True)


@pytest.mark.parametrize(
    "change",
    # the day as the test runs, not as the tests were collected (a run may cross midnight
    # in Beijing, 16:00 UTC: the third open day then was the second one now)
    [lambda: {"date": open_day(3).isoformat()}, lambda: {"window": ["10:00", "12:00"]}],
    ids=["day", "window"],
)
def test_a_draft_made_before_a_day_or_window_change_is_not_published(draft, change):
    # Without the check the day change was taken for a booking carried over from a full
    # day: publishing moved it back to the plan's day, and the owner's change was lost.
    change = change()
    pickup_change.change_pickup(draft["dealer"], draft["booking"], change)
    plan = draft["route"].plan
    shown = publish_preview.preview(plan)
    assert [b.id for b in shown.changed] == [draft["booking"]]
    [said] = publish_preview.stale_words(plan)  # the plan page's and confirmation's words
    assert f"预约 #{draft['booking']} 的预约方在计划生成后更改了取货日期或时段" in str(said)
    with pytest.raises(Conflict) as caught:
        _publish(draft)
    assert caught.value.code == "booking_changed"
    assert f"#{draft['booking']}" in str(caught.value.message)
    db.session.expire_all()
    booking = db.session.get(Booking, draft["booking"])
    assert booking.status is BookingStatus.REQUESTED
    assert booking.pickup_date == (open_day(3) if "date" in change else open_day(2))
    assert plan.status is PlanStatus.DRAFT


def test_a_run_takes_a_changed_booking_off_a_route_it_keeps(draft):
    route = draft["route"]
    route.locked = True
    db.session.commit()
    assert route_keeping.ended_stops([route], open_day(2)) == []
    pickup_change.change_pickup(draft["dealer"], draft["booking"], {"window": ["10:00", "12:00"]})
    [ended] = route_keeping.ended_stops([route], open_day(2))
    assert ended.booking_id == draft["booking"]


def test_a_note_change_alone_still_publishes(draft):
    pickup_change.change_pickup(draft["dealer"], draft["booking"], {"note": "请走北门"})
    _publish(draft)
    db.session.expire_all()
    assert db.session.get(Booking, draft["booking"]).status is BookingStatus.SCHEDULED


def test_a_plan_made_after_the_change_publishes(draft):
    pickup_change.change_pickup(draft["dealer"], draft["booking"], {"window": ["10:00", "12:00"]})
    again = _route(draft["booking"], draft["dispatcher"])  # a new run's draft of the day
    publishing.publish_plan(draft["dispatcher"], again.plan_id, allow_unmanned=True)
    db.session.expire_all()
    booking = db.session.get(Booking, draft["booking"])
    assert booking.status is BookingStatus.SCHEDULED and booking.window_start.hour == 10


def test_a_run_plans_again_a_booking_taken_off_a_kept_route_for_its_new_window(client, draft):
    # Depends on planning's kept bookings leaving out the stops taken off: without it the
    # booking was neither on the kept route nor among the day's bookings to plan, so the
    # new plan had no word of it and publishing would leave it unplanned, untold.
    from lithloop.models import Plan
    from tests.web.test_dispatch import run_to_end

    raw = {
        "site_id": draft["site"].id,
        "date": open_day(2).isoformat(),
        "window": ["09:00", "11:00"],
        "lots": [lot(mass="400")],
    }
    other, _ = booking_service.book_pickup(draft["dealer"], raw)
    truck = db.session.scalar(sa.select(Truck).order_by(Truck.id))
    stops = [("start", None, "07:30"), ("pickup", draft["booking"], "09:30")]
    stops += [("pickup", other.id, "10:00"), ("end", None, "12:00")]
    route = make_route(
        truck, stops, day=open_day(2), status=PlanStatus.DRAFT, by=draft["dispatcher"]
    )
    route.locked = True  # the other booking keeps the route: it stays kept
    db.session.commit()
    pickup_change.change_pickup(draft["dealer"], draft["booking"], {"window": ["13:00", "15:00"]})
    run = run_to_end(client, {"dispatcher": draft["dispatcher"], "day": open_day(2)})
    assert run["status"] == "succeeded", run
    plan = db.session.get(Plan, run["plan_id"])
    routed = {s.booking_id for r in plan.routes for s in r.stops if s.booking_id}
    left = {u.booking_id for u in plan.unassigned}
    assert draft["booking"] in routed | left, (routed, left)
    publishing.publish_plan(draft["dispatcher"], plan.id, allow_unmanned=True)  # not refused
    with client.application.test_request_context("/"), force_locale("zh_CN"):
        told = run_log(db.session.get(PlanRun, run["id"]).log).lines
    because = f"货主更改了预约 #{draft['booking']} 的取货日期或时段，已将其站点从保持不变的"
    assert any(because in line for line in told), told  # the owner's change, not its status


def test_an_owner_who_moved_a_booking_left_out_of_a_draft_is_not_told_it_was_left_out(draft):
    # Depends on left_out.tell_owners leaving out the bookings changed since the plan was
    # made: publishing told the owner their booking was not on a route on the draft's day,
    # a day it was no longer booked for, with days that fit it there.
    from lithloop.models import BookingEvent, OutboxMessage, PlanUnassigned

    raw = {
        "site_id": draft["site"].id,
        "date": open_day(2).isoformat(),
        "window": ["09:00", "11:00"],
        "lots": [lot(mass="400")],
    }
    other, _ = booking_service.book_pickup(draft["dealer"], raw)
    plan = draft["route"].plan
    db.session.add(
        PlanUnassigned(plan_id=plan.id, booking_id=other.id, reason="capacity_exceeded", message="")
    )
    db.session.commit()
    pickup_change.change_pickup(draft["dealer"], other.id, {"date": open_day(3).isoformat()})
    shown = publish_preview.preview(plan)  # the confirmation lists whom publishing tells
    assert other.id not in [row["booking"].id for row in shown.left_out]
    letters = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    _publish(draft)
    details = db.session.scalars(
        sa.select(BookingEvent.detail).where(BookingEvent.booking_id == other.id)
    )
    assert [d["kind"] for d in details if d] == ["rescheduled"]
    told = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    assert told == letters + 1  # the routed booking's ETA only
