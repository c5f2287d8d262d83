"""The error codes of plant: the stable `code` of each ServiceError its use cases raise."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Stable error codes of plant; the API answers with the value."""

    ALREADY_RECEIVED = "already_received"
    ALREADY_SENT = "already_sent"
    ALREADY_SETTLED = "already_settled"
    BAD_MOVE = "bad_move"
    BATCH_CLOSED = "batch_closed"
    BATCH_EMPTY = "batch_empty"
    CODE_EXISTS = "code_exists"
    CONFLICT = "conflict"
    ENERGY_MISMATCH = "energy_mismatch"
    FAILED_RETEST = "failed_retest"
    LINE_BUSY = "line_busy"
    LINE_USED = "line_used"
    LOSS_UNCONFIRMED = "loss_unconfirmed"
    NOT_GRADED = "not_graded"
    NOT_IN_RAW = "not_in_raw"
    NOT_PICKED_UP = "not_picked_up"
    NOT_RECEIVED = "not_received"
    NOT_SECOND_LIFE = "not_second_life"
    NOT_TESTABLE = "not_testable"
    PARENT_UNUSABLE = "parent_unusable"
    RESENT_CHANGED = "resent_changed"
    RETEST_NEEDED = "retest_needed"
    SERIALS_USED_UP = "serials_used_up"
    TOTAL_CHANGED = "total_changed"
    UNGRADED = "ungraded"
    WRONG_WAREHOUSE = "wrong_warehouse"
