"""Display names for booking statuses, SP376 damage items and weekdays."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

STATUS = {
    "requested": _l("Requested"),
    "scheduled": _l("Scheduled"),
    "picked_up": _l("Picked up"),
    "received": _l("Received"),
    "settled": _l("Settled"),
    "cancelled": _l("Cancelled"),
}
DAMAGE = {
    "leaking_venting": _l("Leaking or venting"),
    "deformed": _l("Deformed"),
    "bms_damaged": _l("Battery management system damaged"),
    "cannot_diagnose": _l("Cannot be diagnosed"),
}
WEEKDAYS = [_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun")]


def status_label(value: str) -> str:
    """A booking status in the page's language."""
    return str(STATUS.get(value, value))


def damage_label(value: str) -> str:
    """An SP376 checklist item in the page's language."""
    return str(DAMAGE.get(value, value))


def weekday(day: date) -> str:
    """Short weekday name."""
    return str(WEEKDAYS[day.weekday()])


def init_templates(app) -> None:
    """Expose the labels to templates."""
    app.jinja_env.globals.update(status_label=status_label, damage_label=damage_label,
                                 weekday=weekday)
