"""Booking pickups: instant quote, capacity under lock, idempotency, the status lifecycle."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, letters
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.labels.places import is_depot
from lithloop.models import (
    Booking,
    BookingEvent,
    BookingLot,
    BookingStatus,
    Site,
    User,
)
from lithloop.services import idempotency
from lithloop.services.accounts import policies
from lithloop.services.booking import capacity, event_details, reach
from lithloop.services.booking.booking_list import get_booking
from lithloop.services.booking.code_holds import refuse_codes_booked
from lithloop.services.booking.draft import BookingDraft, parse_draft
from lithloop.services.booking.draft_quote import own_site, quote_draft
from lithloop.services.booking.errors import Code
from lithloop.services.errors import Conflict, Forbidden, Invalid, ServiceError
from lithloop.services.strict_input import check_visible

BOOKING_ROLES = policies.BOOKERS
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


def _check_window(site: Site, draft: BookingDraft) -> None:
    if draft.window_start < site.opens_at or draft.window_end > site.closes_at:
        hours = {"o": site.opens_at.strftime("%H:%M"), "c": site.closes_at.strftime("%H:%M")}
        if is_depot(site):  # a bus company's site is a depot (labels.places)
            said = _l("The window must lie within the depot's opening hours, %(o)s-%(c)s.", **hours)
        else:
            said = _l("The window must lie within the site's opening hours, %(o)s-%(c)s.", **hours)
        raise Invalid(said, field="window")


def _check_hazard_date(draft: BookingDraft, today: date) -> None:
    """Damaged or swollen lots must go on one of the earliest open days with room."""
    if not draft.hazardous:
        return
    limit = current_app.config["HAZARD_MAX_OPEN_DAYS"]
    days = capacity.calendar(today + timedelta(days=1), draft.pickup_date)
    earlier = [d.day for d in days if d.fits(draft.total_mass_kg) and d.day < draft.pickup_date]
    if len(earlier) >= limit:
        raise Invalid(
            _l(
                "Damaged or swollen batteries are dangerous to store: choose one of "
                "the earliest days, e.g. %(d)s.",
                d=earlier[0].isoformat(),
            ),
            field="date",
        )


def next_free_days(mass_kg, after: date, count: int = 3) -> list[str]:
    """The next open days after a date that still fit a stop of this mass."""
    horizon = current_app.config["BOOKING_HORIZON_DAYS"]
    today = clock.today()
    days = capacity.calendar(after + timedelta(days=1), today + timedelta(days=horizon))
    return [d.day.isoformat() for d in days if d.fits(mass_kg)][:count]


def book_pickup(
    user: User, raw: dict, idempotency_key: str | None = None, *, as_of: date | None = None
) -> tuple[Booking, bool]:
    """Validate, quote and store a booking; returns (booking, created). Repeats return the first.

    `as_of` books as if on that day (the demo seed uses it to fill today's plan)."""
    if user.role not in BOOKING_ROLES:
        raise Forbidden(_l("Only dealers and bus fleet managers book pickups."))
    key = idempotency.clean_key(idempotency_key)
    try:
        held = idempotency.claim("booking", user.organisation_id, key, raw)
        if held.replay_of is None and key and (legacy := _by_key(user, key)):
            held.replay_of = legacy.id  # booked before keys were kept with their request
        if held.replay_of is not None:
            db.session.rollback()
            return db.session.get(Booking, held.replay_of), False
        return _book(user, raw, held, as_of)
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise


def _book(
    user: User, raw: dict, held: idempotency.Claim, as_of: date | None
) -> tuple[Booking, bool]:
    today = as_of or clock.today()
    draft = parse_draft(raw, today)
    site = own_site(user, draft.site_id)
    far = reach.booking_refusal(site)  # a site stored beyond the region before its limit
    if far is not None:
        raise Invalid(far, field="site_id", code=Code.SITE_OUT_OF_REACH)
    _check_window(site, draft)
    refuse_codes_booked(user, draft)
    quote = quote_draft(user, draft)
    _check_hazard_date(draft, today)
    day = capacity.lock_day(draft.pickup_date)  # held until commit: no two take the last room
    status = capacity.status_of(day)
    if status.holiday or not status.fits(draft.total_mass_kg):
        db.session.rollback()
        free = listed(next_free_days(draft.total_mass_kg, draft.pickup_date))
        if status.holiday:
            why = _l(
                "%(d)s is a public holiday: the park is closed. Next free days: %(free)s.",
                d=draft.pickup_date,
                free=free,
            )
        elif not status.open:  # a closed weekday: "full" would send them to wait for room
            why = _l(
                "The park does not collect on %(d)s. Next free days: %(free)s.",
                d=draft.pickup_date,
                free=free,
            )
        else:
            why = _l("%(d)s is full. Next free days: %(free)s.", d=draft.pickup_date, free=free)
        raise Conflict(why, field="date", code=Code.DAY_FULL)
    booking = Booking(
        organisation_id=user.organisation_id,
        site=site,
        created_by=user,
        pickup_date=draft.pickup_date,
        window_start=draft.window_start,
        window_end=draft.window_end,
        total_mass_kg=draft.total_mass_kg,
        hazardous=draft.hazardous,
        quote_total_fen=quote.total_fen,
        quote_index_version=quote.index_version,
        quote={"inputs": raw_inputs(draft), **quote.to_dict()},
        note=draft.note,
    )
    booking.lots = [
        BookingLot(
            position=i,
            chemistry=lot.chemistry,
            form=lot.form,
            pack_count=lot.count,
            mass_kg=lot.mass_kg,
            condition=lot.condition,
            damage=list(lot.damage),
            codes=list(lot.codes),
        )
        for i, lot in enumerate(draft.lots)
    ]
    day.booked_kg += draft.total_mass_kg
    day.booked_stops += 1
    db.session.add(booking)
    record_status(booking, None, S.REQUESTED, user, "")
    db.session.flush()
    idempotency.bind(held, booking.id)
    db.session.commit()
    return booking, True


def raw_inputs(draft: BookingDraft) -> dict:
    """The draft as JSON, frozen with the quote."""
    return {
        "site_id": draft.site_id,
        "date": draft.pickup_date.isoformat(),
        "window": [draft.window_start.strftime("%H:%M"), draft.window_end.strftime("%H:%M")],
        "lots": [
            {
                "chemistry": lot.chemistry,
                "form": lot.form,
                "count": lot.count,
                "mass_kg": str(lot.mass_kg),
                "condition": lot.condition,
                "damage": list(lot.damage),
                "codes": list(lot.codes),
            }
            for lot in draft.lots
        ],
    }


def _by_key(user: User, key: str) -> Booking | None:
    return db.session.scalar(
        sa.select(Booking).where(
            Booking.organisation_id == user.organisation_id, Booking.idempotency_key == key
        )
    )


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
    booking = get_booking(user, booking_id)
    _check_role(user, new)
    db.session.refresh(booking, with_for_update=True)
    old = booking.status
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


def check_may_cancel(user: User) -> None:
    """Forbidden unless the user's role may cancel bookings (asked before the confirm page)."""
    _check_role(user, S.CANCELLED)


def _check_role(user: User, new: S) -> None:
    """Forbidden before anything else: whatever the booking's state, the role may not."""
    if new is not S.CANCELLED and not user.works_for_park:
        raise Forbidden(_l("Only the park moves a booking along."))
    if new is S.CANCELLED and user.works_for_park and user.role not in policies.PLANNERS:
        raise Forbidden(_l("Only dispatchers and admins cancel for the park."))


def _check_cancel(user: User, booking: Booking, reason: str) -> None:
    check_visible(reason.strip(), "reason")  # a zero-width space alone reads as no reason
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
