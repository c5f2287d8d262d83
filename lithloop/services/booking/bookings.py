"""Booking pickups: instant quote, capacity under lock, idempotency.

The status lifecycle is booking_status.py; change_status is re-exported here for its many
callers (the web layer, dispatch, the plant, the demo and the tests).
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.labels.places import is_depot
from lithloop.models import (
    Booking,
    BookingDay,
    BookingLot,
    BusPack,
    Site,
    User,
)
from lithloop.services import idempotency
from lithloop.services.accounts import policies
from lithloop.services.booking import capacity, reach
from lithloop.services.booking.booking_status import S, record_status
from lithloop.services.booking.booking_status import change_status as change_status
from lithloop.services.booking.code_holds import (
    link_register_packs,
    mark_register_booked,
    refuse_codes_booked,
)
from lithloop.services.booking.draft import BookingDraft, draft_site_id, parse_draft, parse_pickup
from lithloop.services.booking.draft_quote import own_site, quote_draft
from lithloop.services.booking.errors import Code
from lithloop.services.errors import Conflict, Forbidden, Invalid, ServiceError

BOOKING_ROLES = policies.BOOKERS


def check_window(site: Site, start: time, end: time) -> None:
    """Invalid on the window unless it lies within the site's opening hours."""
    if start < site.opens_at or end > site.closes_at:
        hours = {"o": site.opens_at.strftime("%H:%M"), "c": site.closes_at.strftime("%H:%M")}
        if is_depot(site):  # a bus company's site is a depot (labels.places)
            said = _l("The window must lie within the depot's opening hours, %(o)s–%(c)s.", **hours)
        else:
            said = _l("The window must lie within the site's opening hours, %(o)s–%(c)s.", **hours)
        raise Invalid(said, field="window")


def check_hazard_date(pickup: date, mass_kg: Decimal, today: date) -> None:
    """A lot of damaged or swollen batteries (`mass_kg` the booking's) must go on one of the
    earliest open days with room: Invalid on the day otherwise."""
    limit = current_app.config["HAZARD_MAX_OPEN_DAYS"]
    days = capacity.calendar(today + timedelta(days=1), pickup)
    earlier = [d.day for d in days if d.fits(mass_kg) and d.day < pickup]
    if len(earlier) >= limit:
        raise Invalid(
            _l(
                "Damaged or swollen batteries are dangerous to store: choose one of "
                "the earliest days, e.g. %(d)s.",
                d=earlier[0].isoformat(),
            ),
            field="date",
        )


def site_day_problems(user: User, raw: dict, today: date) -> dict[str, str]:
    """The refusals that need the site or the day's calendar (the site's opening hours, a
    damaged lot's earliest days) for a form refused on other fields too, so that every
    problem is said at once; none when the site, the day or the window do not read (the
    draft's own problems say why)."""
    try:
        site = own_site(user, draft_site_id(raw))
        pickup, start, end, _note = parse_pickup(raw, today)
    except ServiceError:
        return {}
    lots = [lot for lot in raw.get("lots") or [] if isinstance(lot, dict)]
    hazardous = any(str(lot.get("condition") or "intact").strip() != "intact" for lot in lots)
    mass = sum(map(_typed_kg, lots), Decimal(0))
    checks = [lambda: check_window(site, start, end)]
    if hazardous:
        checks.append(lambda: check_hazard_date(pickup, mass, today))
    found: dict[str, str] = {}
    for check in checks:
        try:
            check()
        except Invalid as exc:
            found.setdefault(exc.field or "_form", str(exc.message))
    return found


def _typed_kg(lot: dict) -> Decimal:
    """A lot's mass as typed when it reads as a sensible number, else 0 (said elsewhere)."""
    try:
        kg = Decimal(str(lot.get("mass_kg") or "0").replace(",", "").strip())
    except ArithmeticError:
        return Decimal(0)
    return kg if kg.is_finite() and 0 < kg < 10**6 else Decimal(0)


