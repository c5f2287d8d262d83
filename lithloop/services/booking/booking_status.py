"""A booking's status lifecycle: the moves allowed, who may make them, and each move
recorded as an event and told to the booking's owner (cancelling frees the day's room).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lithloop import labels, letters
from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import Booking, BookingEvent, BookingStatus, User
from lithloop.services.accounts import policies
from lithloop.services.booking import capacity, event_details
from lithloop.services.booking.booking_list import get_booking
from lithloop.services.booking.errors import Code
from lithloop.services.errors import Conflict, Forbidden, Invalid
from lithloop.services.strict_input import check_controls, typed_text

S = BookingStatus
#: status -> statuses it may move to
TRANSITIONS = {
    S.REQUESTED: {S.SCHEDULED, S.CANCELLED},
    S.SCHEDULED: {S.REQUESTED, S.PICKED_UP, S.CANCELLED},
    S.PICKED_UP: {S.RECEIVED},
    S.RECEIVED: {S.SETTLED},
    S.SETTLED: set(),
    S.CANCELLED: set(),
}
ACTIVE = (S.REQUESTED, S.SCHEDULED)
REASON_MAX = 500  # booking.cancel_reason's length


def record_status(
    booking: Booking,
    old: S | None,
    new: S,
    user: User | None,
    note: str,
    detail: dict | None = None,
    tell: bool = True,
) -> None:
    """Move a booking to a new status, log the event and tell its owner: `note` is a
    person's own words, `detail` what the platform recorded (event_details.py), told in the
    owner's language."""
    booking.status = new
    db.session.add(
        BookingEvent(
            booking=booking,
            from_status=old.value if old else None,
            to_status=new.value,
            by_user_id=user.id if user else None,
            note=note[:500],
            detail=detail,
        )
    )
    if booking.id is None:  # a new booking: its number goes into the subject
        db.session.flush()
    if not tell:  # the caller sends its own, fuller letter
        return
    if old is None:  # a new booking: confirmed with what was booked and its quote
        _tell_booked(booking)
        return
    if detail and old is new:  # the pickup changed (day, time, truck), not the status
        _tell_changed(booking, detail)
        return
    said = bool(event_details.words(detail, note))
    letters.send_letter(
        booking.created_by,
        _l("Booking #%(id)s: %(status)s"),
        _l(
            "Your pickup booking #%(id)s at %(site)s on %(day)s is now: %(status)s.\n"
            "%(note)s\n%(link)s\n"
        )
        if said
        else _l(
            "Your pickup booking #%(id)s at %(site)s on %(day)s is now: %(status)s.\n%(link)s\n"
        ),
        id=booking.id,
        status=labels.BOOKING_STATUS[new.value],
        site=booking.site.name,
        day=booking.pickup_date.isoformat(),
        note=event_details.lazy_words(detail, note),
        link=letters.link("bookings.show", booking_id=booking.id),
    )


def _tell_booked(booking: Booking) -> None:
    """A new booking confirmed to its owner: the site, day and window, the quote and who
    pays whom, what happens next."""
    letters.send_letter(
        booking.created_by,
        _l("Booking #%(id)s received: pickup on %(day)s"),
        _l(
            "Your pickup booking #%(id)s at %(site)s is received: %(day)s, %(start)s\u2013"
            "%(end)s. Quote: %(total)s %(who)s. The park puts it on a truck's route and mails "
            "you the truck and the time.\n%(link)s\n"
        ),
        id=booking.id,
        site=booking.site.name,
        day=booking.pickup_date.isoformat(),
        start=booking.window_start.strftime("%H:%M"),
        end=booking.window_end.strftime("%H:%M"),
        total=money(booking.quote_total_fen),
        who=_l("(you pay this fee)") if booking.quote_total_fen < 0 else _l("(the park pays you)"),
        link=letters.link("bookings.show", booking_id=booking.id),
    )


def _tell_changed(booking: Booking, detail: dict) -> None:
    """A change of the pickup (the owner's, or a move to another day) told to its owner:
    what changed, not the status, which did not."""
    letters.send_letter(
        booking.created_by,
        _l("Booking #%(id)s: pickup changed"),
        _l("Your pickup booking #%(id)s at %(site)s: %(what)s.\n%(link)s\n"),
        id=booking.id,
        site=booking.site.name,
        what=event_details.lazy_words(detail, ""),
        link=letters.link("bookings.show", booking_id=booking.id),
    )


def change_status(
    user: User,
    booking_id: int,
    new: S,
    note: str = "",
    detail: dict | None = None,
    tell: bool = True,
) -> Booking:
    """Move a booking along its lifecycle, recording who and when (and the platform's
    `detail`, event_details.py); releases capacity on cancel."""
    _check_role(user, new)
    booking = get_booking(user, booking_id)
    db.session.refresh(booking, with_for_update=True)
    old = booking.status
    if new is S.CANCELLED and new not in TRANSITIONS[old]:
        raise Conflict(_cancel_refusal(booking), code=Code.BAD_TRANSITION)
    if new not in TRANSITIONS[old]:
        raise Conflict(
            _l(
                "A %(old)s booking cannot become %(new)s.",
                old=labels.BOOKING_STATUS[old.value],
                new=labels.BOOKING_STATUS[new.value],
            ),
            code=Code.BAD_TRANSITION,
        )
    if new is S.CANCELLED:
        _check_cancel(user, booking, note)
        day = capacity.lock_day(booking.pickup_date)
        day.booked_kg -= booking.total_mass_kg
        day.booked_stops -= 1
        booking.cancel_reason = note
    record_status(booking, old, new, user, note, detail, tell=tell)
    db.session.commit()
    return booking


def _cancel_refusal(booking: Booking):
    """Why a booking past cancelling is not cancelled (a second tab, a second press): said
    as what the booking is now, not as a status that "cannot become" another."""
    if booking.status is S.CANCELLED:
        return _l("Booking #%(id)s is already cancelled; nothing more to do.", id=booking.id)
    return _l(
        "Booking #%(id)s can no longer be cancelled: its status is %(status)s.",
        id=booking.id,
        status=labels.BOOKING_STATUS[booking.status.value],
    )


def check_may_cancel(user: User) -> None:
    """Forbidden unless the user's role may cancel bookings (asked before the confirm page)."""
    _check_role(user, S.CANCELLED)


def _check_role(user: User, new: S) -> None:
    """Forbidden before anything else: whatever the booking's state, the role may not."""
    if new is not S.CANCELLED and not user.works_for_park:
        raise Forbidden(_l("Only the park moves a booking along."))
    if new is S.CANCELLED and user.works_for_park and user.role not in policies.PLANNERS:
        raise Forbidden(_l("Only dispatchers and admins cancel for the park."))
    if new is S.CANCELLED and user.role not in policies.CANCELLERS:  # buyers, the regulator
        raise Forbidden(
            _l("Only the booking's owner (a dealer or fleet manager) and the park cancel it.")
        )


def _check_cancel(user: User, booking: Booking, reason: str) -> None:
    # not only invisible characters, no direction controls, no control characters (ESC, BEL)
    check_controls(typed_text(reason, "reason"), "reason")
    if len(reason) > REASON_MAX:  # the column's length; a textarea's line breaks count twice
        raise Invalid(_l("The reason is at most %(n)s characters.", n=REASON_MAX), field="reason")
    if user.works_for_park:
        if not reason.strip():
            raise Invalid(_l("Say why the park cancels."), field="reason")
    elif booking.status is not S.REQUESTED:
        raise Conflict(
            _l("The booking is already scheduled; call the park to cancel it."),
            code=Code.ALREADY_SCHEDULED,
        )
