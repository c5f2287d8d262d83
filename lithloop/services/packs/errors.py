"""The error codes of packs: the stable `code` of each ServiceError its use cases raise."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Stable error codes of packs; the API answers with the value."""

    ALREADY_REPORTED = "already_reported"
    BAD_TRANSITION = "bad_transition"
    BATCH_CHANGED = "batch_changed"
