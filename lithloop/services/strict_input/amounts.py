"""Quantities, prices and money people type: `1,234.50`, `¥1,234`, full-width digits.

A comma in an amount is a thousands separator only in groups of three (`1,234.50`); `0,5`
is refused, never read as 5. Money is yuan with at most two decimals, or integer fen.
"""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from lithloop.services.errors import Invalid
from lithloop.services.strict_input.numbers import bounds, typed_number
from lithloop.services.strict_input.text import clean

AMOUNT_RE = re.compile(r"[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)")
#: A number in exponent form (1e12, 2.5E3): read to say how it stands, never taken.
EXPONENT_RE = re.compile(r"[+-]?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})[eE][+-]?[0-9]{1,7}")
#: The largest amount a money field accepts: 100 billion yuan, in fen well inside BIGINT.
MAX_MONEY_FEN = 10**13


def parse_amount(
    raw,
    field: str,
    *,
    places: int = 6,
    minimum: Decimal | int | None = None,
    maximum: Decimal | int | None = None,
    message=None,
    too_large=None,
) -> Decimal:
    """A quantity or price people type: `1234.5`, `1,234.5`, `-3`, with at most `places`
    decimals and 15 digits before the point. `message` replaces the generic one for text
    that is not a number, `too_large` the one for a number above `maximum` (which names it).
    A number in exponent form (1e12) is not taken: above `maximum` it is told too large,
    else to be written out in digits (never "enter a number": it is one).

    A comma is a thousands separator only between groups of three digits; `0,5` or `1,2345`
    are refused with a message (a European decimal comma must not become a larger number).
    A Chinese keyboard's full-width digits and signs (１，２３４．５) are read as ASCII."""
    text = typed_number(raw)
    if EXPONENT_RE.fullmatch(text):
        _check_range(Decimal(text), field, minimum, maximum, too_large)
        raise Invalid(
            _l("Write the number out in digits, such as 1000 rather than 1e3."), field=field
        )
    if not AMOUNT_RE.fullmatch(text):
        if "," in text and text.replace(",", "").replace(".", "").isascii():
            raise Invalid(
                _l("Use a point for decimals; a comma only separates thousands (1,234.50)."),
                field=field,
            )
        raise Invalid(
            message or _l("Enter a number such as 1234.50 (digits 0-9, a point for decimals)."),
            field=field,
        )
    whole, _, fraction = text.replace(",", "").lstrip("+-").partition(".")
    if len(whole) > 15:  # beyond a field's range, say that range (not a digit count)
        _check_range(Decimal(text.replace(",", "")), field, minimum, maximum, too_large)
    if len(whole) > 15 or len(fraction) > places:
        raise Invalid(
            _l("Enter at most 15 digits before the point and %(n)s after it.", n=places),
            field=field,
        )
    value = Decimal(text.replace(",", ""))
    _check_range(value, field, minimum, maximum, too_large)
    return value


#: A unit of kilograms typed after a mass (full-width folded, any case): read as kg.
KILOGRAMS = frozenset({"kg", "kgs", "千克", "公斤", "㎏"})
#: Other units of mass typed after a number: refused, asking for the mass in kg.
OTHER_MASS_UNITS = frozenset(
    {"t", "ton", "tons", "tonne", "tonnes", "吨", "公吨", "g", "gram", "grams", "克", "mg"}
    | {"lb", "lbs", "斤", "市斤", "两"}
)
_UNIT_AFTER = re.compile(r"(.*?[0-9.])\s*([^\W\d_]+|㎏)\s*", re.S)


def parse_kilograms(raw, field: str, **kwargs) -> Decimal:
    """parse_amount of a mass in kg, which may be typed with its unit after it ("335 kg",
    "335千克", "335 公斤"); another unit of mass (t, 吨, g, 克, 斤) is refused asking for kg,
    never read as kg."""
    text = typed_number(raw)
    found = _UNIT_AFTER.fullmatch(text)
    if found:
        unit = found.group(2).lower()
        if unit in KILOGRAMS:
            text = found.group(1)
        elif unit in OTHER_MASS_UNITS:
            raise Invalid(
                _l(
                    "Enter the mass in kg, such as 335 or 335 kg: tonnes, grams and other "
                    "units are not read."
                ),
                field=field,
            )
    return parse_amount(text, field, **kwargs)


def _check_range(value: Decimal, field: str, minimum, maximum, too_large) -> None:
    if maximum is not None and value > maximum and (minimum is None or too_large is not None):
        raise Invalid(
            too_large or _l("This is too large: enter at most %(hi)s.", hi=f"{maximum:,f}"),
            field=field,
        )
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise Invalid(
            _l("Enter a number between %(lo)s and %(hi)s.", **bounds(minimum, maximum)),
            field=field,
        )


def optional_amount(raw, field: str, **kwargs) -> Decimal | None:
    """parse_amount, or None when left empty."""
    return None if clean(raw) == "" else parse_amount(raw, field, **kwargs)


def parse_money(
    raw, field: str, *, allow_zero: bool = False, maximum_fen: int = MAX_MONEY_FEN, message=None
) -> Decimal:
    """Yuan as a Decimal with at most two decimals: `1234.5`, `1,234.50`, `¥1,234` (the
    comma rule of parse_amount); above 0 unless allow_zero, at most maximum_fen. `message`
    replaces the generic one for text that is not an amount."""
    text = clean(raw).lstrip("¥￥").strip()
    if not text:
        raise Invalid(message or _l("Enter an amount."), field=field)
    if text.startswith(("-", "+")):
        raise Invalid(_l("Enter an amount of 0 or more."), field=field)
    value = parse_amount(text, field, places=2, message=message)
    if value * 100 > maximum_fen or (value == 0 and not allow_zero):
        most = f"{maximum_fen // 100:,}"
        raise Invalid(_l("Enter an amount between 0.01 and %(max)s yuan.", max=most), field=field)
    return value


def money_to_fen(raw, field: str, **kwargs) -> int:
    """parse_money as integer fen."""
    return int(parse_money(raw, field, **kwargs) * 100)


def optional_money_fen(raw, field: str, **kwargs) -> int | None:
    """money_to_fen, or None when left empty."""
    return None if clean(raw).lstrip("¥￥").strip() == "" else money_to_fen(raw, field, **kwargs)
