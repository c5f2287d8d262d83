"""A bus company's pack register: CSV preview and import, and the retirement forecast
(pickup proposals from it: fleet_proposals.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.batteries import (
    FleetImport,
    FleetIssue,
    FleetRow,
    ImportCode,
    MonthDue,
    forecast_retirements,
    parse_fleet_csv,
)
from lithloop.batteries.problems import import_message
from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus, BusPack, Pack, Role, User
from lithloop.services.booking.errors import Code
from lithloop.services.errors import Conflict, Forbidden, Invalid

#: issue code added here (not by the parser): the code is already in the register
ALREADY_REGISTERED = Code.ALREADY_REGISTERED
ALREADY_REGISTERED_EN = "Pack code {value} is already in your register."
#: issue code added here: the code is a pack the park has received (intake refuses it)
ALREADY_AT_PARK = Code.ALREADY_AT_PARK
ALREADY_AT_PARK_EN = (
    "Pack code {value} belongs to a pack the park has already received; check the code."
)
#: issue code added here, updating: the registered pack is on a live booking
PACK_BOOKED = Code.PACK_BOOKED
PACK_BOOKED_EN = (
    "Pack code {value} is on booking {booking}: a pack on an open booking is not updated "
    "(its lots and quote were made from it)."
)
DEFAULT_THRESHOLD = Decimal(80)
_CHUNK = 500


class ImportRefused(Invalid):
    """The file has errors: nothing was saved; `result` lists them."""

    def __init__(self, result: FleetImport):
        super().__init__(
            _l("Nothing was imported: the file has %(n)s problems to fix.", n=len(result.errors)),
            field="file",
            code=Code.IMPORT_REFUSED,
        )
        self.result = result


def require_fleet_manager(user: User) -> None:
    if user.role is not Role.FLEET_MANAGER:
        raise Forbidden(_l("Only bus fleet managers keep a pack register."))


def soh_threshold() -> Decimal:
    """The SoH (%) at which a pack retires: config FLEET_SOH_THRESHOLD, 80 by default."""
    return Decimal(str(current_app.config.get("FLEET_SOH_THRESHOLD", DEFAULT_THRESHOLD)))


def _registered(org_id: int, codes: list[str], lock: bool = False) -> dict[str, BusPack]:
    """The organisation's packs with these codes, by code (`lock`: their rows locked)."""
    found: dict[str, BusPack] = {}
    for i in range(0, len(codes), _CHUNK):
        query = sa.select(BusPack).where(
            BusPack.organisation_id == org_id, BusPack.pack_code.in_(codes[i : i + _CHUNK])
        )
        for pack in db.session.scalars(query.with_for_update() if lock else query):
            found[pack.pack_code or ""] = pack
    return found


def _booked(packs: list[BusPack]) -> dict[int, int]:
    """The live (not cancelled) booking of each of these packs that is on one, by pack id."""
    linked = [p for p in packs if p.booking_id is not None]
    if not linked:
        return {}
    live = set(
        db.session.scalars(
            sa.select(Booking.id).where(
                Booking.id.in_({p.booking_id for p in linked}),
                Booking.status != BookingStatus.CANCELLED,
            )
        )
    )
    return {p.id: p.booking_id for p in linked if p.booking_id in live}


def received_anywhere(codes: list[str]) -> set[str]:
    """The codes that are packs the park has received (any owner's)."""
    found: set[str] = set()
    for i in range(0, len(codes), _CHUNK):
        found.update(
            db.session.scalars(sa.select(Pack.code).where(Pack.code.in_(codes[i : i + _CHUNK])))
        )
    return found


def _code_issue(row: FleetRow, code: Code, english: str) -> FleetIssue:
    return FleetIssue(
        row.row, "pack_code", code, {"value": row.pack_code}, english.format(value=row.pack_code)
    )


def _same_pack(row: FleetRow) -> tuple:
    return (row.vehicle_plate, row.chemistry, Decimal(row.rated_kwh), row.in_service_since)


def _looks_registered(org_id: int, rows: list[FleetRow]) -> tuple[FleetIssue, ...]:
    """Warnings for uncoded rows like an uncoded pack of the register (plate, chemistry,
    rated kWh, in-service date): without a code nothing tells them apart, so a second upload
    of the same file would register every such pack again."""
    plates = sorted({r.vehicle_plate for r in rows})
    known: set[tuple] = set()
    for i in range(0, len(plates), _CHUNK):
        known.update(
            _same_pack(pack)
            for pack in db.session.scalars(
                sa.select(BusPack).where(
                    BusPack.organisation_id == org_id,
                    BusPack.pack_code.is_(None),
                    BusPack.vehicle_plate.in_(plates[i : i + _CHUNK]),
                )
            )
        )
    return tuple(
        FleetIssue(
            r.row,
            "vehicle_plate",
            ImportCode.LOOKS_REGISTERED,
            {"plate": r.vehicle_plate},
            import_message(ImportCode.LOOKS_REGISTERED, {"plate": r.vehicle_plate}),
        )
        for r in rows
        if _same_pack(r) in known
    )


