"""Whole numbers and decimals from ASCII digits, finite and bounded.

Digits are ASCII only (`²`, `٣` and full-width digits pass `str.isdigit()`, not here);
numbers are finite and bounded (no NaN, inf, 1e999999, nor a 5,000-digit integer).
"""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from lithloop.services.errors import Invalid
from lithloop.services.strict_input.text import clean

INT_RE = re.compile(r"[+-]?[0-9]{1,18}")
LONG_INT_RE = re.compile(r"[+-]?[0-9]{19,}")
DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]{1,15}(?:\.[0-9]{0,6})?|\.[0-9]{1,6})")
LONG_DECIMAL_RE = re.compile(r"[+-]?[0-9]{16,}(?:\.[0-9]*)?")
INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1


def grouped(number) -> str:
    """A bound as people read it: digits grouped by thousands (100000 -> 100,000)."""
    if isinstance(number, int):
        return f"{number:,}"
    return f"{number:,f}" if isinstance(number, Decimal) else str(number)


def bounds(minimum, maximum) -> dict[str, str]:
    """The lo and hi of a range message, grouped."""
    return {"lo": grouped(minimum), "hi": grouped(maximum)}


def strict_int(raw, field: str, *, minimum: int = 0, maximum: int = INT32_MAX) -> int:
    """A whole number in [minimum, maximum] from ASCII digits (an optional sign)."""
    text = clean(raw)
    if LONG_INT_RE.fullmatch(text):  # digits, only too many: out of range, not garbled
        raise Invalid(
            _l("Enter a number between %(lo)s and %(hi)s.", **bounds(minimum, maximum)),
            field=field,
        )
    if not INT_RE.fullmatch(text):
        raise Invalid(_l("Enter a whole number (digits 0-9)."), field=field)
    value = int(text)
    if not minimum <= value <= maximum:
        raise Invalid(
            _l("Enter a number between %(lo)s and %(hi)s.", **bounds(minimum, maximum)),
            field=field,
        )
    return value


def optional_int(raw, field: str, **bounds) -> int | None:
    """strict_int, or None when left empty."""
    return None if clean(raw) == "" else strict_int(raw, field, **bounds)


def int_or_default(raw, default: int, *, minimum: int = 0, maximum: int = INT32_MAX) -> int:
    """A whole number in range, or `default` for anything else (page numbers, filters)."""
    text = clean(raw)
    if not INT_RE.fullmatch(text):
        return default
    value = int(text)
    return value if minimum <= value <= maximum else default


def strict_decimal(
    raw, field: str, *, minimum: Decimal | int | None = None, maximum: Decimal | int | None = None
) -> Decimal:
    """A finite decimal from ASCII digits (at most 15 before and 6 after the point)."""
    text = clean(raw)
    bounded = minimum is not None and maximum is not None
    if bounded and LONG_DECIMAL_RE.fullmatch(text):  # a number, only too long: out of range
        raise Invalid(
            _l("Enter a number between %(lo)s and %(hi)s.", **bounds(minimum, maximum)),
            field=field,
        )
    if not DECIMAL_RE.fullmatch(text):
        raise Invalid(
            _l("Enter a number such as 12.5 (digits 0-9, a point for decimals)."), field=field
        )
    value = Decimal(text)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise Invalid(
            _l("Enter a number between %(lo)s and %(hi)s.", **bounds(minimum, maximum)),
            field=field,
        )
    return value


def optional_decimal(raw, field: str, **bounds) -> Decimal | None:
    """strict_decimal, or None when left empty."""
    return None if clean(raw) == "" else strict_decimal(raw, field, **bounds)


def decimal_or_none(raw, *, minimum=None, maximum=None) -> Decimal | None:
    """A decimal in range, or None for anything else (a filter left empty or garbled)."""
    try:
        return strict_decimal(raw, "", minimum=minimum, maximum=maximum)
    except Invalid:
        return None
