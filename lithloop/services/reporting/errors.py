"""The error codes of reporting: the stable `code` of each ServiceError its use cases raise."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Stable error codes of reporting; the API answers with the value."""
