"""The words of the trade and of a pack's life: chemistries, conditions, forms, the SP376
checklist, uses and dismantling outputs; warehouses, pack states and places, the events of
a pack's passport and where packs end up."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from lithloop.labels.words import table
from lithloop.vocab import (
    Chemistry,
    Choice,
    Condition,
    Form,
    Output,
    PackDestination,
    PackEventKind,
    PackState,
    Sp376Item,
    UseCase,
    Warehouse,
)

# --- the trade ---
CHEMISTRY = table(
    {
        Chemistry.LFP: _l("LFP (lithium iron phosphate)"),
        Chemistry.NCM523: _l("NCM523 (nickel cobalt manganese 523)"),
        Chemistry.NCM622: _l("NCM622 (nickel cobalt manganese 622)"),
        Chemistry.NCM811: _l("NCM811 (nickel cobalt manganese 811)"),
        Chemistry.NCA: _l("NCA (nickel cobalt aluminium)"),
        Chemistry.LMO: _l("LMO (lithium manganese oxide)"),
        Chemistry.LCO: _l("LCO (lithium cobalt oxide)"),
    }
)


def chemistry_name(value: str) -> str:
    """A chemistry as pages and documents name it, now: "磷酸铁锂 LFP" in Chinese, the code
    alone in English; an unknown value as it is. (A letter passes CHEMISTRY's lazy label.)"""
    locale = get_locale()  # as i18n.current_language reads it (labels import only Babel)
    if (locale is None or locale.language == "zh") and value in CHEMISTRY:
        return str(CHEMISTRY[value])
    return value


CONDITION = table(
    {
        Condition.INTACT: _l("Intact"),
        Condition.DAMAGED: _l("Damaged / defective (SP376)"),
        Condition.SWOLLEN_LEAKING: _l("Swollen, leaking or after a thermal event"),
    }
)
#: What a lot is, as counted on transport documents ("3 packs").
FORM = table(
    {
        Form.PACK: _l("packs"),
        Form.MODULE: _l("modules"),
        Form.CELL: _l("cells"),
        Form.BLACK_MASS: _l("black mass"),
    }
)
#: The same after a count of one ("1 pack", not "1 packs").
FORM_ONE = table(
    {
        Form.PACK: _l("pack"),
        Form.MODULE: _l("module"),
        Form.CELL: _l("cell"),
        Form.BLACK_MASS: _l("black mass"),
    }
)
#: The SP376 checklist: why a lot is damaged or defective.
SP376_ITEM = table(
    {
        Sp376Item.LEAKING_VENTING: _l("Leaking or venting"),
        Sp376Item.DEFORMED: _l("Deformed"),
        Sp376Item.BMS_DAMAGED: _l("Battery management system damaged"),
        Sp376Item.CANNOT_DIAGNOSE: _l("Cannot be diagnosed"),
    }
)
USE_CASE = table(
    {
        UseCase.STORAGE: _l("Energy storage"),
        UseCase.BASE_STATION: _l("Base-station backup"),
        UseCase.LOW_SPEED_VEHICLE: _l("Low-speed vehicles"),
    }
)
OUTPUT = table(
    {
        Output.BLACK_MASS: _l("Black mass"),
        Output.COPPER: _l("Copper"),
        Output.ALUMINIUM: _l("Aluminium"),
        Output.STEEL: _l("Casings / steel"),
        Output.PLASTICS: _l("Plastics"),
    }
)

# --- a pack's life ---
DECISION = table({Choice.REFURBISH: _l("Refurbish for second life"), Choice.RECYCLE: _l("Recycle")})
WAREHOUSE = table(
    {
        Warehouse.RAW: _l("Raw-material warehouse"),
        Warehouse.AGING: _l("Aging warehouse"),
        Warehouse.FINISHED: _l("Finished-product warehouse"),
    }
)
_SHARED_STATES = {
    PackState.RESERVED: _l("Reserved"),
    PackState.SOLD: _l("Sold"),
    PackState.CONSUMED: _l("Used in a refurbished pack"),
    PackState.DISMANTLED: _l("Dismantled"),
}
#: A pack's state as its passport tells it ("in the aging warehouse").
PACK_STATE = table(
    {
        PackState.RECEIVED: _l("Received"),
        PackState.RAW: _l("In the raw-material warehouse"),
        PackState.AGING: _l("In the aging warehouse"),
        PackState.FINISHED: _l("In the finished-product warehouse"),
        **_SHARED_STATES,
    }
)
#: Where a pack is, as the plant's lists show it (a warehouse's name for the stored states).
PACK_PLACE = table(
    {
        PackState.RECEIVED: _l("Received, not graded"),
        PackState.RAW: WAREHOUSE[Warehouse.RAW.value],
        PackState.AGING: WAREHOUSE[Warehouse.AGING.value],
        PackState.FINISHED: WAREHOUSE[Warehouse.FINISHED.value],
        **_SHARED_STATES,
    }
)
#: The kinds of event on a pack's passport.
PACK_EVENT = table(
    {
        PackEventKind.RETIRED: _l("Retired from vehicle"),
        PackEventKind.BOOKED: _l("Booked for pickup"),
        PackEventKind.PICKED_UP: _l("Picked up"),
        PackEventKind.RECEIVED: _l("Received at the park"),
        PackEventKind.TESTED: _l("Tested"),
        PackEventKind.GRADED: _l("Graded"),
        PackEventKind.MOVED: _l("Moved"),
        PackEventKind.AGED: _l("Released from aging"),
        PackEventKind.BUILT: _l("Built from parent packs"),
        PackEventKind.CONSUMED: _l("Used in a refurbished pack"),
        PackEventKind.DISMANTLED: _l("Dismantled"),
        PackEventKind.LISTED: _l("Listed for sale"),
        PackEventKind.RESERVED: _l("Reserved"),
        PackEventKind.RELEASED: _l("Reservation released"),
        PackEventKind.SOLD: _l("Sold"),
        PackEventKind.RETURNED: _l("Returned"),
        PackEventKind.SETTLED: _l("Settled"),
        PackEventKind.CORRECTION: _l("Correction"),
    }
)
PACK_DESTINATION = table(
    {
        PackDestination.DISMANTLED: _l("Dismantled"),
        PackDestination.SECOND_LIFE: _l("Second life"),
        PackDestination.AWAITING: _l("Awaiting"),
    }
)
