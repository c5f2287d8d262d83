"""What happens on the road, as the dispatcher's plan shows it: each stop's state with its
time, planned against actual arrival and the drift, and the exceptions still open.

States come from what the driver records (services/dispatch/driver_work.py): the arrival and
exception notes in the booking's history, the booking's status, the stop's done time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from lithloop import clock, letters
from lithloop.extensions import db
from lithloop.models import Booking, BookingEvent, BookingStatus, Plan, PlanStop
from lithloop.services.dispatch import delivery_back, places

ARRIVED, EXCEPTION = "arrived:", "exception:"
LATE_AFTER = timedelta(minutes=15)  # an arrival this much past plan without news is late


@dataclass(frozen=True)
class StopState:
    """A stop's state on the road."""

    stop_id: int
    state: str  # planned|late|arrived|picked_up|delivered|unloaded|exception|cancelled
    at: datetime | None  # when the state was recorded
    planned: datetime
    actual: datetime | None  # actual arrival
    drift_s: int | None  # actual (or, while late, now) minus planned arrival
    note: str = ""
    # an exception's earlier reports at the stop since the plan was published, oldest first
    # (time, note): a second report adds to the first, as the driver's page lists them all
    earlier: tuple[tuple[datetime, str], ...] = ()


def _events(plan: Plan) -> dict[int, list[BookingEvent]]:
    ids = [s.booking_id for r in plan.routes for s in r.stops if s.booking_id]
    by_booking: dict[int, list[BookingEvent]] = {}
    if not ids:
        return by_booking
    for event in db.session.scalars(
        sa.select(BookingEvent)
        .where(BookingEvent.booking_id.in_(ids))
        .order_by(BookingEvent.at, BookingEvent.id)
    ):
        by_booking.setdefault(event.booking_id, []).append(event)
    return by_booking


def stop_states(plan: Plan) -> dict[int, StopState]:
    """Stop id -> its state, for every pickup, delivery and unloading of the plan."""
    events, now, out = _events(plan), clock.now(), {}
    for route in plan.routes:
        for stop in route.stops:
            if stop.kind in ("start", "end") and stop.done_at is None:
                continue
            out[stop.id] = _state(stop, events.get(stop.booking_id) or _order_news(stop), now)
    return out


def _order_news(stop: PlanStop) -> list:
    """A delivery stop's exceptions of its day (the order's history) as the driver's news."""
    if stop.order is None:
        return []
    return [
        _News(e.at, f"{EXCEPTION} {e.detail.get('reason', '')}; {e.note}")
        for e in delivery_back.exceptions_on(stop.order, stop.route.plan.plan_date)
    ]


@dataclass(frozen=True)
class _News:
    """An order's exception read as a booking event is (its time and its note)."""

    at: datetime
    note: str


def place_arrival(stop: PlanStop) -> datetime:
    """When the truck is planned to arrive at a pickup's place: a booking right after others
    at the same place (one arrival there, as the driver records it) has the first one's;
    its own `arrival` is when its loading starts."""
    return places.first_at_place(stop).arrival


def _state(stop: PlanStop, events: list[BookingEvent], now: datetime) -> StopState:
    arrived = next((e for e in events if e.note.startswith(ARRIVED)), None)
    published = stop.route.plan.published_at  # a re-plan may bring a failed stop back
    problems = [
        e
        for e in events
        if e.note.startswith(EXCEPTION) and (published is None or e.at >= published)
    ]
    actual, planned = (arrived.at if arrived else None), place_arrival(stop)
    drift = int((actual - planned).total_seconds()) if actual else None
    base = {"stop_id": stop.id, "planned": planned, "actual": actual, "drift_s": drift}
    booking = stop.booking
    if booking is not None and booking.status is BookingStatus.CANCELLED:
        return StopState(state="cancelled", at=booking.events[-1].at, **base)
    if stop.done_at is not None:
        kind = {"pickup": "picked_up", "delivery": "delivered"}.get(stop.kind, "unloaded")
        return StopState(state=kind, at=stop.done_at, **base)
    if problems:
        said = [(e.at, e.note.removeprefix(EXCEPTION).strip()) for e in problems]
        return StopState(
            state="exception", at=said[-1][0], note=said[-1][1], earlier=tuple(said[:-1]), **base
        )
    if arrived:
        return StopState(state="arrived", at=arrived.at, **base)
    if stop.kind in ("pickup", "delivery") and now > planned + LATE_AFTER:
        base["drift_s"] = int((now - planned).total_seconds())
        return StopState(state="late", at=None, **base)
    return StopState(state="planned", at=None, **base)


def open_exceptions(plan: Plan, states: dict[int, StopState]) -> list[tuple[PlanStop, StopState]]:
    """Stops whose last news is an exception (not picked up since), in time order."""
    stops = {s.id: s for r in plan.routes for s in r.stops}
    found = [(stops[i], st) for i, st in states.items() if st.state == "exception"]
    return sorted(found, key=lambda pair: pair[1].at)


def tell_owner(booking: Booking, what, *, detail: str = "", **params) -> None:
    """Tell a booking's owner what happened at the pickup (arrival, exception), in their
    language: `what` is a lazy msgid with its parameters (the subject too); `detail`, the
    driver's own words, goes in the body only."""
    owner = booking.created_by
    with force_locale(letters.language_of(owner)):
        text = str(what) % {k: str(v) for k, v in params.items()}
        told = str(_l("%(what)s. %(note)s", what=text, note=detail)) if detail else text
    letters.send_letter(
        owner,
        _l("Booking #%(id)s: %(what)s") if not detail else _l("Booking #%(id)s: %(headline)s"),
        _l("Booking #%(id)s at %(site)s (%(day)s): %(what)s\n%(link)s\n"),
        id=booking.id,
        what=told,
        headline=text,
        site=booking.site.name,
        day=booking.pickup_date.isoformat(),
        link=letters.link("bookings.show", booking_id=booking.id),
    )


def road_news(booking: Booking) -> BookingEvent | None:
    """The driver's latest news about a scheduled booking (arrival or exception)."""
    if booking.status is not BookingStatus.SCHEDULED:
        return None
    news = [e for e in booking.events if e.note.startswith((ARRIVED, EXCEPTION))]
    return news[-1] if news else None
