"""Labels and number formats for passports, traceability and the dashboard."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from lithloop import labels
from lithloop.i18n import money

STATE_LABELS = labels.PACK_STATE


def state_label(state: str) -> str:
    """A pack state's name in the current language."""
    return labels.label(labels.PACK_STATE, state)


def event_label(kind: str) -> str:
    """A pack event kind's name in the current language."""
    return labels.label(labels.PACK_EVENT, kind)


#: The names of an event's details (its data keys).
DETAIL_KEYS = {
    "aging_until": _l("Aging until"),
    "booking": _l("Booking"),
    "booking_id": _l("Booking"),
    "buyer_org_id": _l("Buyer"),
    "from": _l("From"),
    "grade": _l("Grade"),
    "index_version": _l("Price index"),
    "into": _l("Into"),
    "line_id": _l("Order line"),
    "measured_kg": _l("Measured (kg)"),
    "note": _l("Note"),
    "order_id": _l("Order"),
    "pack_kg": _l("Pack mass (kg)"),
    "parents": _l("Parents"),
    "price_fen": _l("Price"),
    "reason": _l("Reason"),
    "retest_id": _l("Retest"),
    "to": _l("To"),
    "warehouse": _l("Warehouse"),
}


def event_details(data: dict | None) -> list[tuple[str, str]]:
    """An event's data as (name, value) pairs in words: states and warehouses named, amounts
    in yuan, lists joined."""
    rows = []
    for key, value in (data or {}).items():
        if key.endswith("_fen") and isinstance(value, int):
            shown = money(value)
        elif isinstance(value, list):
            shown = ", ".join(str(v) for v in value)
        elif isinstance(value, str) and value in STATE_LABELS:
            shown = state_label(value)
        else:
            shown = "—" if value in (None, "") else str(value)
        rows.append((str(DETAIL_KEYS.get(key, key)), shown))
    return rows


def number(value, digits: int = 1) -> str:
    """A number in the page's locale (zh-CN: 12,345.6), with at most `digits` decimals."""
    if value is None:
        return "—"
    if isinstance(value, float):
        value = Decimal(str(value))
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern)


def init_templates(app) -> None:
    """Expose the labels and the `decimal` filter to templates."""
    app.jinja_env.globals.update(
        state_label=state_label, event_label=event_label, event_details=event_details
    )
    app.jinja_env.filters["decimal"] = number
