"""Labels and number formats for passports, traceability and the dashboard."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from lithloop import labels
from lithloop.i18n import listed, money

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
    "batch": _l("Dismantling batch"),
    "booking": _l("Booking"),
    "booking_id": _l("Booking"),
    "buyer_org_id": _l("Buyer"),
    "capacity_ah": _l("Capacity (Ah)"),
    "cycle_count": _l("Cycles"),
    "damaged": _l("Damaged (scrap)"),
    "decision": _l("Decision"),
    "from": _l("From"),
    "grade": _l("Grade"),
    "index_version": _l("Price index"),
    "insulation_ok": _l("Insulation"),
    "into": _l("Into"),
    "kind": _l("Kind"),
    "line": _l("Line"),
    "line_id": _l("Order line"),
    "lot": _l("Booking lot"),  # apart from the dismantling batch a pack goes into
    "margin_fen": _l("Margin over recycling"),
    "measured_kg": _l("Measured (kg)"),
    "note": _l("Note"),
    "order_id": _l("Order"),
    "pack_kg": _l("Pack mass (kg)"),
    "parents": _l("Parents"),
    "plan_id": _l("Plan"),
    "plan_route_id": _l("Route"),
    "price_fen": _l("Price"),
    "reason": _l("Reason"),
    "retest_id": _l("Retest"),
    "soh_pct": _l("State of health"),
    "to": _l("To"),
    "truck": _l("Truck"),
    "vehicle_plate": _l("Vehicle"),
    "warehouse": _l("Warehouse"),
}
#: Words for the values of some details (the stored value is a code).
DETAIL_VALUES = {
    "insulation_ok": {True: _l("pass"), False: _l("fail")},
    "kind": {"intake": _l("Intake test"), "retest": _l("Retest"), "final": _l("Final test")},
    "decision": {"refurbish": _l("Second life"), "recycle": _l("Recycle")},
}


#: Details naming a booking, an order or a dismantling batch by its number.
NUMBERED = ("booking", "booking_id", "order_id", "batch")
#: Details kept for the record but not shown: row ids no page names (the retest is the
#: chain's row just before; a route is named R<n> on its own, as on its documents).
HIDDEN = frozenset({"retest_id", "plan_id"})


def _shown(key: str, value) -> str:
    words = DETAIL_VALUES.get(key, {})
    if isinstance(value, bool | str) and value in words:
        return str(words[value])
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if key.endswith("_fen") and isinstance(value, int):  # on one line: "-" then "¥1,040.59"
        return Markup('<span class="money">{}</span>').format(money(value))
    if key == "lot" and isinstance(value, int):
        return str(value + 1)  # stored from 0, counted from 1 on the booking
    if key in NUMBERED and isinstance(value, int) and not isinstance(value, bool):
        return f"#{value}"  # as the booking and the order are named on every page
    if key == "plan_route_id" and isinstance(value, int) and not isinstance(value, bool):
        return f"R{value}"  # as the manifest and the dangerous-goods document name it
    if key == "line" and isinstance(value, int) and not isinstance(value, bool):
        return str(_l("Line %(n)s", n=value))  # "Line 1" in the page language, as on the lines page
    if key.endswith("_kg") and isinstance(value, int | str):
        try:
            return number(Decimal(str(value)), 2)  # 6,208.8 as on the booking's history
        except ArithmeticError:
            pass
    if isinstance(value, list):
        return str(listed([str(v) for v in value]))
    if isinstance(value, str) and value in STATE_LABELS:
        return state_label(value)
    return "—" if value in (None, "") else str(value)


def event_details(data: dict | None) -> list[tuple[str, str]]:
    """An event's data as (name, value) pairs in words: states, warehouses, decisions and
    test kinds named, yes/no for flags, amounts in yuan, lists joined, routes as R<n> and
    lines as on the lines page; row ids no page names (HIDDEN) left out."""
    return [
        (str(DETAIL_KEYS.get(k, k)), _shown(k, v))
        for k, v in (data or {}).items()
        if k not in HIDDEN
    ]


def test_kind(kind: str) -> str:
    """A pack test's kind in words (intake, retest, or the final test of an assembled pack)."""
    return _shown("kind", kind)


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
        state_label=state_label,
        event_label=event_label,
        event_details=event_details,
        test_kind=test_kind,
    )
    app.jinja_env.filters["decimal"] = number
