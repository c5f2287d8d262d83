"""Export one organisation's data as JSON, and import it into another database.

The document holds the organisation, its users (never their password hashes: imported
users must set a password through a reset link), sites, bookings with their lots and status
events, and bus packs. Rows refer to each other by their exported ids ("ref"); users
outside the organisation (a dispatcher on a booking's history) by e-mail.
"""

from __future__ import annotations

import enum
import math
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.batteries.fleet_csv import MAX_MASS_KG as MAX_BUS_PACK_KG
from lithloop.batteries.fleet_csv import MAX_RATED_KWH
from lithloop.extensions import db
from lithloop.models import (
    ROLES_BY_KIND,
    Booking,
    BookingEvent,
    BookingLot,
    BookingStatus,
    BusPack,
    Organisation,
    OrgKind,
    Site,
    User,
)
from lithloop.models.base import UTCDateTime, VocabString
from lithloop.services.accounts.passwords import hash_password
from lithloop.services.accounts.registration import normalise_email
from lithloop.services.booking import capacity
from lithloop.services.booking.draft import MAX_LOT_KG, MAX_LOTS, SP376_ITEMS
from lithloop.services.booking.errors import Code
from lithloop.services.errors import Conflict, Invalid, NotFound
from lithloop.services.strict_input import (
    FIRST_DATE,
    INT32_MAX,
    INT64_MAX,
    LAST_DATE,
    MAX_MONEY_FEN,
    strict_date,
    strict_decimal,
    strict_time,
)

FORMAT, VERSION = "lithloop-organisation", 1
# Never exported: keys, secrets, per-database counters.
SKIP = {"id", "password_hash", "session_version", "last_login_at"}
FOREIGN = {"organisation_id", "site_id", "created_by_id", "booking_id", "by_user_id"}
#: The kinds that exist as the park's customers: those that register themselves
#: (services/accounts/registration.register). The park operator and government partners
#: are set up by the park; a file must never create them (nor their roles, such as admin).
IMPORTABLE_KINDS = (OrgKind.DEALER_BRANCH, OrgKind.BUS_COMPANY, OrgKind.BUYER)
MAX_LOT_PACKS = 10_000  # as the booking form (draft.parse_lot)
#: Characters no stored text may hold: C0 controls but tab and line breaks, DEL, and lone
#: surrogates (PostgreSQL refuses NUL; a surrogate cannot be encoded as UTF-8).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


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


def _refuse(message, where: str) -> Invalid:
    return Invalid(message, field=where)


