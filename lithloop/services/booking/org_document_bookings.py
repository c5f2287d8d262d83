"""An organisation export's bookings (with their lots and events) and fleet-register packs,
read in full before anything is written."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from lithloop.batteries.fleet_rows import MAX_RATED_KWH
from lithloop.models import Booking, BookingEvent, BookingLot, BusPack
from lithloop.services.booking.draft import MAX_LOT_KG, MAX_LOTS, SP376_ITEMS
from lithloop.services.booking.org_document_checks import (
    ImportPlan,
    read_optional_email,
    read_ref,
    require_between,
    require_text,
)
from lithloop.services.booking.org_values import MAX_LOT_PACKS, items, load_row, mapping, refuse
from lithloop.services.strict_input import MAX_MONEY_FEN

#: A bus pack's mass as an import takes it: what the register ever stored (the fleet form's
#: ranges by form came later, and an installation's packs must move with their masses).
MAX_BUS_PACK_KG = Decimal(100_000)


def _read_lots(lots, where: str) -> list[dict]:
    lots = items(lots, where)
    if not 1 <= len(lots) <= MAX_LOTS:
        raise refuse(_l("Add between 1 and %(n)s lots.", n=MAX_LOTS), where)
    out = []
    for j, data in enumerate(lots):
        place = f"{where}[{j}]"
        values = load_row(BookingLot, data, place)
        require_between(
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


def read_bookings(plan: ImportPlan, bookings: list, by_email) -> None:
    """Every booking with its lots and events; its creator and site must be known."""
    refs: set[int] = set()
    keys: set[str] = set()
    for i, data in enumerate(bookings):
        where = f"bookings[{i}]"
        values = load_row(Booking, data, where)
        ref = read_ref(data, "ref", where, refs)
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
        require_between(
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
            events.append((read_optional_email(event.get("by_user_email"), place), event_values))
        creator = data.get("created_by_ref")
        if type(creator) is not int or creator not in plan.users:
            creator = by_email(read_optional_email(data.get("created_by_email"), where))
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


def read_bus_packs(plan: ImportPlan, packs: list) -> None:
    """Every fleet-register pack; its booking must be in the file, its code once."""
    refs = {b["ref"] for b in plan.bookings}
    codes: set[str] = set()
    for i, data in enumerate(packs):
        where = f"bus_packs[{i}]"
        values = load_row(BusPack, data, where)
        require_text(values, "vehicle_plate", where)
        booking_ref = data.get("booking_ref")
        if booking_ref is not None and (type(booking_ref) is not int or booking_ref not in refs):
            raise refuse(
                _l("No booking in the file has the reference %(ref)s.", ref=str(booking_ref)[:40]),
                f"{where}.booking_ref",
            )
        for key, most in (("rated_kwh", MAX_RATED_KWH), ("mass_kg", MAX_BUS_PACK_KG)):
            require_between(values[key], Decimal("0.01"), most, f"{where}.{key}")
        require_between(values.get("soh_pct"), 0, 100, f"{where}.soh_pct")
        code = values.get("pack_code")
        if code is not None:
            if code in codes:
                raise refuse(
                    _l("%(value)s appears twice in the file.", value=code), f"{where}.pack_code"
                )
            codes.add(code)
        plan.bus_packs.append((booking_ref, values))
