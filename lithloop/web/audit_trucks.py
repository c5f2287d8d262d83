"""A truck change's audit details in words: the form's labels and values as people typed them.

`truck.change` records the changed fields as stored (`{"payload_kg": "8000", ...}`): field
names, fen, seconds and True/False, which the audit page showed as they are.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lithloop.i18n import money

#: The truck form's labels, by stored field (TruckFields).
FIELDS = {
    "plate": _l("Plate"),
    "model": _l("Model"),
    "payload_kg": _l("Payload (kg)"),
    "pallet_places": _l("Pallet places"),
    "hazmat_certified": _l("Certified for dangerous goods (class 9, ADR / JT/T 617)"),
    "tail_lift": _l("Tail lift"),
    "shift_start": _l("Shift starts"),
    "shift_end": _l("Shift ends"),
    "max_work_s": _l("Most working hours a day"),
    "fixed_cost_fen": _l("A day out (yuan)"),
    "cost_per_km_fen": _l("Per km (yuan)"),
    "cost_per_hour_fen": _l("Per hour on the road (yuan)"),
    "driver_id": _l("Regular driver"),
    "depot_site_id": _l("Depot"),
}


def _value(field: str, value: str, names: dict) -> str:
    if value in ("True", "False"):
        return str(_l("yes") if value == "True" else _l("no"))
    if value in ("None", ""):
        return str(_l("— nobody —")) if field == "driver_id" else "—"
    if field.endswith("_fen") and value.lstrip("-").isdigit():
        return money(int(value))
    if field == "max_work_s" and value.isdigit():
        return f"{int(value) / 3600:g}"
    if field in ("shift_start", "shift_end"):
        return value[:5]  # 07:00:00 -> 07:00
    if field in ("driver_id", "depot_site_id"):  # #id only for one gone since
        return names.get(field, {}).get(value) or f"#{value}"
    return value


def is_truck_change(value: dict) -> bool:
    """True when a details mapping is a truck's changed fields."""
    return bool(value) and all(key in FIELDS for key in value)


def truck_change_words(value: dict, names: dict | None = None) -> str:
    """The changed fields as "label value; label value"; the driver and depot by name, from
    `names` (services.accounts.audit.truck_change_names, read once for the page)."""
    return "; ".join(f"{FIELDS[k]} {_value(k, str(v), names or {})}" for k, v in value.items())