def _mapping(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise _refuse(_l("Expected an object of named fields here."), where)
    return value


def _items(value, where: str) -> list:
    if not isinstance(value, list):
        raise _refuse(_l("Expected a list here."), where)
    return value


def _text_problem(text: str):
    """Why text cannot be stored (NUL and other control characters, lone surrogates)."""
    if _CONTROL.search(text):
        return _l("Text here may not contain control characters (such as NUL).")
    return None


def _json_problem(value, where: str) -> None:
    """A JSON column's value: any JSON, but its texts storable (walked without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and (why := _text_problem(item)):
            raise _refuse(why, where)
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _value(column: sa.Column, value, where: str):
    """One exported value checked against its column and converted to its Python type."""
    kind = column.type
    if isinstance(kind, VocabString) or (isinstance(kind, sa.Enum) and kind.enum_class):
        members = kind.enum_cls if isinstance(kind, VocabString) else kind.enum_class
        allowed = [m.value for m in members]
        if not isinstance(value, str) or value not in allowed:
            raise _refuse(_l("Expected one of: %(allowed)s.", allowed=", ".join(allowed)), where)
        return members(value) if isinstance(kind, sa.Enum) else value
    if isinstance(kind, UTCDateTime | sa.DateTime):
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise _refuse(
                _l(
                    "Expected a date and time with its offset from UTC, "
                    "such as 2026-12-04T08:30:00+00:00."
                ),
                where,
            )
        if not FIRST_DATE <= moment.date() <= LAST_DATE:
            raise _refuse(
                _l(
                    "Enter a date between %(a)s and %(b)s.",
                    a=FIRST_DATE.isoformat(),
                    b=LAST_DATE.isoformat(),
                ),
                where,
            )
        return moment
    if isinstance(kind, sa.Date):
        return strict_date(value if isinstance(value, str) else "", where)
    if isinstance(kind, sa.Time):
        return strict_time(value if isinstance(value, str) else "", where)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            value = ""  # refused below with the message for numbers
        number = strict_decimal(value, where)  # ASCII digits only: no NaN, inf, 1e999
        number = number.quantize(Decimal(1).scaleb(-kind.scale), rounding=ROUND_HALF_UP)
        limit = Decimal(10) ** (kind.precision - kind.scale) - Decimal(1).scaleb(-kind.scale)
        if not -limit <= number <= limit:
            raise _refuse(
                _l("Enter a number between %(lo)s and %(hi)s.", lo=-limit, hi=limit), where
            )
        return number
    if isinstance(kind, sa.Float):
        try:
            number = float(value) if type(value) in (int, float) else math.nan
        except OverflowError:
            number = math.nan
        if not math.isfinite(number):
            raise _refuse(_l("Expected a number here."), where)
        return number
    if isinstance(kind, sa.Integer):
        top = INT64_MAX if isinstance(kind, sa.BigInteger) else INT32_MAX
        if type(value) is not int:
            raise _refuse(_l("Enter a whole number (digits 0-9)."), where)
        if not -top <= value <= top:
            raise _refuse(_l("Enter a number between %(lo)s and %(hi)s.", lo=-top, hi=top), where)
        return value
    if isinstance(kind, sa.Boolean):
        if not isinstance(value, bool):
            raise _refuse(_l("Expected true or false here."), where)
        return value
    if isinstance(kind, sa.String):
        if not isinstance(value, str):
            raise _refuse(_l("Expected text here."), where)
        if kind.length and len(value) > kind.length:
            raise _refuse(_l("Expected text of at most %(n)s characters.", n=kind.length), where)
        if why := _text_problem(value):
            raise _refuse(why, where)
        return value
    if isinstance(kind, sa.JSON):
        _json_problem(value, where)
        return value
    raise TypeError(f"org_transfer cannot check a {kind!r} column ({where})")


def _load(model, data, where: str) -> dict:
    """Column values of `model` from exported JSON, each checked and converted back to its
    Python type; Invalid names the place in the file (`bookings[3].total_mass_kg`)."""
    data = _mapping(data, where)
    values = {}
    for key, column in _columns(model).items():
        if data.get(key) is None:
            if not column.nullable and column.default is None and column.server_default is None:
                raise _refuse(_l("This is missing."), f"{where}.{key}")
            continue
        values[key] = _value(column, data[key], f"{where}.{key}")
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


@dataclass
class _Plan:
    """A document checked in full, as values ready to write; nothing in it is written yet."""

    organisation: dict
    users: dict = field(default_factory=dict)  # ref -> values
    sites: dict = field(default_factory=dict)  # ref -> values
    bookings: list = field(default_factory=list)  # dicts: ref, site_ref, creator, values, ...
    bus_packs: list = field(default_factory=list)  # (booking_ref, values)


def _ref(data: dict, key: str, where: str, seen) -> int:
    ref = data.get(key)
    if type(ref) is not int:
        raise _refuse(_l("Enter a whole number (digits 0-9)."), f"{where}.{key}")
    if ref in seen:
        raise _refuse(_l("%(value)s appears twice in the file.", value=ref), f"{where}.{key}")
    return ref


def _email(value, where: str) -> str:
    if not isinstance(value, str):
        raise _refuse(_l("Expected text here."), where)
    try:
        return normalise_email(value)
    except Invalid as exc:
        raise _refuse(exc.message, where) from None


def _optional_email(value, where: str) -> str | None:
    return None if value is None or value == "" else _email(value, where)


def _not_blank(values: dict, key: str, where: str) -> None:
    if not values.get(key, "").strip():
        raise _refuse(_l("This is missing."), f"{where}.{key}")


def _between(value, lo, hi, where: str, message=None) -> None:
    if value is not None and not lo <= value <= hi:
        raise _refuse(
            message or _l("Enter a number between %(lo)s and %(hi)s.", lo=lo, hi=hi), where
        )


def _read_organisation(doc) -> _Plan:
    doc = _mapping(doc, "$")
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise Invalid(
            _l("Not a lithloop organisation export (format %(f)s, version 1 expected).", f=FORMAT),
            field="format",
        )
    org = _load(Organisation, doc.get("organisation"), "organisation")
    _not_blank(org, "name", "organisation")
    if org["kind"] not in IMPORTABLE_KINDS:
        raise _refuse(
            _l(
                "Only dealer branches, bus companies and buyers can be imported; the park's "
                "own organisation and government partners are set up here, never imported."
            ),
            "organisation.kind",
        )
    return _Plan(organisation=org)


def _read_users(plan: _Plan, users: list) -> None:
    kind = plan.organisation["kind"]
    allowed = sorted(role.value for role in ROLES_BY_KIND[kind])
    languages = current_app.config["LANGUAGES"]
    emails: set[str] = set()
    for i, data in enumerate(users):
        where = f"users[{i}]"
        values = _load(User, data, where)
        ref = _ref(data, "ref", where, plan.users)
        _not_blank(values, "name", where)
        values["email"] = email = _email(data["email"], f"{where}.email")
        if email in emails:
            raise _refuse(_l("%(value)s appears twice in the file.", value=email), f"{where}.email")
        emails.add(email)
        if values["role"].value not in allowed:
            raise _refuse(
                _l(
                    "A %(kind)s organisation's users may only hold the role %(allowed)s, "
                    "not %(role)s.",
                    kind=kind.value,
                    allowed=", ".join(allowed),
                    role=values["role"].value,
                ),
                f"{where}.role",
            )
        if values.get("locale") is not None and values["locale"] not in languages:
            raise _refuse(
                _l("Expected one of: %(allowed)s.", allowed=", ".join(languages)),
                f"{where}.locale",
            )
        plan.users[ref] = values


def _read_sites(plan: _Plan, sites: list) -> None:
    for i, data in enumerate(sites):
        where = f"sites[{i}]"
        values = _load(Site, data, where)
        ref = _ref(data, "ref", where, plan.sites)
        _not_blank(values, "name", where)
        _between(values["lat"], -90, 90, f"{where}.lat", _l("Latitude must be between -90 and 90."))
        _between(
            values["lon"], -180, 180, f"{where}.lon", _l("Longitude must be between -180 and 180.")
        )
        if values.get("closes_at", time(17)) <= values.get("opens_at", time(8)):
            raise _refuse(_l("Closing time must be after opening time."), f"{where}.closes_at")
        plan.sites[ref] = values


def _read_lots(lots, where: str) -> list[dict]:
    lots = _items(lots, where)
    if not 1 <= len(lots) <= MAX_LOTS:
        raise _refuse(_l("Add between 1 and %(n)s lots.", n=MAX_LOTS), where)
    out = []
    for j, data in enumerate(lots):
        place = f"{where}[{j}]"
        values = _load(BookingLot, data, place)
        _between(
            values["pack_count"],
            1,
            MAX_LOT_PACKS,
            f"{place}.pack_count",
            _l("The number of packs must be between 1 and 10,000."),
        )
        if not 0 < values["mass_kg"] <= MAX_LOT_KG:
            raise _refuse(
                _l("The mass must be more than 0 and at most 40,000 kg per lot."),
                f"{place}.mass_kg",
            )
        damage = _items(values.get("damage", []), f"{place}.damage")
        if any(item not in SP376_ITEMS for item in damage):
            raise _refuse(_l("Unknown damage item."), f"{place}.damage")
        codes = _items(values.get("codes", []), f"{place}.codes")
        if any(not isinstance(code, str) for code in codes):
            raise _refuse(_l("Expected text here."), f"{place}.codes")
        out.append(values)
    return out


def _read_bookings(plan: _Plan, bookings: list, by_email) -> None:
    refs: set[int] = set()
    keys: set[str] = set()
    for i, data in enumerate(bookings):
        where = f"bookings[{i}]"
        values = _load(Booking, data, where)
        ref = _ref(data, "ref", where, refs)
        refs.add(ref)
        lots = _read_lots(data.get("lots"), f"{where}.lots")
        total = sum((lot["mass_kg"] for lot in lots), Decimal(0))
        if values["total_mass_kg"] != total:
            raise _refuse(
                _l("The total mass must be the sum of the lots' masses (%(kg)s kg).", kg=total),
                f"{where}.total_mass_kg",
            )
        if values["window_end"] <= values["window_start"]:
            raise _refuse(_l("The window must end after it starts."), f"{where}.window_end")
        _between(
            values["quote_total_fen"], -MAX_MONEY_FEN, MAX_MONEY_FEN, f"{where}.quote_total_fen"
        )
        _mapping(values["quote"], f"{where}.quote")
        key = values.get("idempotency_key")
        if key is not None:
            if key in keys:
                raise _refuse(
                    _l("%(value)s appears twice in the file.", value=key),
                    f"{where}.idempotency_key",
                )
            keys.add(key)
        events = []
        for j, event in enumerate(_items(data.get("events"), f"{where}.events")):
            place = f"{where}.events[{j}]"
            event_values = _load(BookingEvent, event, place)
            if event_values.get("detail") is not None:
                _mapping(event_values["detail"], f"{place}.detail")
            events.append((_optional_email(event.get("by_user_email"), place), event_values))
        creator = data.get("created_by_ref")
        if type(creator) is not int or creator not in plan.users:
            creator = by_email(_optional_email(data.get("created_by_email"), where))
        site_ref = data.get("site_ref")
        if creator is None or type(site_ref) is not int or site_ref not in plan.sites:
            raise _refuse(
                _l(
                    "Booking %(ref)s refers to a user or site that is not in the export.",
                    ref=ref,
                ),
                where,
            )
        plan.bookings.append(
            {
                "ref": ref,
                "site_ref": site_ref,
                "creator": creator,
                "values": values,
                "lots": lots,
                "events": events,
            }
        )


def _read_bus_packs(plan: _Plan, packs: list) -> None:
    refs = {b["ref"] for b in plan.bookings}
    codes: set[str] = set()
    for i, data in enumerate(packs):
        where = f"bus_packs[{i}]"
        values = _load(BusPack, data, where)
        _not_blank(values, "vehicle_plate", where)
        booking_ref = data.get("booking_ref")
        if booking_ref is not None and (type(booking_ref) is not int or booking_ref not in refs):
            raise _refuse(
                _l("No booking in the file has the reference %(ref)s.", ref=str(booking_ref)[:40]),
                f"{where}.booking_ref",
            )
        for key, most in (("rated_kwh", MAX_RATED_KWH), ("mass_kg", MAX_BUS_PACK_KG)):
            _between(values[key], Decimal("0.01"), most, f"{where}.{key}")
        _between(values.get("soh_pct"), 0, 100, f"{where}.soh_pct")
        code = values.get("pack_code")
        if code is not None:
            if code in codes:
                raise _refuse(
                    _l("%(value)s appears twice in the file.", value=code), f"{where}.pack_code"
                )
            codes.add(code)
        plan.bus_packs.append((booking_ref, values))


def _check_free(plan: _Plan) -> None:
    name = plan.organisation["name"]
    if db.session.scalar(sa.select(Organisation.id).where(Organisation.name == name)):
        raise Conflict(
            _l("An organisation named %(name)s exists already; nothing imported.", name=name),
            code=Code.DUPLICATE_ORGANISATION,
        )
    emails = [u["email"] for u in plan.users.values()]
    taken = sorted(
        db.session.scalars(sa.select(User.email).where(sa.func.lower(User.email).in_(emails)))
    )
    if taken:
        raise Conflict(
            _l(
                "These e-mail addresses have accounts already: %(emails)s; nothing imported.",
                emails=", ".join(taken),
            ),
            code=Code.DUPLICATE_USER,
        )


def read_document(doc) -> _Plan:
    """Check a whole export before anything is written: its shape, every value against its
    column, the rules the forms apply (roles allowed for the organisation's kind, e-mails,
    masses, dates, windows, coordinates), references, and names or e-mails taken here.
    Raises Invalid naming the place in the file (`bookings[3].total_mass_kg`) or Conflict."""
    plan = _read_organisation(doc)
    _read_users(plan, _items(doc.get("users"), "users"))
    _check_free(plan)
    file_users = {values["email"]: ref for ref, values in plan.users.items()}

    def by_email(email: str | None):
        """A creator: a user of the file (by ref) or one already here (a User)."""
        if email is None:
            return None
        if email in file_users:
            return file_users[email]
        return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email))

    _read_sites(plan, _items(doc.get("sites"), "sites"))
    _read_bookings(plan, _items(doc.get("bookings"), "bookings"), by_email)
    _read_bus_packs(plan, _items(doc.get("bus_packs"), "bus_packs"))
    return plan


def import_organisation(doc) -> Organisation:
    """Create the exported organisation and its data in this database, all or nothing:
    the whole document is checked first (read_document), then written in one transaction."""
    plan = read_document(doc)
    try:
        org = _write(plan)
        db.session.commit()
    except sa.exc.IntegrityError as exc:
        db.session.rollback()
        raise Conflict(
            _l("The import clashes with data in this database; nothing imported."),
            code=Code.DUPLICATE,
        ) from exc
    except BaseException:
        db.session.rollback()
        raise
    return org


def _write(plan: _Plan) -> Organisation:
    days = {
        d: capacity.lock_day(d) for d in sorted({b["values"]["pickup_date"] for b in plan.bookings})
    }
    org = Organisation(**plan.organisation)
    db.session.add(org)
    users = {
        ref: User(
            organisation=org, **values, password_hash=hash_password(secrets.token_urlsafe(32))
        )
        for ref, values in plan.users.items()
    }
    db.session.add_all(users.values())
    by_email = {u.email: u for u in users.values()}

    def someone(email: str | None) -> User | None:
        if email is None:
            return None
        return by_email.get(email) or db.session.scalar(
            sa.select(User).where(sa.func.lower(User.email) == email)
        )

    sites = {ref: Site(organisation=org, **values) for ref, values in plan.sites.items()}
    db.session.add_all(sites.values())
    bookings = {}
    for data in plan.bookings:
        creator = data["creator"]
        booking = Booking(
            organisation=org,
            site=sites[data["site_ref"]],
            created_by=users[creator] if isinstance(creator, int) else creator,
            **data["values"],
        )
        booking.lots = [BookingLot(**lot) for lot in data["lots"]]
        booking.events = [
            BookingEvent(by_user=someone(email), **values) for email, values in data["events"]
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
            **values,
            booking_id=None if ref is None else bookings[ref].id,
        )
        for ref, values in plan.bus_packs
    )
    return org
