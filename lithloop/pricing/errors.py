"""The one exception of the pricing engine, with machine-readable codes."""

from __future__ import annotations

from enum import StrEnum


class PricingErrorCode(StrEnum):
    """Why an input or an index was refused (stable strings for the API)."""

    UNKNOWN_CHEMISTRY = "unknown_chemistry"
    UNKNOWN_FORM = "unknown_form"
    UNKNOWN_CONDITION = "unknown_condition"
    UNKNOWN_GRADE = "unknown_grade"
    REQUIRED = "required"
    INVALID_NUMBER = "invalid_number"
    MASS_OUT_OF_RANGE = "mass_out_of_range"
    SOH_OUT_OF_RANGE = "soh_out_of_range"
    NEGATIVE_CYCLES = "negative_cycles"
    OUT_OF_RANGE = "out_of_range"
    MISSING_PRICE = "missing_price"
    MISSING_TABLE = "missing_table"
    INVALID_INDEX = "invalid_index"
    NOT_SELLABLE = "not_sellable"


class PricingError(ValueError):
    """A refused input or index: `field` names the offending input, `message` says why."""

    def __init__(self, code: PricingErrorCode, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.code = code
        self.field = field
        self.message = message

    def to_dict(self) -> dict[str, str]:
        """JSON-safe form for a 422 response."""
        return {"field": self.field, "code": self.code.value, "message": self.message}
