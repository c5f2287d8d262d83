"""A driver's work on a published route: arrival, pickup, exception; one transaction each.

Arrivals and exceptions are BookingEvent notes that keep the booking's status (scheduled ->
scheduled); the picked-up mass and the codes loaded are stored on the stop (PlanStop.picked_kg,
picked_codes), where the plant's intake reads them, and summarised in the pickup event's note;
PlanStop.done_at marks a recorded pickup or unloading.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, letters, vocab
from lithloop.db import atomic as _run
from lithloop.extensions import db
from lithloop.models import BookingEvent, BookingStatus, PlanStop, Role, User
from lithloop.models.market import OrderStatus
from lithloop.services.booking import bookings as booking_service
from lithloop.services.dispatch import delivery_back, live_ops, pickup_checks
from lithloop.services.dispatch.driver_stops import (
    ARRIVED,
    EXCEPTION,
    arrival_of,
    own_stop,
    same_place_next,
)
from lithloop.services.dispatch.errors import Code
from lithloop.services.dispatch.left_deliveries import DELIVERABLE
from lithloop.services.dispatch.pickup_input import TYPED_NOTE_MAX, parse_pickup
from lithloop.services.errors import Conflict, Invalid, NotFound, ServiceError
from lithloop.services.market import order_letters
from lithloop.services.strict_input import limited_text

NOTE_NEEDED = (vocab.PickupException.NOT_AS_DESCRIBED, vocab.PickupException.LEAKING_UNSAFE)
NOTE_MAX = 500


def _refuse_a_later_day(stop: PlanStop) -> None:
    if stop.route.plan.plan_date > clock.today():
        raise Conflict(
            _l("This route is for %(d)s, not today.", d=stop.route.plan.plan_date.isoformat()),
            code=Code.NOT_TODAY,
        )


def _open_pickup(user: User, stop_id: int) -> PlanStop:
    stop = own_stop(user, stop_id, lock=True)
    if stop.kind != "pickup" or stop.booking is None:
        raise NotFound(_l("No such stop on your routes."))
    if stop.done_at is not None:
        raise Conflict(
            _l("The pickup at this stop was already recorded."), code=Code.ALREADY_RECORDED
        )
    _refuse_a_later_day(stop)
    if stop.booking.status is not BookingStatus.SCHEDULED:
        raise Conflict(
            _l(
                "%(what)s: it is no longer to be picked up.",
                what=labels.clause(labels.BOOKING_IS, stop.booking.status, stop.booking.id),
            ),
            code=Code.NOT_SCHEDULED,
        )
    return stop


def _note(booking, user: User, text: str) -> None:
    status = booking.status.value
    db.session.add(
        BookingEvent(
            booking=booking,
            from_status=status,
            to_status=status,
            by_user_id=user.id,
            note=text[:NOTE_MAX],
        )
    )


def record_arrival(user: User, stop_id: int) -> PlanStop:
    """Note that the driver has arrived at a pickup stop (once), and so at the bookings
    right after it at the same place: one arrival there, each owner told."""

    def work():
        stop = _open_pickup(user, stop_id)
        if arrival_of(stop) is not None:
            raise Conflict(
                _l("The arrival at this stop was already recorded."), code=Code.ALREADY_RECORDED
            )
        for here in [stop, *same_place_next(stop)]:
            _note(here.booking, user, f"{ARRIVED}: {stop.route.truck.plate}")
            live_ops.tell_owner(
                here.booking, _l("the driver has arrived (%(name)s)"), name=user.name
            )
        return stop

    return _run(work)


def record_unloaded(user: User, stop_id: int) -> PlanStop:
    """Mark a reload or end stop as done (unloaded at the park)."""

    def work():
        stop = own_stop(user, stop_id, lock=True)
        if stop.kind not in ("reload", "end"):
            raise NotFound(_l("No such stop on your routes."))
        if stop.done_at is not None:
            raise Conflict(_l("This stop was already recorded."), code=Code.ALREADY_RECORDED)
        _refuse_a_later_day(stop)
        stop.done_at = clock.now()
        if stop.kind == "end":  # back at the park: what it did not deliver came back with it
            delivery_back.returned_with(user, stop)
        return stop

    return _run(work)


def record_delivered(user: User, stop_id: int) -> PlanStop:
    """Hand a buyer's packs over at a delivery stop: the order is delivered (once)."""

    def work():
        stop = own_stop(user, stop_id, lock=True)
        if stop.kind != "delivery" or stop.order is None:
            raise NotFound(_l("No such stop on your routes."))
        if stop.done_at is not None:
            raise Conflict(_l("This stop was already recorded."), code=Code.ALREADY_RECORDED)
        _refuse_a_later_day(stop)
        order = stop.order
        if order.status not in DELIVERABLE:
            raise Conflict(
                _l(
                    "%(what)s and cannot be delivered.",
                    what=labels.clause(labels.ORDER_IS, order.status, order.id),
                ),
                code=Code.NOT_DELIVERABLE,
            )
        stop.done_at = order.delivered_at = order.status_at = clock.now()
        order.status = OrderStatus.DELIVERED
        order_letters.delivered(order, user.name, stop.route.truck.plate)
        return stop

    return _run(work)


