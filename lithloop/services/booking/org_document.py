"""An organisation export read in full before anything is written: its shape, every value,
the rules the forms apply, references, and names or e-mails already taken here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop.batteries.fleet_rows import MAX_MASS_KG as MAX_BUS_PACK_KG
from lithloop.batteries.fleet_rows import MAX_RATED_KWH
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.models import (
    ROLES_BY_KIND,
    Booking,
    BookingEvent,
    BookingLot,
    BusPack,
    Organisation,
    Site,
    User,
)
from lithloop.services.accounts.registration import normalise_email
from lithloop.services.booking.draft import MAX_LOT_KG, MAX_LOTS, SP376_ITEMS
from lithloop.services.booking.errors import Code
from lithloop.services.booking.org_values import (
    FORMAT,
    IMPORTABLE_KINDS,
    MAX_LOT_PACKS,
    VERSION,
    items,
    load_row,
    mapping,
    refuse,
)
from lithloop.services.errors import Conflict, Invalid
from lithloop.services.strict_input import (
    MAX_MONEY_FEN,
)


@dataclass
class ImportPlan:
    """A document checked in full, as values ready to write; nothing in it is written yet."""

    organisation: dict
    users: dict = field(default_factory=dict)  # ref -> values
    sites: dict = field(default_factory=dict)  # ref -> values
    bookings: list = field(default_factory=list)  # dicts: ref, site_ref, creator, values, ...
    bus_packs: list = field(default_factory=list)  # (booking_ref, values)


def _ref(data: dict, key: str, where: str, seen) -> int:
    ref = data.get(key)
    if type(ref) is not int:
        raise refuse(_l("Enter a whole number (digits 0-9)."), f"{where}.{key}")
    if ref in seen:
        raise refuse(_l("%(value)s appears twice in the file.", value=ref), f"{where}.{key}")
    return ref


def _email(value, where: str) -> str:
    if not isinstance(value, str):
        raise refuse(_l("Expected text here."), where)
    try:
        return normalise_email(value)
    except Invalid as exc:
        raise refuse(exc.message, where) from None


def _optional_email(value, where: str) -> str | None:
    return None if value is None or value == "" else _email(value, where)


def _not_blank(values: dict, key: str, where: str) -> None:
    if not values.get(key, "").strip():
        raise refuse(_l("This is missing."), f"{where}.{key}")


def _between(value, lo, hi, where: str, message=None) -> None:
    if value is not None and not lo <= value <= hi:
        raise refuse(
            message or _l("Enter a number between %(lo)s and %(hi)s.", lo=lo, hi=hi), where
        )


def _read_organisation(doc) -> ImportPlan:
    doc = mapping(doc, "$")
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise Invalid(
            _l("Not a lithloop organisation export (format %(f)s, version 1 expected).", f=FORMAT),
            field="format",
        )
    org = load_row(Organisation, doc.get("organisation"), "organisation")
    _not_blank(org, "name", "organisation")
    if org["kind"] not in IMPORTABLE_KINDS:
        raise refuse(
            _l(
                "Only dealer branches, bus companies and buyers can be imported; the park's "
                "own organisation and government partners are set up here, never imported."
            ),
            "organisation.kind",
        )
    return ImportPlan(organisation=org)


def _read_users(plan: ImportPlan, users: list) -> None:
    kind = plan.organisation["kind"]
    allowed = sorted(role.value for role in ROLES_BY_KIND[kind])
    languages = current_app.config["LANGUAGES"]
    emails: set[str] = set()
    for i, data in enumerate(users):
        where = f"users[{i}]"
        values = load_row(User, data, where)
        ref = _ref(data, "ref", where, plan.users)
        _not_blank(values, "name", where)
        values["email"] = email = _email(data["email"], f"{where}.email")
        if email in emails:
            raise refuse(_l("%(value)s appears twice in the file.", value=email), f"{where}.email")
        emails.add(email)
        if values["role"].value not in allowed:
            raise refuse(
                _l(
                    "A %(kind)s organisation's users may only hold the role %(allowed)s, "
                    "not %(role)s.",
                    kind=kind.value,
                    allowed=listed(list(allowed)),
                    role=values["role"].value,
                ),
                f"{where}.role",
            )
        if values.get("locale") is not None and values["locale"] not in languages:
            raise refuse(
                _l("Expected one of: %(allowed)s.", allowed=listed(list(languages))),
                f"{where}.locale",
            )
        plan.users[ref] = values


def _read_sites(plan: ImportPlan, sites: list) -> None:
    for i, data in enumerate(sites):
        where = f"sites[{i}]"
        values = load_row(Site, data, where)
        ref = _ref(data, "ref", where, plan.sites)
        _not_blank(values, "name", where)
        _between(values["lat"], -90, 90, f"{where}.lat", _l("Latitude must be between -90 and 90."))
        _between(
            values["lon"], -180, 180, f"{where}.lon", _l("Longitude must be between -180 and 180.")
        )
        if values.get("closes_at", time(17)) <= values.get("opens_at", time(8)):
            raise refuse(_l("Closing time must be after opening time."), f"{where}.closes_at")
        plan.sites[ref] = values


def _read_lots(lots, where: str) -> list[dict]:
    lots = items(lots, where)
    if not 1 <= len(lots) <= MAX_LOTS:
        raise refuse(_l("Add between 1 and %(n)s lots.", n=MAX_LOTS), where)
    out = []
    for j, data in enumerate(lots):
        place = f"{where}[{j}]"
        values = load_row(BookingLot, data, place)
        _between(
            values["pack_count"],
            1,
            MAX_LOT_PACKS,
            f"{place}.pack_count",
            _l("The number of packs must be between 1 and 10,000."),
        )
        if not 0 < values["mass_kg"] <= MAX_LOT_KG:
            raise refuse(
                _l("The mass must be more than 0 and at most 40,000 kg per lot."),
                f"{place}.mass_kg",
            )
        damage = items(values.get("damage", []), f"{place}.damage")
        if any(item not in SP376_ITEMS for item in damage):
            raise refuse(_l("Unknown damage item."), f"{place}.damage")
        codes = items(values.get("codes", []), f"{place}.codes")
        if any(not isinstance(code, str) for code in codes):
            raise refuse(_l("Expected text here."), f"{place}.codes")
        out.append(values)
    return out


def _read_bookings(plan: ImportPlan, bookings: list, by_email) -> None:
    refs: set[int] = set()
    keys: set[str] = set()
    for i, data in enumerate(bookings):
        where = f"bookings[{i}]"
        values = load_row(Booking, data, where)
        ref = _ref(data, "ref", where, refs)
        refs.add(ref)
        lots = _read_lots(data.get("lots"), f"{where}.lots")
        total = sum((lot["mass_kg"] for lot in lots), Decimal(0))
        if values["total_mass_kg"] != total:
            raise refuse(
                _l("The total mass must be the sum of the lots' masses (%(kg)s kg).", kg=total),
                f"{where}.total_mass_kg",
            )
        if values["window_end"] <= values["window_start"]:
            raise refuse(_l("The window must end after it starts."), f"{where}.window_end")
        _between(
            values["quote_total_fen"], -MAX_MONEY_FEN, MAX_MONEY_FEN, f"{where}.quote_total_fen"
        )
        mapping(values["quote"], f"{where}.quote")
        key = values.get("idempotency_key")
        if key is not None:
            if key in keys:
                raise refuse(
                    _l("%(value)s appears twice in the file.", value=key),
                    f"{where}.idempotency_key",
                )
            keys.add(key)
        events = []
        for j, event in enumerate(items(data.get("events"), f"{where}.events")):
            place = f"{where}.events[{j}]"
            event_values = load_row(BookingEvent, event, place)
            if event_values.get("detail") is not None:
                mapping(event_values["detail"], f"{place}.detail")
            events.append((_optional_email(event.get("by_user_email"), place), event_values))
        creator = data.get("created_by_ref")
        if type(creator) is not int or creator not in plan.users:
            creator = by_email(_optional_email(data.get("created_by_email"), where))
        site_ref = data.get("site_ref")
        if creator is None or type(site_ref) is not int or site_ref not in plan.sites:
            raise refuse(
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


def _read_bus_packs(plan: ImportPlan, packs: list) -> None:
    refs = {b["ref"] for b in plan.bookings}
    codes: set[str] = set()
    for i, data in enumerate(packs):
        where = f"bus_packs[{i}]"
        values = load_row(BusPack, data, where)
        _not_blank(values, "vehicle_plate", where)
        booking_ref = data.get("booking_ref")
        if booking_ref is not None and (type(booking_ref) is not int or booking_ref not in refs):
            raise refuse(
                _l("No booking in the file has the reference %(ref)s.", ref=str(booking_ref)[:40]),
                f"{where}.booking_ref",
            )
        for key, most in (("rated_kwh", MAX_RATED_KWH), ("mass_kg", MAX_BUS_PACK_KG)):
            _between(values[key], Decimal("0.01"), most, f"{where}.{key}")
        _between(values.get("soh_pct"), 0, 100, f"{where}.soh_pct")
        code = values.get("pack_code")
        if code is not None:
            if code in codes:
                raise refuse(
                    _l("%(value)s appears twice in the file.", value=code), f"{where}.pack_code"
                )
            codes.add(code)
        plan.bus_packs.append((booking_ref, values))


def _check_free(plan: ImportPlan) -> None:
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
                emails=listed(list(taken)),
            ),
            code=Code.DUPLICATE_USER,
        )


def read_document(doc) -> ImportPlan:
    """Check a whole export before anything is written: its shape, every value against its
    column, the rules the forms apply (roles allowed for the organisation's kind, e-mails,
    masses, dates, windows, coordinates), references, and names or e-mails taken here.
    Raises Invalid naming the place in the file (`bookings[3].total_mass_kg`) or Conflict."""
    plan = _read_organisation(doc)
    _read_users(plan, items(doc.get("users"), "users"))
    _check_free(plan)
    file_users = {values["email"]: ref for ref, values in plan.users.items()}

    def by_email(email: str | None):
        """A creator: a user of the file (by ref) or one already here (a User)."""
        if email is None:
            return None
        if email in file_users:
            return file_users[email]
        return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email))

    _read_sites(plan, items(doc.get("sites"), "sites"))
    _read_bookings(plan, items(doc.get("bookings"), "bookings"), by_email)
    _read_bus_packs(plan, items(doc.get("bus_packs"), "bus_packs"))
    return plan
