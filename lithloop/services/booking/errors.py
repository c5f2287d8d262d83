"""The error codes of booking: the stable `code` of each ServiceError its use cases raise."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Stable error codes of booking; the API answers with the value."""

    ALREADY_AT_PARK = "already_at_park"
    ALREADY_BOOKED = "already_booked"
    ALREADY_REGISTERED = "already_registered"
    ALREADY_SCHEDULED = "already_scheduled"
    BAD_TRANSITION = "bad_transition"
    CHANGED_MEANWHILE = "changed_meanwhile"
    DAY_FULL = "day_full"
    DUPLICATE = "duplicate"
    DUPLICATE_ORGANISATION = "duplicate_organisation"
    DUPLICATE_USER = "duplicate_user"
    IMPORT_REFUSED = "import_refused"
    MORE_THAN_A_DAY = "more_than_a_day"
    NOT_CHANGEABLE = "not_changeable"
    PACK_BOOKED = "pack_booked"
    PACK_LOCKED = "pack_locked"
    SITE_OUT_OF_REACH = "site_out_of_reach"
