"""A truck's form read and checked: every field refused beside itself, all at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop.extensions import db
from lithloop.models import Organisation, OrgKind, Role, Site, User
from lithloop.services.errors import FieldChecks, Invalid
from lithloop.services.strict_input import (
    chosen_id,
    limited_text,
    money_to_fen,
    parse_amount,
    strict_int,
    strict_time,
    typed_text,
)
from lithloop.vocab.plates import EXAMPLE, canonical_plate

#: Real limits (FACTS.md §6): the largest box truck (13 m) carries 22-32 t; a light truck
#: about 1.5 t; a 13.6 m trailer holds 33 pallets.
PAYLOAD_KG = (500, 32_000)
PALLETS = (1, 33)
#: Hours a truck may work in a day (Truck.max_work_s), typed in hours.
WORK_HOURS = (1, 16)
#: The most each cost may be, in fen: a day's fixed cost, a kilometre, an hour on the road.
MAX_FIXED_FEN, MAX_PER_KM_FEN, MAX_PER_HOUR_FEN = 10_000_000, 100_000, 1_000_000
#: Each cost's field (in yuan; with `_fen` after it in fen) and the most it may be, in fen.
COSTS = {
    "fixed_cost": MAX_FIXED_FEN,
    "cost_per_km": MAX_PER_KM_FEN,
    "cost_per_hour": MAX_PER_HOUR_FEN,
}
#: Truck.model is String(100).
MODEL_CHARS = 100


@dataclass(frozen=True)
class TruckFields:
    """A truck's values as checked, ready to store."""

    plate: str
    model: str
    payload_kg: int
    pallet_places: int
    hazmat_certified: bool
    tail_lift: bool
    shift_start: time
    shift_end: time
    max_work_s: int
    fixed_cost_fen: int
    cost_per_km_fen: int
    cost_per_hour_fen: int
    driver_id: int | None
    depot_site_id: int


def park_depots() -> list[Site]:
    """The park operator's sites, by name: where a truck may be based."""
    return list(
        db.session.scalars(
            sa.select(Site)
            .join(Organisation, Site.organisation_id == Organisation.id)
            .where(Organisation.kind == OrgKind.PARK_OPERATOR)
            .order_by(Site.name, Site.id)
        )
    )


def park_drivers() -> list[User]:
    """The park's enabled users with the driver role, by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Organisation, User.organisation_id == Organisation.id)
            .where(
                User.role == Role.DRIVER,
                User.enabled.is_(True),
                Organisation.kind == OrgKind.PARK_OPERATOR,
            )
            .order_by(User.name, User.id)
        )
    )


def _plate(raw) -> str:
    typed = typed_text(raw, "plate")
    if not typed:
        raise Invalid(_l("Enter the truck's plate, such as %(e)s.", e=EXAMPLE), field="plate")
    plate = canonical_plate(typed)
    if plate is None:
        raise Invalid(
            _l(
                "This is not a Chinese plate: a province's character, the city's letter, "
                "then 5 letters or digits (6 on a new-energy plate), such as %(e)s.",
                e=EXAMPLE,
            ),
            field="plate",
        )
    return plate


def _whole(raw, field: str, limits: tuple[int, int]) -> int:
    return strict_int(raw, field, minimum=limits[0], maximum=limits[1])


def _hours(raw) -> int:
    hours = parse_amount(raw, "max_work_h", places=1, minimum=WORK_HOURS[0], maximum=WORK_HOURS[1])
    return int(hours * Decimal(3600))


def _money(raw, field: str, most_fen: int) -> int:
    typed = raw if str(raw or "").strip() else "0"  # left empty: no such cost
    return money_to_fen(typed, field, allow_zero=True, maximum_fen=most_fen)


def _driver(raw) -> int | None:
    chosen = chosen_id(raw, "driver_id", _l("No such driver."))
    if chosen is not None and chosen not in {d.id for d in park_drivers()}:
        raise Invalid(_l("Choose one of the park's drivers."), field="driver_id")
    return chosen


def _depot(raw) -> int:
    chosen = chosen_id(raw, "depot_site_id", _l("No such depot."))
    if chosen is None or chosen not in {s.id for s in park_depots()}:
        raise Invalid(_l("Choose one of the park's sites as the depot."), field="depot_site_id")
    return chosen


def _fen(raw, field: str, most_fen: int) -> int:
    typed = raw if str(raw if raw is not None else "").strip() else "0"  # none: no such cost
    return strict_int(typed, field, minimum=0, maximum=most_fen)


def read_fields(form, *, fen: bool = False) -> TruckFields:
    """The form's fields checked; FieldsRefused naming every refused field. The costs are
    typed in yuan (`fixed_cost`, ...), or with `fen` whole fen (`fixed_cost_fen`, ...)."""
    check = FieldChecks()
    money, unit = (_fen, "_fen") if fen else (_money, "")
    plate = check(_plate, form.get("plate"))
    model = check(limited_text, form.get("model"), "model", MODEL_CHARS)
    payload = check(_whole, form.get("payload_kg"), "payload_kg", PAYLOAD_KG)
    pallets = check(_whole, form.get("pallet_places"), "pallet_places", PALLETS)
    start = check(strict_time, form.get("shift_start"), "shift_start")
    end = check(strict_time, form.get("shift_end"), "shift_end")
    if start is not None and end is not None and end <= start:
        check.refused["shift_end"] = _l(
            "The shift ends after it starts, on the same day: a truck is planned one day at a "
            "time, so a night shift is entered as ending at 23:59 (the next morning is the "
            "next day's shift)."
        )
    work_s = check(_hours, form.get("max_work_h"))
    costs = [
        check(money, form.get(f"{name}{unit}"), f"{name}{unit}", most)
        for name, most in COSTS.items()
    ]
    driver = check(_driver, form.get("driver_id"))
    depot = check(_depot, form.get("depot_site_id"))
    check.done()
    return TruckFields(
        plate, model, payload, pallets,  # type: ignore[arg-type]
        _ticked(form.get("hazmat_certified")), _ticked(form.get("tail_lift")),
        start, end, work_s, *costs, driver, depot,  # type: ignore[arg-type]
    )  # fmt: skip


def _ticked(raw) -> bool:
    return str(raw or "").strip().lower() in {"1", "on", "true", "yes", "y"}
