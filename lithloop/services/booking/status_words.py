"""A booking's status in words (pages, letters and the API's labels share this table)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS = {
    "requested": _l("Requested"),
    "scheduled": _l("Scheduled"),
    "picked_up": _l("Picked up"),
    "received": _l("Received"),
    "settled": _l("Settled"),
    "cancelled": _l("Cancelled"),
}

#: Why a booking was left out of a plan (the solver's reason codes), in words.
LEFT_OUT_REASONS = {
    "skill_missing": _l("No truck has the required skill (dangerous goods) free that day."),
    "capacity_exceeded": _l("The lot is heavier than any truck can carry."),
    "window_unreachable": _l("The time window cannot be reached from the park within a shift."),
    "out_of_range": _l("The site is beyond the trucks' range in a working day."),
    "day_full": _l("The day is full (capacity or time): move it to another day."),
}
