"""How the driver's page is laid out: today's routes first, and which stop is open."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from lithloop import labels
from lithloop.models import BookingStatus, PlanRoute, PlanStop
from lithloop.services.dispatch.driver_stops import delivery_exceptions_of, exceptions_of


def today_and_later(routes: list[PlanRoute], today: date) -> tuple[list, list]:
    """The routes of today and those of later days, each in the given order."""
    return (
        [r for r in routes if r.plan.plan_date == today],
        [r for r in routes if r.plan.plan_date != today],
    )


def is_settled(stop: PlanStop) -> bool:
    """Done, or nothing left for the driver to do there (booking moved on, or an exception
    since this plan was published)."""
    if stop.kind == "start" or stop.done_at is not None:
        return True
    if stop.kind == "pickup":
        booking = stop.booking
        if booking is None or booking.status is not BookingStatus.SCHEDULED:
            return True
        return any(_since_published(stop, e.at) for e in exceptions_of(stop))
    return False


def _since_published(stop: PlanStop, at) -> bool:
    """News of this plan, not of an earlier one (a re-plan may bring a failed stop back)."""
    published = stop.route.plan.published_at
    return published is None or at >= published


def not_done(routes: list[PlanRoute]) -> dict[str, int]:
    """Today's stops left without being done: `waiting` (an exception reported, the
    dispatcher to decide) and `changed` (the booking moved on, nothing left to do there)."""
    tally = {"waiting": 0, "changed": 0}
    for route in routes:
        for stop in route.stops:
            if stop.kind == "start" or stop.done_at is not None:
                continue
            if _has_exception(stop):
                tally["waiting"] += 1
            elif is_settled(stop):
                tally["changed"] += 1
    return tally


def _has_exception(stop: PlanStop) -> bool:
    """An exception reported at the stop since its plan was published."""
    if stop.kind == "pickup":
        return any(_since_published(stop, e.at) for e in exceptions_of(stop))
    if stop.kind == "delivery":
        return bool(delivery_exceptions_of(stop))
    return False


def still_to_do(stop: PlanStop) -> int:
    """How many pickups and deliveries before a reload or end stop of its route are still
    to do (neither done, settled, nor in exception): what recording it would leave behind."""
    return sum(
        1
        for s in stop.route.stops
        if s.seq < stop.seq
        and s.kind in ("pickup", "delivery")
        and not is_settled(s)
        and not _has_exception(s)
    )


def current_stop_id(routes: list[PlanRoute], errors: dict | None = None) -> int | None:
    """The stop to show open: one with an error, else the first not yet settled today."""
    if errors:
        return next(iter(errors))
    for route in routes:
        for stop in route.stops:
            if not is_settled(stop):
                return stop.id
    return None


def delivery_event_words(event) -> str:
    """A delivery exception the driver reported (an OrderEvent) in the reader's words: the
    reason told, their own note after (as the pickup's exceptions are told)."""
    why = labels.label(labels.DELIVERY_EXCEPTION, (event.detail or {}).get("reason", ""))
    return _("The driver could not deliver: %(why)s. %(text)s", why=why, text=event.note or "")