def refuse_more_than_a_day(mass_kg: Decimal) -> None:
    """Invalid beside the lots when together they weigh more than the park collects on any
    day: such a booking was refused as "<day> is full. Next free days: —", which sent its
    owner to wait for a day that never comes, or to try each day in turn."""
    most = capacity.day_capacity_kg()
    if mass_kg > most:
        raise Invalid(
            _l(
                "These lots weigh %(kg)s kg together, more than the park collects in a day "
                "(%(most)s kg): split them into bookings for different days.",
                kg=format_decimal(mass_kg, format="#,##0.##"),
                most=format_decimal(most, format="#,##0.##"),
            ),
            field="lots",
            code=Code.MORE_THAN_A_DAY,
        )


def refuse_unless_room(day: BookingDay, mass_kg: Decimal) -> None:
    """Conflict on the date (rolled back first) unless a stop of this mass fits the locked
    day: a public holiday, a closed weekday or a full day, each said as such."""
    status = capacity.status_of(day)
    if not status.holiday and status.fits(mass_kg):
        return
    db.session.rollback()  # the day's row may be new: gone with the rollback, use `status`
    free = free_days(mass_kg, status.day)
    if status.holiday:
        why = _l("%(d)s is a public holiday: the park is closed. %(free)s", d=status.day, free=free)
    elif not status.open:  # a closed weekday: "full" would send them to wait for room
        why = _l("The park does not collect on %(d)s. %(free)s", d=status.day, free=free)
    else:
        why = _l("%(d)s is full. %(free)s", d=status.day, free=free)
    raise Conflict(why, field="date", code=Code.DAY_FULL)


def next_free_days(mass_kg, after: date, count: int = 3) -> list[str]:
    """The next open days after a date that still fit a stop of this mass."""
    horizon = current_app.config["BOOKING_HORIZON_DAYS"]
    today = clock.today()
    days = capacity.calendar(after + timedelta(days=1), today + timedelta(days=horizon))
    return [d.day.isoformat() for d in days if d.fits(mass_kg)][:count]


def free_days(mass_kg, after: date) -> str:
    """The next days after a date with room for a stop of this mass, as a refusal offers
    them; when no day of the booking horizon has room, that said plainly with what to do
    (call the park, or book a smaller part), never an empty list ("Next free days: —")."""
    days = next_free_days(mass_kg, after)
    if days:
        return str(_l("Next free days: %(free)s.", free=listed(days)))
    horizon = current_app.config["BOOKING_HORIZON_DAYS"]
    park = reach.park_site()
    phone = (park.contact_phone or "").strip() if park is not None else ""
    if phone:
        return str(
            _l(
                "No day in the next %(n)s days has room for these lots: call the park on "
                "%(phone)s, or book a smaller part of them.",
                n=horizon,
                phone=phone,
            )
        )
    return str(
        _l(
            "No day in the next %(n)s days has room for these lots: contact the park, or "
            "book a smaller part of them.",
            n=horizon,
        )
    )


def book_pickup(
    user: User,
    raw: dict,
    idempotency_key: str | None = None,
    *,
    as_of: date | None = None,
    register_packs: list[int] | None = None,
) -> tuple[Booking, bool]:
    """Validate, quote and store a booking; returns (booking, created). Repeats return the first.

    `as_of` books as if on that day (the demo seed uses it to fill today's plan);
    `register_packs`: the fleet register's packs it is made from (ids, uncoded ones too),
    linked in the same transaction (a hand change or removal of one waits for it)."""
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
        return _book(user, raw, held, as_of, register_packs or [])
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise


def _book(
    user: User, raw: dict, held: idempotency.Claim, as_of: date | None, register_packs: list[int]
) -> tuple[Booking, bool]:
    today = as_of or clock.today()
    draft = parse_draft(raw, today)
    site = own_site(user, draft.site_id)
    far = reach.booking_refusal(site)  # a site stored beyond the region before its limit
    if far is not None:
        raise Invalid(far, field="site_id", code=Code.SITE_OUT_OF_REACH)
    check_window(site, draft.window_start, draft.window_end)
    refuse_codes_booked(user, draft)
    quote = quote_draft(user, draft)
    refuse_more_than_a_day(draft.total_mass_kg)
    if draft.hazardous:
        check_hazard_date(draft.pickup_date, draft.total_mass_kg, today)
    day = capacity.lock_day(draft.pickup_date)  # held until commit: no two take the last room
    refuse_unless_room(day, draft.total_mass_kg)
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
    link_register_packs(user, booking)
    if register_packs:
        mark_register_booked(user, booking, BusPack.id.in_(register_packs))
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
