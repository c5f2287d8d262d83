"""Changing a booking not yet scheduled: its owner moves it to another pickup day, time
window or note, checked as the booking form checks them (bookings.py), under the
booking's row lock, and recorded as a `rescheduled` event (event_details.py).

A draft plan made before the change still routes the booking as it was: publishing
refuses it (publish_refusals.refuse_if_changed asks `rescheduled_among`), and a run takes
it off a route it keeps (route_keeping.ended_stops)."""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels
from lithloop.extensions import db
from lithloop.models import Booking, BookingEvent, BookingStatus, User
from lithloop.services.accounts import policies
from lithloop.services.booking import capacity, event_details
from lithloop.services.booking.booking_list import get_booking
from lithloop.services.booking.booking_status import record_status
from lithloop.services.booking.bookings import (
    check_hazard_date,
    check_window,
    refuse_unless_room,
)
from lithloop.services.booking.draft import BookingDraft, parse_pickup
from lithloop.services.booking.draft_lots import LotDraft
from lithloop.services.booking.errors import Code
from lithloop.services.errors import Conflict, Forbidden, ServiceError

S = BookingStatus


def change_pickup(user: User, booking_id: int, raw: dict, seen: str | None = None) -> Booking:
    """Move a requested booking to the day, window (["HH:MM", "HH:MM"]) and note of `raw`
    (a key left out keeps the booking's own); nothing changed records nothing. `seen`: the
    booking's pickup_version as the person read it; a change made since is refused."""
    try:
        return _change(user, booking_id, raw, seen)
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise


def check_may_change(user: User) -> None:
    """Forbidden unless the user is a booking owner's (the park moves bookings from its plan)."""
    if user.works_for_park or user.role not in policies.BOOKERS:
        raise Forbidden(
            _l("Only the booking's owner changes its day; the park moves it from the plan.")
        )


def pickup_version(booking: Booking) -> str:
    """A short fingerprint of the booking's pickup day, window and note: the form and the
    API's body carry it, so that a change sent from what someone else has changed since is
    refused instead of silently undoing theirs."""
    pickup = f"{booking.pickup_date}|{booking.window_start}|{booking.window_end}|{booking.note}"
    return hashlib.sha256(pickup.encode()).hexdigest()[:12]


def refuse_if_changed(booking: Booking, seen: str | None) -> None:
    """Conflict (CHANGED_MEANWHILE) when `seen`, the pickup_version the person read, is not
    the booking's now: someone changed its pickup since (the caller holds its row lock)."""
    if seen and seen != pickup_version(booking):
        raise Conflict(
            _l(
                "Someone changed booking %(id)s while you were looking at it: its pickup is "
                "now %(d)s, %(s)s\u2013%(e)s. Check it and make your change again.",
                id=booking.id,
                d=booking.pickup_date.isoformat(),
                s=booking.window_start.strftime("%H:%M"),
                e=booking.window_end.strftime("%H:%M"),
            ),
            code=Code.CHANGED_MEANWHILE,
        )


def _change(user: User, booking_id: int, raw: dict, seen: str | None) -> Booking:
    check_may_change(user)  # before the booking is read: a role that may not, whoever's
    booking = get_booking(user, booking_id)  # NotFound unless the user may see it
    db.session.refresh(booking, with_for_update=True)  # a change or a cancel waits for this one
    _refuse_unless_requested(booking)
    refuse_if_changed(booking, seen)
    today = clock.today()
    typed = {**_current(booking), **{k: v for k, v in raw.items() if v is not None}}
    day, start, end, note = parse_pickup(typed, today)
    before = (booking.pickup_date, booking.window_start, booking.window_end, booking.note)
    after = (day, start, end, note)
    if after == before:  # a form sent twice: the booking is as asked already
        db.session.rollback()
        return booking
    draft = BookingDraft(booking.site_id, day, start, end, _lots(booking), note)
    check_window(booking.site, start, end)
    if day != booking.pickup_date:
        if draft.hazardous:
            check_hazard_date(day, draft.total_mass_kg, today)
        _move_room(booking, day)
        booking.eta_start = booking.eta_end = None
    booking.pickup_date, booking.window_start, booking.window_end, booking.note = after
    detail = event_details.rescheduled(before, after)
    record_status(booking, S.REQUESTED, S.REQUESTED, user, "", detail)
    db.session.commit()
    return booking


def _refuse_unless_requested(booking: Booking) -> None:
    if booking.status is S.REQUESTED:
        return
    what = labels.clause(labels.BOOKING_IS, booking.status, booking.id)  # its state in words
    if booking.status is S.SCHEDULED:
        said = _l("%(what)s: it is on a truck's route now; call the park to change it.", what=what)
    else:
        said = _l("%(what)s and can no longer be changed.", what=what)
    raise Conflict(said, code=Code.NOT_CHANGEABLE)


def _current(booking: Booking) -> dict:
    return {
        "date": booking.pickup_date.isoformat(),
        "window": [booking.window_start.strftime("%H:%M"), booking.window_end.strftime("%H:%M")],
        "note": booking.note,
    }


def _lots(booking: Booking) -> tuple[LotDraft, ...]:
    """The booked lots as a draft's (the window and hazard checks read their mass and state)."""
    return tuple(
        LotDraft(lot.chemistry, lot.form, lot.pack_count, lot.mass_kg, lot.condition)
        for lot in booking.lots
    )


def _move_room(booking: Booking, day) -> None:
    """Take the new day's room (refused when it has none) and free the old day's; both day
    rows locked in date order, after the booking (publishing.py's lock order)."""
    old = booking.pickup_date
    rows = {d: capacity.lock_day(d) for d in sorted((old, day))}
    refuse_unless_room(rows[day], booking.total_mass_kg)
    rows[old].booked_kg -= booking.total_mass_kg
    rows[old].booked_stops -= 1
    rows[day].booked_kg += booking.total_mass_kg
    rows[day].booked_stops += 1


def rescheduled_among(booking_ids, since: datetime) -> set[int]:
    """Those of the bookings whose owner changed their day or time window at or after
    `since` (a plan made before routes them as they were); one query, none for no ids."""
    ids = sorted(set(booking_ids))
    if not ids:
        return set()
    rows = db.session.execute(
        sa.select(BookingEvent.booking_id, BookingEvent.detail).where(
            BookingEvent.booking_id.in_(ids), BookingEvent.at >= since
        )
    )
    return {booking_id for booking_id, detail in rows if _moved(detail)}


def _moved(detail) -> bool:
    """A rescheduled event that changed the day or the window (not only the note)."""
    return (
        isinstance(detail, dict)
        and detail.get("kind") == event_details.RESCHEDULED
        and detail.get("from") != detail.get("to")
    )
