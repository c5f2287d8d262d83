"""The dispatcher re-plans the rest of the day from an exception on the live plan (issue 18):
the demo driver's route has a pickup done and a stop in exception; the button on the alert
starts a quick run, and the new draft keeps the done pickup where it was on that truck, with
its actual times, while the stop in exception is planned again."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import BookingStatus, Plan, PlanStatus, User
from lithloop.services.dispatch import driver_work, roster
from tests.browser.conftest import log_in, new_page

TODAY = date(2026, 11, 27)


def _road_so_far(live) -> dict:
    """On the demo driver's route: the next pickup done (or one already done), the one
    after it in exception."""
    with live.app.app_context():
        plan = db.session.scalar(
            sa.select(Plan).where(Plan.plan_date == TODAY, Plan.status == PlanStatus.PUBLISHED)
        )
        driver = db.session.scalar(sa.select(User).where(User.email == "driver@demo.lithloop"))
        route = next(r for r in plan.routes if roster.driver_of(r) == driver)
        pickups = sorted((s for s in route.stops if s.kind == "pickup"), key=lambda s: s.seq)
        done = [s for s in pickups if s.done_at is not None]
        todo = [
            s for s in pickups if s.done_at is None and s.booking.status is BookingStatus.SCHEDULED
        ]
        if not done:
            first = todo.pop(0)
            mass = str(first.booking.total_mass_kg)
            codes = "\n".join(c for lot in first.booking.lots for c in lot.codes)
            driver_work.record_pickup(driver, first.id, mass, codes, "")
            done = [first]
        failed = todo[0]
        driver_work.record_exception(driver, failed.id, "nobody_there", "")
        last_done = max(done, key=lambda s: s.seq)
        facts = {
            "plan_id": plan.id,
            "truck_id": route.truck_id,
            "done": [(s.booking_id, s.seq, s.arrival, s.done_at) for s in done],
            "failed_stop": failed.id,
            "failed_booking": failed.booking_id,
            "failed_planned": (route.truck_id, failed.seq, failed.arrival),
            "last_done_at": last_done.done_at,
        }
        db.session.remove()
    return facts


def test_the_dispatcher_replans_the_rest_of_the_day_keeping_what_is_done(browser, live_server):
    road = _road_so_far(live_server)
    office = new_page(browser, live_server.url)
    log_in(office, "dispatcher@demo.lithloop")
    office.goto(f"/dispatch/plans/{road['plan_id']}")
    alert = office.locator(f"#exception-{road['failed_stop']}")
    alert.wait_for()
    alert.locator("form[action$='/dispatch/runs'] button[type=submit]").click()
    office.wait_for_load_state()
    summary = office.locator(".run-summary").first
    summary.wait_for(timeout=90_000)
    summary.locator("a.button").click()
    office.wait_for_load_state()
    draft_id = int(re.search(r"/plans/(\d+)", office.url).group(1))
    assert draft_id != road["plan_id"]
    with live_server.app.app_context():
        draft = db.session.get(Plan, draft_id)
        assert draft.status is PlanStatus.DRAFT and draft.plan_date == TODAY
        route = next(r for r in draft.routes if r.truck_id == road["truck_id"])
        stops = {s.seq: s for s in route.stops}
        for booking_id, seq, arrival, done_at in road["done"]:
            kept = stops[seq]  # the same position on the same truck, with its times
            assert (kept.booking_id, kept.arrival, kept.done_at) == (booking_id, arrival, done_at)
            elsewhere = [s for r in draft.routes for s in r.stops if s.booking_id == booking_id]
            assert elsewhere == [kept]
        after = [s for s in route.stops if s.seq > max(seq for _b, seq, _a, _d in road["done"])]
        assert after and all(s.done_at is None for s in after)
        assert min(s.arrival for s in after) >= road["last_done_at"]
        placed = [s.booking_id for r in draft.routes for s in r.stops]
        placed += [u.booking_id for u in draft.unassigned]
        assert placed.count(road["failed_booking"]) == 1  # planned again, once
        again = [
            (r.truck_id, s.seq, s.arrival)
            for r in draft.routes
            for s in r.stops
            if s.booking_id == road["failed_booking"]
        ]
        assert road["failed_planned"] not in again  # not kept as it was planned
        db.session.remove()
    # the draft's page shows the done pickup as done on the map's timeline of that truck
    assert office.locator(f"#route-{route.id}").count() == 1
    office.context.close()
