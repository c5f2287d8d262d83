"""Whole numbers and decimals from decimal digits, finite and bounded.

Digits are ASCII, or a Chinese keyboard's full-width digits in a number typed in a box
(１０ reads 10, １２.５ reads 12.5; a link's page number or a hidden id takes ASCII only);
superscripts and other scripts' digits (`²`, `٣`, which pass `str.isdigit()`) are refused;
numbers are finite and bounded (no NaN, inf, 1e999999, nor a 5,000-digit integer), and a
whole number beyond its range is told too large (or too small), never "not a whole number".
"""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from lithloop.batteries.codes import fold_full_width
from lithloop.services.errors import Invalid
from lithloop.services.strict_input.text import clean

#: Invisible characters a paste brings into a number (zero-width space, non-joiner and
#: joiner, word joiner, byte-order mark): dropped from a typed number, as nothing shows
#: them. A direction control (U+202E, which turns the text around) is not among them: a
#: number with one stays refused.
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))

INT_RE = re.compile(r"[+-]?[0-9]{1,18}")
LONG_INT_RE = re.compile(r"[+-]?[0-9]{19,}")
#: Digits of any length with an optional sign: a whole number, though maybe beyond a range.
ANY_INT_RE = re.compile(r"[+-]?[0-9]+")
DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]{1,15}(?:\.[0-9]{0,6})?|\.[0-9]{1,6})")
LONG_DECIMAL_RE = re.compile(r"[+-]?[0-9]{16,}(?:\.[0-9]*)?")
#: A number in exponent form ("1e9", "2.5E-3"): a number, refused, but told its range when
#: it lies outside it (not "enter a number", which it is).
EXPONENT_RE = re.compile(r"[+-]?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})[eE][+-]?[0-9]{1,6}")
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


def whole_number(text: str) -> int | None:
    """The integer ASCII digits spell (an optional sign, any length), else None; beyond
    30 digits ±10**30, past every range (no 5,000-digit int() to compute)."""
    if not ANY_INT_RE.fullmatch(text):
        return None
    digits = text.lstrip("+-")
    value = 10**30 if len(digits) > 30 else int(digits)
    return -value if text.startswith("-") else value


def too_large(maximum: int):
    """What a number above its field's largest value is told: too large, and that value."""
    return _l("This is too large: enter at most %(hi)s.", hi=grouped(maximum))


def in_range(value: int, field: str, minimum: int, maximum: int) -> int:
    """`value` when within [minimum, maximum]; else Invalid saying too large and the most
    allowed, or the range when too small."""
    if value > maximum:
        raise Invalid(too_large(maximum), field=field)
    if value < minimum:
        raise Invalid(
            _l("Enter a number between %(lo)s and %(hi)s.", **bounds(minimum, maximum)),
            field=field,
        )
    return value


def typed_number(raw) -> str:
    """A number typed in a box as its digits are read: stripped, a Chinese keyboard's
    full-width forms as ASCII, the zero-width characters of a paste (ZERO_WIDTH) dropped."""
    return fold_full_width(clean(raw)).translate(ZERO_WIDTH)


def strict_int(raw, field: str, *, minimum: int = 0, maximum: int = INT32_MAX) -> int:
    """A whole number in [minimum, maximum] from digits typed (an optional sign; full-width
    digits read as ASCII ones, other scripts' refused)."""
    text = typed_number(raw)
    value = whole_number(text)
    if value is None and EXPONENT_RE.fullmatch(text):  # 1e9: beyond the range, say it
        exponent = Decimal(text)
        if exponent > maximum:
            raise Invalid(too_large(maximum), field=field)
        if exponent < minimum:
            in_range(minimum - 1, field, minimum, maximum)
    if value is None:
        raise Invalid(_l("Enter a whole number (digits 0-9)."), field=field)
    return in_range(value, field, minimum, maximum)


def optional_int(raw, field: str, **bounds) -> int | None:
    """strict_int, or None when left empty."""
    return None if clean(raw) == "" else strict_int(raw, field, **bounds)


def chosen_id(raw, field: str, unknown) -> int | None:
    """The id of a thing chosen from a list (a select's value), None when left empty; for
    any value that names no row (garbled, 0 or below, beyond the database's integer: a
    changed form) Invalid with `unknown` ("No such driver."), never a limit the list hides."""
    if clean(raw) == "":
        return None
    value = whole_number(clean(raw))
    if value is None or not 1 <= value <= INT32_MAX:
        raise Invalid(unknown, field=field)
    return value


def int_or_default(raw, default: int, *, minimum: int = 0, maximum: int = INT32_MAX) -> int:
    """A whole number in range from ASCII digits, or `default` for anything else (page
    numbers, ids in links and hidden fields)."""
    value = whole_number(clean(raw))
    return value if value is not None and minimum <= value <= maximum else default


def strict_decimal(
    raw, field: str, *, minimum: Decimal | int | None = None, maximum: Decimal | int | None = None
) -> Decimal:
    """A finite decimal from ASCII or full-width digits (at most 15 before and 6 after the
    point)."""
    text = typed_number(raw)
    bounded = minimum is not None and maximum is not None
    outside = bounded and EXPONENT_RE.fullmatch(text) and not minimum <= Decimal(text) <= maximum
    if outside or (bounded and LONG_DECIMAL_RE.fullmatch(text)):  # a number, out of range
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
