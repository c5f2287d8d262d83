"""Labels and number formats for passports, traceability and the dashboard."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from lithloop.services.packs.events import KINDS

STATE_LABELS = {
    "received": _l("Received"),
    "raw": _l("In the raw-material warehouse"),
    "aging": _l("In the aging warehouse"),
    "finished": _l("In the finished-product warehouse"),
    "reserved": _l("Reserved"),
    "sold": _l("Sold"),
    "consumed": _l("Used in a refurbished pack"),
    "dismantled": _l("Dismantled"),
}


def state_label(state: str) -> str:
    """A pack state's name in the current language."""
    return str(STATE_LABELS.get(state, state))


def event_label(kind: str) -> str:
    """A pack event kind's name in the current language."""
    return str(KINDS.get(kind, kind))


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
    app.jinja_env.globals.update(state_label=state_label, event_label=event_label)
    app.jinja_env.filters["decimal"] = number
