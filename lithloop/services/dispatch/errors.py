"""The error codes of dispatch: the stable `code` of each ServiceError its use cases raise."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Stable error codes of dispatch; the API answers with the value."""

    ALREADY_RECORDED = "already_recorded"
    BOOKING_CHANGED = "booking_changed"
    BOOKINGS_HELD = "bookings_held"
    CHANGED_MEANWHILE = "changed_meanwhile"
    DAY_FULL = "day_full"
    INFEASIBLE_MOVE = "infeasible_move"
    NOTHING_TO_PLAN = "nothing_to_plan"
    NOT_DELIVERABLE = "not_deliverable"
    NOT_DRAFT = "not_draft"
    NOT_MOVABLE = "not_movable"
    NOT_PUBLISHED = "not_published"
    ORG_NOT_APPROVED = "org_not_approved"
    NOT_REQUESTED = "not_requested"
    NOT_SCHEDULED = "not_scheduled"
    NOT_TODAY = "not_today"
    NO_DRIVER = "no_driver"
    NO_ROOM = "no_room"
    PAST_DAY = "past_day"
    PLATE_TAKEN = "plate_taken"
    PUBLISHED_MEANWHILE = "published_meanwhile"
    RUN_ENDED = "run_ended"
    RUN_NOT_STARTED = "run_not_started"
    TRUCK_IN_PLAN = "truck_in_plan"
    TRUCK_RETIRED = "truck_retired"
    RUN_IN_PROGRESS = "run_in_progress"
    SHIPPED_ON_TRUCK = "shipped_on_truck"
    UNDER_WAY = "under_way"
