"""Nothing left out silently: owners of bookings a published plan leaves out are told, with
the next days that fit, and may move the booking to one of them (so may a dispatcher).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, letters
from lithloop.db import atomic
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    Plan,
    PlanStatus,
    PlanUnassigned,
    User,
)
from lithloop.services.accounts import policies
from lithloop.services.booking import capacity, event_details, pickup_change
from lithloop.services.booking.booking_list import get_booking
from lithloop.services.booking.booking_status import record_status
from lithloop.services.booking.bookings import free_days, next_free_days
from lithloop.services.dispatch.errors import Code
from lithloop.services.errors import Conflict, Forbidden, Invalid

#: Reasons another day can cure; for the others (too far, too heavy) the park must call.
DAY_HELPS = ("day_full", "skill_missing")
PLANNERS = policies.PLANNERS


def proposed_days(booking: Booking, after: date, reason: str) -> list[str]:
    """The next open days after `after` that still fit the booking (none when another
    day cannot help)."""
    if reason not in DAY_HELPS:
        return []
    return next_free_days(booking.total_mass_kg, max(after, clock.today()), 3)


def moved_away(plan: Plan) -> set[int]:
    """The bookings the plan leaves out whose owner moved them to another day since it was
    made (pickup_change.py): not left out of this day any more, nothing to tell them."""
    left = {entry.booking_id: entry.booking for entry in plan.unassigned}
    changed = pickup_change.rescheduled_among(left, plan.run.created_at)
    return {i for i in changed if left[i].pickup_date != plan.plan_date}


def tell_owners(user: User, plan: Plan, routed: set[int]) -> None:
    """At publishing: each owner of a booking left out (and still requested) is told why,
    with the next days that fit; the booking's history keeps the same note. A booking its
    owner moved to another day since the plan was made is not told (moved_away)."""
    skipped = routed | moved_away(plan)
    for entry in plan.unassigned:
        booking = entry.booking
        if booking.id in skipped or booking.status is not BookingStatus.REQUESTED:
            continue
        days = proposed_days(booking, plan.plan_date, entry.reason)
        db.session.add(  # data, told in words by the page that shows the history
            BookingEvent(
                booking=booking,
                from_status=booking.status.value,
                to_status=booking.status.value,
                by_user_id=user.id,
                note="",
                detail=event_details.left_out(plan.plan_date, entry.reason, days),
            )
        )
        letters.send_letter(
            booking.created_by,
            _l("Booking #%(id)s was left out of the routes of %(day)s"),
            _l(
                "Booking #%(id)s at %(site)s is not on a route on %(day)s: %(why)s\n"
                "Days that fit: %(days)s\n%(link)s\n"
            ),
            id=booking.id,
            site=booking.site.name,
            day=plan.plan_date.isoformat(),
            why=LazyString(labels.left_out_reason, entry.reason, booking.site, entry.message),
            days=listed(list(days)) if days else _l("none; please call the park"),
            link=letters.link("bookings.show", booking_id=booking.id),
        )


@dataclass(frozen=True)
class Notice:
    """What the owner's booking page says about a booking left out of a published plan."""

    day: date
    reason: str
    message: str
    days: list[str]


def notice(booking: Booking) -> Notice | None:
    """The left-out notice of a requested booking, from its day's published plan."""
    if booking.status is not BookingStatus.REQUESTED:
        return None
    entry = db.session.scalar(
        sa.select(PlanUnassigned)
        .join(Plan)
        .where(
            PlanUnassigned.booking_id == booking.id,
            Plan.status == PlanStatus.PUBLISHED,
            Plan.plan_date == booking.pickup_date,
        )
    )
    if entry is None:
        return None
    days = proposed_days(booking, booking.pickup_date, entry.reason)
    return Notice(booking.pickup_date, entry.reason, entry.message, days)


def move_to_day(user: User, booking_id: int, day: date, seen: str | None = None) -> Booking:
    """Move a booking to another open day that fits it: its owner while it is requested,
    a dispatcher while it is requested or scheduled (it goes back to requested). `seen`:
    its pickup_version as the page read it; a change made since is refused, as a change is."""
    return atomic(lambda: _move(user, booking_id, day, seen))


def _move(user: User, booking_id: int, day: date, seen: str | None) -> Booking:
    booking = get_booking(user, booking_id)  # NotFound unless the user may see it
    planner = user.role in PLANNERS
    if not planner and user.role not in policies.BOOKERS:
        raise Forbidden(_l("Only the booking's owner or a dispatcher moves it to another day."))
    db.session.refresh(booking, with_for_update=True)
    allowed = (
        (BookingStatus.REQUESTED, BookingStatus.SCHEDULED)
        if planner
        else (BookingStatus.REQUESTED,)
    )
    if booking.status not in allowed:
        if not planner and booking.status is BookingStatus.SCHEDULED:
            raise Forbidden(_l("The booking is scheduled; ask the park to move it."))
        raise Conflict(
            _l(
                "%(what)s and cannot move to another day.",
                what=labels.clause(labels.BOOKING_IS, booking.status, booking.id),
            ),
            code=Code.NOT_MOVABLE,
        )
    pickup_change.refuse_if_changed(booking, seen)  # a stale tab undoes no colleague's move
    horizon = clock.today() + timedelta(days=current_app.config["BOOKING_HORIZON_DAYS"])
    if day == booking.pickup_date or not clock.today() < day <= horizon:
        raise Invalid(_l("Choose an open day after today."), field="date")
    if not capacity.is_open(day):
        raise Invalid(_l("The park is closed on %(d)s.", d=day), field="date")
    old_day = booking.pickup_date
    first, second = sorted((old_day, day))
    rows = {first: capacity.lock_day(first), second: capacity.lock_day(second)}
    if not capacity.status_of(rows[day]).fits(booking.total_mass_kg):
        raise Conflict(
            _l("%(d)s is full. %(free)s", d=day, free=free_days(booking.total_mass_kg, day)),
            field="date",
            code=Code.DAY_FULL,
        )
    rows[old_day].booked_kg -= booking.total_mass_kg
    rows[old_day].booked_stops -= 1
    rows[day].booked_kg += booking.total_mass_kg
    rows[day].booked_stops += 1
    booking.pickup_date = day
    booking.eta_start = booking.eta_end = None
    moved = event_details.moved(old_day, day, full=False)
    record_status(booking, booking.status, BookingStatus.REQUESTED, user, "", moved)
    return booking
