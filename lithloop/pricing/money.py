"""Decimal and fen helpers: the single rounding rule of the engine lives here.

Rounding rule: every line amount is computed exactly in Decimal (CNY) and rounded ONCE,
ROUND_HALF_UP (half away from zero) to the fen; totals are integer sums of line amounts.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lithloop.pricing.errors import PricingError, PricingErrorCode

FEN_PER_CNY = 100
_ONE = Decimal(1)


def to_fen(cny: Decimal) -> int:
    """Round an exact CNY amount to integer fen, ROUND_HALF_UP (the engine's only rounding)."""
    return int((cny * FEN_PER_CNY).quantize(_ONE, rounding=ROUND_HALF_UP))


def fen_to_cny(fen: int) -> Decimal:
    """Exact CNY value of an integer number of fen."""
    return Decimal(fen) / FEN_PER_CNY


def as_decimal(value: object, field: str) -> Decimal:
    """Coerce an input quantity (int, str, Decimal; float via its repr) to a finite Decimal."""
    if isinstance(value, bool):
        raise PricingError(PricingErrorCode.INVALID_NUMBER, field, "expected a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | float | str):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise PricingError(
                PricingErrorCode.INVALID_NUMBER, field, f"not a number: {value!r}"
            ) from None
    else:
        raise PricingError(PricingErrorCode.INVALID_NUMBER, field, "expected a number")
    if not result.is_finite():
        raise PricingError(PricingErrorCode.INVALID_NUMBER, field, "must be a finite number")
    return result


def as_int(value: object, field: str) -> int:
    """Coerce an input count (int or an integral str/Decimal) to int; floats are refused."""
    if isinstance(value, bool) or isinstance(value, float):
        raise PricingError(PricingErrorCode.INVALID_NUMBER, field, "expected a whole number")
    if isinstance(value, int):
        return value
    number = as_decimal(value, field)
    if number != number.to_integral_value():
        raise PricingError(PricingErrorCode.INVALID_NUMBER, field, "expected a whole number")
    return int(number)


def format_cny(fen: int) -> str:
    """Plain English money text, e.g. -1234567 -> '-12,345.67 CNY'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_CNY)
    return f"{sign}{whole:,}.{cents:02d} CNY"