def preview_import(
    user: User, data: bytes, *, update: bool = False, lock: bool = False
) -> FleetImport:
    """Parse and check a fleet CSV; codes already in the register are errors (`update`: the
    row updates that pack, unless it is on an open booking or at the park), uncoded rows
    like an uncoded pack of the register are warnings. Saves nothing (`lock`: the packs to
    update are locked until the transaction ends)."""
    require_fleet_manager(user)
    result = parse_fleet_csv(data, today=clock.today())
    uncoded = [r for r in result.rows if not r.pack_code]
    if uncoded and (doubles := _looks_registered(user.organisation_id, uncoded)):
        warnings = sorted(result.warnings + doubles, key=lambda i: (i.row or 0, i.column or ""))
        result = replace(result, warnings=tuple(warnings))
    coded = [r for r in result.rows if r.pack_code]
    taken = _registered(user.organisation_id, [r.pack_code for r in coded], lock)
    # a code the park has received: a booking of it is refused (code_holds), so it would
    # sit in the register, proposed for a pickup that can never be made
    received = received_anywhere([r.pack_code for r in coded if update or r.pack_code not in taken])
    booked = _booked(list(taken.values())) if update else {}
    extra, updating = [], []
    for r in coded:
        pack = taken.get(r.pack_code or "")
        if pack is not None and not update:
            extra.append(_code_issue(r, ALREADY_REGISTERED, ALREADY_REGISTERED_EN))
        elif r.pack_code in received:
            extra.append(_code_issue(r, ALREADY_AT_PARK, ALREADY_AT_PARK_EN))
        elif pack is not None and pack.id in booked:
            said = PACK_BOOKED_EN.format(value=r.pack_code, booking=booked[pack.id])
            params = {"value": r.pack_code or "", "booking": booked[pack.id]}
            extra.append(FleetIssue(r.row, "pack_code", PACK_BOOKED, params, said))
        elif pack is not None:
            updating.append(r.row)
    result = replace(result, updating=tuple(updating))
    if not extra:
        return result
    errors = sorted(result.errors + tuple(extra), key=lambda i: (i.row or 0, i.column or ""))
    return replace(result, errors=tuple(errors))


#: The register's columns an import row gives (all of them: a row is the whole pack).
_FIELDS = (
    "vehicle_plate",
    "chemistry",
    "rated_kwh",
    "mass_kg",
    "in_service_since",
    "soh_pct",
)


def import_packs(user: User, data: bytes, *, update: bool = False) -> tuple[int, int]:
    """Add every new pack of the file and (`update`) update the registered ones it names by
    code, in one transaction, or nothing if any row has an error: (added, updated)."""
    result = preview_import(user, data, update=update, lock=update)
    if not result.ok:
        raise ImportRefused(result)
    updating = set(result.updating)
    known = _registered(
        user.organisation_id, [r.pack_code for r in result.rows if r.row in updating]
    )
    for r in result.rows:
        if r.row in updating:
            pack = known[r.pack_code or ""]
            for name in _FIELDS:
                setattr(pack, name, getattr(r, name))
    db.session.add_all(
        BusPack(
            organisation_id=user.organisation_id,
            vehicle_plate=r.vehicle_plate,
            pack_code=r.pack_code,
            chemistry=r.chemistry,
            rated_kwh=r.rated_kwh,
            mass_kg=r.mass_kg,
            in_service_since=r.in_service_since,
            soh_pct=r.soh_pct,
        )
        for r in result.rows
        if r.row not in updating
    )
    try:
        db.session.commit()
    except sa.exc.IntegrityError as exc:
        db.session.rollback()
        raise Conflict(
            _l(
                "Some pack codes were registered meanwhile; nothing was imported. "
                "Check the file again."
            ),
            field="file",
            code=ALREADY_REGISTERED,
        ) from exc
    return result.new_rows, len(updating)


def packs(user: User) -> sa.Select:
    """A query for the packs of the user's own organisation, by plate."""
    require_fleet_manager(user)
    return (
        sa.select(BusPack)
        .where(BusPack.organisation_id == user.organisation_id)
        .order_by(BusPack.vehicle_plate, BusPack.id)
    )


def has_packs(user: User) -> bool:
    """True once the user's organisation has any pack in its register."""
    return db.session.scalar(packs(user).with_only_columns(BusPack.id).limit(1)) is not None


def count_packs(user: User) -> int:
    """How many packs the user's organisation has in its register."""
    return db.session.scalar(
        packs(user).with_only_columns(sa.func.count(BusPack.id)).order_by(None)
    )


def received_codes(user: User, codes: list[str]) -> set[str]:
    """Those of the codes the park has received as the user's organisation's packs (each has
    a history page the owner may open)."""
    if not codes:
        return set()
    query = sa.select(Pack.code).where(Pack.owner_id == user.organisation_id, Pack.code.in_(codes))
    return set(db.session.scalars(query))


def open_packs(user: User) -> list[BusPack]:
    """Packs not yet on a live booking (unbooked, or their booking was cancelled)."""
    query = (
        packs(user)
        .outerjoin(Booking, Booking.id == BusPack.booking_id)
        .where(sa.or_(BusPack.booking_id.is_(None), Booking.status == BookingStatus.CANCELLED))
    )
    return list(db.session.scalars(query))


def still_to_come(user: User) -> tuple[list[BusPack], int]:
    """The open register packs the park has still to receive, and how many open packs were
    left out because the park has already received their code (registered before the import
    refused such codes: booking them would be refused, and their history is the park's)."""
    unbooked = open_packs(user)
    received = received_anywhere([p.pack_code for p in unbooked if p.pack_code])
    kept = [p for p in unbooked if p.pack_code not in received]
    return kept, len(unbooked) - len(kept)


def forecast(
    user: User, today: date, *, threshold: Decimal | None = None, horizon_months: int = 12
) -> list[MonthDue]:
    """Packs still to come (not booked, not received by the park) due per month, from this
    month on."""
    return forecast_retirements(
        still_to_come(user)[0],
        today,
        horizon_months=horizon_months,
        soh_threshold=threshold or soh_threshold(),
    )
