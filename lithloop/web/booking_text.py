"""Display names for booking statuses, SP376 damage items and weekdays."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from lithloop.services.booking.status_words import STATUS

DAMAGE = {
    "leaking_venting": _l("Leaking or venting"),
    "deformed": _l("Deformed"),
    "bms_damaged": _l("Battery management system damaged"),
    "cannot_diagnose": _l("Cannot be diagnosed"),
}
RUN_STATUS = {
    "queued": _l("Queued"),
    "running": _l("Running"),
    "succeeded": _l("Finished"),
    "failed": _l("Failed"),
    "cancelled": _l("Cancelled"),
}
PLAN_STATUS = {"draft": _l("Draft"), "published": _l("Published"), "superseded": _l("Superseded")}
REASONS = {
    "skill_missing": _l("No truck has the required skill (dangerous goods) free that day."),
    "capacity_exceeded": _l("The lot is heavier than any truck can carry."),
    "window_unreachable": _l("The time window cannot be reached from the park within a shift."),
    "out_of_range": _l("The site is beyond the trucks' range in a working day."),
    "day_full": _l("The day is full (capacity or time): move it to another day."),
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


def reason_text(code: str, fallback: str) -> str:
    """Why a booking was left out of a plan, in the page's language."""
    return str(REASONS[code]) if code in REASONS else fallback


def init_templates(app) -> None:
    """Expose the labels to templates."""
    app.jinja_env.globals.update(
        status_label=status_label,
        damage_label=damage_label,
        weekday=weekday,
        run_status=lambda v: str(RUN_STATUS.get(v, v)),
        plan_status=lambda v: str(PLAN_STATUS.get(v, v)),
        reason_text=reason_text,
        has_endpoint=lambda name: name in app.view_functions,
    )
