"""Strict parsers for what people type: whole numbers, decimals, money, dates, times, phones.

One place for the rules every form and query uses, so that odd input is a 422 naming the
field instead of a 500 further down:
- digits are ASCII only (`²`, `٣` and full-width digits pass `str.isdigit()`, not here);
- numbers are finite and bounded (no NaN, inf, 1e999999, nor a 5,000-digit integer);
- a comma in an amount is a thousands separator only in groups of three (`1,234.50`);
  `0,5` is refused, never read as 5;
- dates are ISO `YYYY-MM-DD` within a bounded range (no year 9999 to overflow on `+ 1 day`);
- times are naive `HH:MM` (a time zone such as `09:00+08:00` is refused, not compared);
- text made only of invisible characters (a direction mark such as U+202E, a zero-width
  space) is refused: it looks empty on the page and is not;
- phone numbers hold 7 to 15 digits (E.164's most), spaces, hyphens, dots or brackets
  between them, a leading + and an extension (转 / ext); a Chinese keyboard's full-width
  digits are read as digits.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from lithloop.batteries.codes import fold_full_width
from lithloop.services.errors import Invalid

INT_RE = re.compile(r"[+-]?[0-9]{1,18}")
LONG_INT_RE = re.compile(r"[+-]?[0-9]{19,}")
DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]{1,15}(?:\.[0-9]{0,6})?|\.[0-9]{1,6})")
LONG_DECIMAL_RE = re.compile(r"[+-]?[0-9]{16,}(?:\.[0-9]*)?")
AMOUNT_RE = re.compile(r"[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)")
#: A number in exponent form (1e12, 2.5E3): read to say how it stands, never taken.
EXPONENT_RE = re.compile(r"[+-]?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})[eE][+-]?[0-9]{1,7}")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TIME_RE = re.compile(r"[0-9]{2}:[0-9]{2}(?::[0-9]{2})?")
PHONE_RE = re.compile(
    r"(\(?\+?[0-9(][0-9 ().-]*[0-9])(?:\s*(?:转|分机|ext\.?|x)\s*[0-9]{1,6})?", re.I
)
PHONE_MAX = 40  # the columns' length
INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1
#: Dates people may type: far enough for planning and history, never near the year 9999.
FIRST_DATE, LAST_DATE = date(1970, 1, 1), date(2199, 12, 31)
#: The largest amount a money field accepts: 100 billion yuan, in fen well inside BIGINT.
MAX_MONEY_FEN = 10**13


def _grouped(number) -> str:
    """A bound as people read it: digits grouped by thousands (100000 -> 100,000)."""
    if isinstance(number, int):
        return f"{number:,}"
    return f"{number:,f}" if isinstance(number, Decimal) else str(number)


def _bounds(minimum, maximum) -> dict[str, str]:
    """The lo and hi of a range message, grouped."""
    return {"lo": _grouped(minimum), "hi": _grouped(maximum)}


def _clean(raw) -> str:
    return "" if raw is None else str(raw).strip()


_INVISIBLE = ("Cc", "Cf", "Zs", "Zl", "Zp")  # controls, U+202E, U+200F, U+200B, spaces


def check_visible(text: str, field: str) -> str:
    """The text, unless made only of characters nobody sees: then Invalid naming `field`."""
    if text and all(unicodedata.category(c) in _INVISIBLE for c in text):
        message = _l("This holds only invisible characters; type it with letters or digits.")
        raise Invalid(message, field=field)
    return text


def strict_int(raw, field: str, *, minimum: int = 0, maximum: int = INT32_MAX) -> int:
    """A whole number in [minimum, maximum] from ASCII digits (an optional sign)."""
    text = _clean(raw)
    if LONG_INT_RE.fullmatch(text):  # digits, only too many: out of range, not garbled
        raise Invalid(
            _l("Enter a number between %(lo)s and %(hi)s.", **_bounds(minimum, maximum)),
            field=field,
        )
    if not INT_RE.fullmatch(text):
        raise Invalid(_l("Enter a whole number (digits 0-9)."), field=field)
    value = int(text)
    if not minimum <= value <= maximum:
        raise Invalid(
            _l("Enter a number between %(lo)s and %(hi)s.", **_bounds(minimum, maximum)),
            field=field,
        )
    return value


def optional_int(raw, field: str, **bounds) -> int | None:
    """strict_int, or None when left empty."""
    return None if _clean(raw) == "" else strict_int(raw, field, **bounds)


def int_or_default(raw, default: int, *, minimum: int = 0, maximum: int = INT32_MAX) -> int:
    """A whole number in range, or `default` for anything else (page numbers, filters)."""
    text = _clean(raw)
    if not INT_RE.fullmatch(text):
        return default
    value = int(text)
    return value if minimum <= value <= maximum else default


def strict_decimal(
    raw, field: str, *, minimum: Decimal | int | None = None, maximum: Decimal | int | None = None
) -> Decimal:
    """A finite decimal from ASCII digits (at most 15 before and 6 after the point)."""
    text = _clean(raw)
    bounded = minimum is not None and maximum is not None
    if bounded and LONG_DECIMAL_RE.fullmatch(text):  # a number, only too long: out of range
        raise Invalid(
            _l("Enter a number between %(lo)s and %(hi)s.", **_bounds(minimum, maximum)),
            field=field,
        )
    if not DECIMAL_RE.fullmatch(text):
        raise Invalid(
            _l("Enter a number such as 12.5 (digits 0-9, a point for decimals)."), field=field
        )
    value = Decimal(text)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise Invalid(
            _l("Enter a number between %(lo)s and %(hi)s.", **_bounds(minimum, maximum)),
            field=field,
        )
    return value


def optional_decimal(raw, field: str, **bounds) -> Decimal | None:
    """strict_decimal, or None when left empty."""
    return None if _clean(raw) == "" else strict_decimal(raw, field, **bounds)


def decimal_or_none(raw, *, minimum=None, maximum=None) -> Decimal | None:
    """A decimal in range, or None for anything else (a filter left empty or garbled)."""
    try:
        return strict_decimal(raw, "", minimum=minimum, maximum=maximum)
    except Invalid:
        return None


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
    text = fold_full_width(_clean(raw))
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
    if len(whole) > 15 or len(fraction) > places:
        raise Invalid(
            _l("Enter at most 15 digits before the point and %(n)s after it.", n=places),
            field=field,
        )
    value = Decimal(text.replace(",", ""))
    _check_range(value, field, minimum, maximum, too_large)
    return value


def _check_range(value: Decimal, field: str, minimum, maximum, too_large) -> None:
    if maximum is not None and value > maximum and (minimum is None or too_large is not None):
        raise Invalid(
            too_large or _l("This is too large: enter at most %(hi)s.", hi=f"{maximum:,f}"),
            field=field,
        )
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise Invalid(
            _l("Enter a number between %(lo)s and %(hi)s.", **_bounds(minimum, maximum)),
            field=field,
        )


def optional_amount(raw, field: str, **kwargs) -> Decimal | None:
    """parse_amount, or None when left empty."""
    return None if _clean(raw) == "" else parse_amount(raw, field, **kwargs)


def parse_money(
    raw, field: str, *, allow_zero: bool = False, maximum_fen: int = MAX_MONEY_FEN, message=None
) -> Decimal:
    """Yuan as a Decimal with at most two decimals: `1234.5`, `1,234.50`, `¥1,234` (the
    comma rule of parse_amount); above 0 unless allow_zero, at most maximum_fen. `message`
    replaces the generic one for text that is not an amount."""
    text = _clean(raw).lstrip("¥￥").strip()
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
    return None if _clean(raw).lstrip("¥￥").strip() == "" else money_to_fen(raw, field, **kwargs)


def strict_date(
    raw, field: str, *, first: date = FIRST_DATE, last: date = LAST_DATE, message=None
) -> date:
    """An ISO date YYYY-MM-DD between `first` and `last` (`message` for a malformed one)."""
    text = _clean(raw)
    try:
        if not DATE_RE.fullmatch(text):
            raise ValueError(text)
        value = date.fromisoformat(text)
    except ValueError:
        raise Invalid(message or _l("Enter a date as YYYY-MM-DD."), field=field) from None
    if not first <= value <= last:
        raise Invalid(
            _l("Enter a date between %(a)s and %(b)s.", a=first.isoformat(), b=last.isoformat()),
            field=field,
        )
    return value


def date_or_none(raw) -> date | None:
    """strict_date, or None for anything else (a filter)."""
    try:
        return strict_date(raw, "")
    except Invalid:
        return None


def strict_time(raw, field: str, message=None) -> time:
    """A naive clock time HH:MM (or HH:MM:SS); a time zone or an offset is refused."""
    text = _clean(raw)
    try:
        if not TIME_RE.fullmatch(text):
            raise ValueError(text)
        return time.fromisoformat(text)
    except ValueError:
        raise Invalid(message or _l("Enter a time as HH:MM, e.g. 09:30."), field=field) from None


def phone_number(raw, field: str, *, required_message=None) -> str:
    """A phone number as typed (full-width characters read as ASCII, runs of spaces as one),
    or "" when blank and no `required_message` is given; else Invalid naming `field`."""
    text = " ".join(unicodedata.normalize("NFKC", check_visible(_clean(raw), field)).split())
    if not text:
        if required_message is not None:
            raise Invalid(required_message, field=field)
        return ""
    match = PHONE_RE.fullmatch(text)
    digits = sum(c.isdigit() for c in match.group(1)) if match else 0
    if not 7 <= digits <= 15 or len(text) > PHONE_MAX:
        raise Invalid(
            _l("Enter a phone number: 7 to 15 digits, such as 13904531234 or 0453-6123456."),
            field=field,
        )
    return text


def limited_text(raw, field: str, limit: int) -> str:
    """Typed text, stripped, its line breaks as one character each; Invalid naming `field`
    (the limit and the typed length, digits grouped) when longer than `limit`, never cut."""
    text = check_visible(_clean(raw), field).replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > limit:
        raise Invalid(
            _l(
                "Enter at most %(n)s characters; this has %(typed)s.",
                n=f"{limit:,}",
                typed=f"{len(text):,}",
            ),
            field=field,
        )
    return text