def record_pickup(
    user: User, stop_id: int, raw_mass: str, raw_codes: str, note: str = ""
) -> PlanStop:
    """Record what was loaded: booking -> picked_up, stop done; all or nothing."""
    try:
        stop = _open_pickup(user, stop_id)
        booking = stop.booking
        pickup = parse_pickup(raw_mass, raw_codes, note, stop.route.truck.payload_kg)
        booked = Decimal(booking.total_mass_kg)
        found = pickup_checks.differences(
            pickup_checks.expected_codes(booking), pickup.codes, pickup.mass_kg, booked
        )
        pickup_checks.require_note(found, booked, pickup.mass_kg, pickup.note)
        stop.done_at = clock.now()
        stop.picked_kg = pickup.mass_kg
        stop.picked_codes = list(pickup.codes)
        booking_service.change_status(
            user,
            booking.id,
            BookingStatus.PICKED_UP,
            pickup.note[:NOTE_MAX],
            pickup_checks.history_detail(pickup.mass_kg, len(pickup.codes), found),
        )
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise
    return stop


def record_exception(user: User, stop_id: int, reason: str, note: str) -> PlanStop:
    """Report a failed pickup to the dispatchers, the booking staying scheduled; or a failed
    delivery (delivery_back.record_exception), the order staying on its truck."""

    def work():
        stop = own_stop(user, stop_id, lock=True)
        if stop.kind == "delivery":
            return delivery_back.record_exception(user, stop, reason, note, dispatchers())
        stop = _open_pickup(user, stop_id)
        if reason not in labels.PICKUP_EXCEPTION:
            raise Invalid(_l("Choose what went wrong."), field="reason")
        text = limited_text(note, "note", TYPED_NOTE_MAX)
        if reason in NOTE_NEEDED and not text:
            raise Invalid(_l("Describe what differs from the booking."), field="note")
        booking = stop.booking
        _note(booking, user, f"{EXCEPTION}: {reason}; {text}")
        if reason == vocab.PickupException.LEAKING_UNSAFE:
            booking.hazardous = True  # from now on only a dangerous-goods truck takes it
        plate = stop.route.truck.plate
        live_ops.tell_owner(
            booking,
            _l("pickup not done: %(reason)s"),
            reason=labels.PICKUP_EXCEPTION[reason],
            detail=text,
        )
        for dispatcher in dispatchers():
            letters.send_letter(
                dispatcher,
                _l("Pickup problem, booking #%(id)s: %(reason)s"),
                _l(
                    "Booking #%(id)s at %(site)s (%(day)s), truck %(plate)s, driver %(name)s: "
                    "%(reason)s. %(text)s\n%(link)s\n"
                ),
                id=booking.id,
                reason=labels.PICKUP_EXCEPTION[reason],
                site=booking.site.name,
                day=booking.pickup_date.isoformat(),
                plate=plate,
                name=user.name,
                text=text,
                link=letters.link("bookings.show", booking_id=booking.id),
            )
        return stop

    return _run(work)


def dispatchers() -> list[User]:
    """The enabled dispatchers."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.DISPATCHER, User.enabled.is_(True))
            .order_by(User.id)
        )
    )
