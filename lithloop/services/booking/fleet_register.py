"""One pack of a bus company's register changed or removed by hand (a new SoH reading, a
mistyped plate, a pack sold elsewhere), checked cell by cell as the CSV import checks it."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.batteries import COLUMNS, FleetIssue, validate_code
from lithloop.batteries.fleet_rows import RowParser
from lithloop.db import atomic
from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus, BusPack, User
from lithloop.services.booking.bus_fleet import (
    ALREADY_AT_PARK,
    ALREADY_AT_PARK_EN,
    ALREADY_REGISTERED,
    ALREADY_REGISTERED_EN,
    received_anywhere,
    require_fleet_manager,
)
from lithloop.services.booking.errors import Code
from lithloop.services.errors import Conflict, Invalid, NotFound

#: The register's fields, in the CSV's order (the form's too).
FIELDS = tuple(COLUMNS)


class PackRefused(Invalid):
    """The form has errors: nothing was saved; `issues` holds each, by its field."""

    def __init__(self, issues: tuple[FleetIssue, ...]):
        super().__init__(issues[0].message, field=issues[0].column)
        self.issues = issues


def pack_version(pack: BusPack) -> str:
    """A short fingerprint of the pack as stored: the form carries it, so that a change made
    from a page read before another save is refused instead of undoing that one."""
    values = "|".join(str(getattr(pack, name)) for name in (*FIELDS, "booking_id"))
    return hashlib.sha256(values.encode()).hexdigest()[:12]


def get_pack(user: User, pack_id: int) -> BusPack:
    """A pack of the user's own organisation's register (NotFound for any other)."""
    require_fleet_manager(user)
    pack = db.session.get(BusPack, pack_id)
    if pack is None or pack.organisation_id != user.organisation_id:
        raise NotFound(_l("This pack is not in your register."))
    return pack


def page_of(pack: BusPack, size: int) -> int:
    """The page of the register (by plate, then id; `size` a page) the pack is listed on."""
    before = db.session.scalar(
        sa.select(sa.func.count(BusPack.id)).where(
            BusPack.organisation_id == pack.organisation_id,
            sa.or_(
                BusPack.vehicle_plate < pack.vehicle_plate,
                sa.and_(BusPack.vehicle_plate == pack.vehicle_plate, BusPack.id < pack.id),
            ),
        )
    )
    return (before or 0) // size + 1


def cells_of(pack: BusPack) -> dict[str, str]:
    """The pack's fields as the form shows them (the CSV's cells)."""
    soh = pack.soh_pct
    return {
        "vehicle_plate": pack.vehicle_plate,
        "pack_code": pack.pack_code or "",
        "chemistry": pack.chemistry,
        "rated_kwh": f"{pack.rated_kwh.normalize():f}",
        "mass_kg": f"{pack.mass_kg.normalize():f}",
        "in_service_since": pack.in_service_since.isoformat(),
        "soh_pct": "" if soh is None else f"{soh.normalize():f}",
    }


def held_by(pack: BusPack) -> Booking | None:
    """The live booking the pack is on (not cancelled), or None."""
    if pack.booking_id is None:
        return None
    booking = db.session.get(Booking, pack.booking_id)
    return None if booking is None or booking.status is BookingStatus.CANCELLED else booking


RECEIVED = _l("The park has received this pack: its record is the park's from now on.")
#: Booking statuses after which the park has the pack (its record is the park's).
AT_PARK = frozenset({BookingStatus.RECEIVED, BookingStatus.SETTLED})


def locked_reason(pack: BusPack) -> str | None:
    """Why the pack cannot be changed or removed now, or None: it is on a live booking (the
    booking's lots and quote were made from it), or the park has received it."""
    booking = held_by(pack)
    if (booking is not None and booking.status in AT_PARK) or (
        pack.pack_code and received_anywhere([pack.pack_code])
    ):
        return str(RECEIVED)
    if booking is not None and booking.status is BookingStatus.REQUESTED:
        return str(
            _l(
                "This pack is on booking %(id)s: its lots and quote were made from it. Cancel "
                "that booking first, or have the park correct the pack at intake.",
                id=booking.id,
            )
        )
    if booking is not None:  # scheduled or on its way: the owner can no longer cancel it
        return str(
            _l(
                "This pack is on booking %(id)s, which the park is collecting: the park "
                "corrects the pack at intake if need be.",
                id=booking.id,
            )
        )
    return None


def _locked(user: User, pack_id: int, seen: str) -> BusPack:
    """The pack with its row locked, unless it changed since `seen` or is locked."""
    # two saves, a removal or a booking of the pack take turns; one removed meanwhile is gone
    pack = db.session.scalar(
        sa.select(BusPack)
        .where(BusPack.id == get_pack(user, pack_id).id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if pack is None:
        raise NotFound(_l("This pack is not in your register."))
    if seen != pack_version(pack):
        raise Conflict(
            _l(
                "Someone changed this pack while you were looking at it. Its values now are "
                "shown: check them and make your change again."
            ),
            code=Code.CHANGED_MEANWHILE,
        )
    if (reason := locked_reason(pack)) is not None:
        raise Conflict(reason, code=Code.PACK_LOCKED)
    return pack


def _code_issues(user: User, pack: BusPack, typed: str) -> tuple[FleetIssue, ...]:
    """A changed code already registered on another pack, or received by the park (told
    with the other fields' refusals, not after them)."""
    check = validate_code(typed, today=clock.today()) if typed else None
    code = check.text if check is not None and check.ok else None
    if not code or code == pack.pack_code:
        return ()
    other = db.session.scalar(
        sa.select(BusPack.id).where(
            BusPack.organisation_id == user.organisation_id,
            BusPack.pack_code == code,
            BusPack.id != pack.id,
        )
    )
    if other is not None:
        issue = (ALREADY_REGISTERED, ALREADY_REGISTERED_EN)
    elif received_anywhere([code]):
        issue = (ALREADY_AT_PARK, ALREADY_AT_PARK_EN)
    else:
        return ()
    return (FleetIssue(None, "pack_code", issue[0], {"value": code}, issue[1].format(value=code)),)


def change_pack(user: User, pack_id: int, form: Mapping[str, str], seen: str) -> BusPack:
    """The pack changed to the form's fields (every refused field at once: PackRefused);
    Conflict when it changed since `seen`, is on a live booking or was received."""
    require_fleet_manager(user)
    cells = {name: str(form.get(name) or "").strip() for name in FIELDS}

    def work() -> BusPack:
        pack = _locked(user, pack_id, seen)
        parser = RowParser(clock.today())
        row = parser.parse(0, cells)
        issues = (*parser.errors, *_code_issues(user, pack, cells["pack_code"]))
        if issues or row is None:
            raise PackRefused(issues)
        changed = {
            name: [_shown(getattr(pack, name)), _shown(getattr(row, name))]
            for name in FIELDS
            if getattr(pack, name) != getattr(row, name)
        }
        if not changed:  # sent as it was: nothing to save or record
            return pack
        _audit("fleet_pack.change", user, pack, {"values": changed})  # plate and code before
        for name in changed:
            setattr(pack, name, getattr(row, name))
        return pack

    try:
        return atomic(work)
    except sa.exc.IntegrityError:  # the code registered on another pack meanwhile
        raise Conflict(
            _l("Pack code %(c)s was registered meanwhile on another pack.", c=cells["pack_code"]),
            field="pack_code",
            code=ALREADY_REGISTERED,
        ) from None


def remove_pack(user: User, pack_id: int, seen: str) -> BusPack:
    """Take the pack off the register (sold, scrapped elsewhere, imported twice); Conflict
    when it changed since `seen`, is on a live booking or was received."""
    require_fleet_manager(user)

    def work() -> BusPack:
        pack = _locked(user, pack_id, seen)
        _audit("fleet_pack.remove", user, pack, {})
        db.session.delete(pack)
        return pack

    return atomic(work)


def _shown(value) -> str:
    """A field's value as the audit log keeps it ("" for none, dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _audit(action: str, user: User, pack: BusPack, details: dict) -> None:
    from lithloop.services.accounts import audit

    shown = {"plate": pack.vehicle_plate, "pack_code": pack.pack_code or "", **details}
    audit.record(action, actor=user, obj=pack, object_type="bus_pack", details=shown)
