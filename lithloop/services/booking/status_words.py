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
