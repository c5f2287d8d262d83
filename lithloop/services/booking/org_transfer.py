"""Export one organisation's data as JSON, and import it into another database.

The document holds the organisation, its users (never their password hashes: imported
users must set a password through a reset link), sites, bookings with their lots and status
events, and bus packs. Rows refer to each other by their exported ids ("ref"); users
outside the organisation (a dispatcher on a booking's history) by e-mail.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingEvent,
    BookingLot,
    BookingStatus,
    BusPack,
    Organisation,
    Site,
    User,
)
from lithloop.services.accounts.passwords import hash_password
from lithloop.services.booking import capacity
from lithloop.services.booking.errors import Code
from lithloop.services.errors import Conflict, Invalid, NotFound

FORMAT, VERSION = "lithloop-organisation", 1
# Never exported: keys, secrets, per-database counters.
SKIP = {"id", "password_hash", "session_version", "last_login_at"}
FOREIGN = {"organisation_id", "site_id", "created_by_id", "booking_id", "by_user_id"}


def _columns(model) -> dict[str, sa.Column]:
    return {c.key: c for c in sa.inspect(model).columns if c.key not in SKIP | FOREIGN}


def _dump(row) -> dict:
    out = {}
    for key in _columns(type(row)):
        value = getattr(row, key)
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, (date, time, datetime)):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[key] = value
    return out


def _load(model, data: dict) -> dict:
    """Column values of `model` from exported JSON, converted back to their Python types."""
    values = {}
    for key, column in _columns(model).items():
        if key not in data or data[key] is None:
            continue
        value, kind = data[key], column.type
        if isinstance(kind, sa.Enum) and kind.enum_class:
            value = kind.enum_class(value)
        elif isinstance(kind, sa.DateTime) or type(kind).__name__ == "UTCDateTime":
            value = datetime.fromisoformat(value)
        elif isinstance(kind, sa.Date):
            value = date.fromisoformat(value)
        elif isinstance(kind, sa.Time):
            value = time.fromisoformat(value)
        elif isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
            value = Decimal(value)
        values[key] = value
    return values


def export_organisation(org_id: int) -> dict:
    """The organisation and everything it owns, as a JSON-ready mapping."""
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise NotFound(_l("No such organisation."))
    bookings = db.session.scalars(
        sa.select(Booking)
        .where(Booking.organisation_id == org.id)
        .options(
            sa.orm.selectinload(Booking.lots),
            sa.orm.selectinload(Booking.events).joinedload(BookingEvent.by_user),
        )
        .order_by(Booking.id)
    )
    packs = db.session.scalars(
        sa.select(BusPack).where(BusPack.organisation_id == org.id).order_by(BusPack.id)
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": clock.now().isoformat(),
        "organisation": _dump(org),
        "users": [{"ref": u.id, **_dump(u)} for u in sorted(org.users, key=lambda u: u.id)],
        "sites": [{"ref": s.id, **_dump(s)} for s in sorted(org.sites, key=lambda s: s.id)],
        "bookings": [
            {
                "ref": b.id,
                "site_ref": b.site_id,
                "created_by_ref": b.created_by_id,
                "created_by_email": b.created_by.email,
                **_dump(b),
                "lots": [_dump(lot) for lot in b.lots],
                "events": [
                    {"by_user_email": e.by_user.email if e.by_user else None, **_dump(e)}
                    for e in b.events
                ],
            }
            for b in bookings
        ],
        "bus_packs": [{"booking_ref": p.booking_id, **_dump(p)} for p in packs],
    }


def _check_importable(doc: dict) -> None:
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise Invalid(
            _l("Not a lithloop organisation export (format %(f)s, version 1 expected).", f=FORMAT),
            field="format",
        )
    name = doc["organisation"]["name"]
    if db.session.scalar(sa.select(Organisation.id).where(Organisation.name == name)):
        raise Conflict(
            _l("An organisation named %(name)s exists already; nothing imported.", name=name),
            code=Code.DUPLICATE_ORGANISATION,
        )
    emails = [u["email"] for u in doc["users"]]
    taken = sorted(db.session.scalars(sa.select(User.email).where(User.email.in_(emails))))
    if taken:
        raise Conflict(
            _l(
                "These e-mail addresses have accounts already: %(emails)s; nothing imported.",
                emails=", ".join(taken),
            ),
            code=Code.DUPLICATE_USER,
        )


def import_organisation(doc: dict) -> Organisation:
    """Create the exported organisation and its data in this database, all or nothing."""
    _check_importable(doc)
    days = {
        d: capacity.lock_day(d)
        for d in sorted({date.fromisoformat(b["pickup_date"]) for b in doc["bookings"]})
    }
    org = Organisation(**_load(Organisation, doc["organisation"]))
    db.session.add(org)
    users = {}
    for data in doc["users"]:
        users[data["ref"]] = User(
            organisation=org,
            **_load(User, data),
            password_hash=hash_password(secrets.token_urlsafe(32)),
        )
    db.session.add_all(users.values())
    by_email = {u.email: u for u in users.values()}

    def someone(email: str | None) -> User | None:
        if not email:
            return None
        return by_email.get(email) or db.session.scalar(sa.select(User).where(User.email == email))

    sites = {d["ref"]: Site(organisation=org, **_load(Site, d)) for d in doc["sites"]}
    db.session.add_all(sites.values())
    bookings = {}
    for data in doc["bookings"]:
        creator = users.get(data["created_by_ref"]) or someone(data.get("created_by_email"))
        if creator is None or data["site_ref"] not in sites:
            raise Invalid(
                _l(
                    "Booking %(ref)s refers to a user or site that is not in the export.",
                    ref=data["ref"],
                ),
                field="bookings",
            )
        booking = Booking(
            organisation=org,
            site=sites[data["site_ref"]],
            created_by=creator,
            **_load(Booking, data),
        )
        booking.lots = [BookingLot(**_load(BookingLot, lot)) for lot in data["lots"]]
        booking.events = [
            BookingEvent(by_user=someone(e.get("by_user_email")), **_load(BookingEvent, e))
            for e in data["events"]
        ]
        if booking.status is not BookingStatus.CANCELLED:  # it takes the day's capacity
            day = days[booking.pickup_date]
            day.booked_kg += booking.total_mass_kg
            day.booked_stops += 1
        bookings[data["ref"]] = booking
    db.session.add_all(bookings.values())
    db.session.flush()  # ids for the bus packs, which refer to them by column
    db.session.add_all(
        BusPack(
            organisation_id=org.id,
            **_load(BusPack, p),
            booking_id=bookings[p["booking_ref"]].id if p.get("booking_ref") in bookings else None,
        )
        for p in doc["bus_packs"]
    )
    try:
        db.session.commit()
    except sa.exc.IntegrityError as exc:
        db.session.rollback()
        raise Conflict(
            _l("The import clashes with data in this database; nothing imported."),
            code=Code.DUPLICATE,
        ) from exc
    return org
