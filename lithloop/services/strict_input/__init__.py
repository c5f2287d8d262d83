"""Strict parsers for what people type: whole numbers, decimals, money, dates, times, phones.

One place for the rules every form and query uses, so that odd input is a 422 naming the
field instead of a 500 further down. The rules live in four modules, by what they read:
- numbers: whole numbers and decimals; digits are ASCII, a number typed in a box also a
  Chinese keyboard's full-width ones (１０, １２.５), never `²`, `٣` (which pass
  `str.isdigit()`); numbers are finite and bounded (no NaN, inf, 1e999999, nor a 5,000-digit
  integer), a whole number beyond its range told too large and the most allowed;
- amounts: quantities, prices and money; a comma is a thousands separator only in groups
  of three (`1,234.50`); `0,5` is refused, never read as 5; a mass may be typed with kg
  after it (`335 kg`, `335 千克`), never with another unit (t, 吨, g: refused);
- dates: ISO `YYYY-MM-DD` within a bounded range (no year 9999 to overflow on `+ 1 day`),
  one the calendar does not have (2026-02-30) told so;
  times are naive `HH:MM` (a time zone such as `09:00+08:00` is refused, not compared);
- text: text made only of invisible characters (a direction mark such as U+202E, a
  zero-width space) is refused: it looks empty on the page and is not; text is never cut
  to its length; phone numbers hold 7 to 15 digits (E.164's most), spaces, hyphens, dots
  or brackets between them, a leading + and an extension (转 / ext); a Chinese keyboard's
  full-width digits are read as digits.

Importers use the names below from this package: `from lithloop.services.strict_input
import parse_amount`.
"""

from __future__ import annotations

from lithloop.services.strict_input.amounts import (
    AMOUNT_RE,
    EXPONENT_RE,
    MAX_MONEY_FEN,
    money_to_fen,
    optional_amount,
    optional_money_fen,
    parse_amount,
    parse_kilograms,
    parse_money,
)
from lithloop.services.strict_input.dates import (
    DATE_RE,
    FIRST_DATE,
    LAST_DATE,
    TIME_RE,
    date_or_none,
    no_such_day,
    strict_date,
    strict_time,
)
from lithloop.services.strict_input.numbers import (
    ANY_INT_RE,
    DECIMAL_RE,
    INT32_MAX,
    INT64_MAX,
    INT_RE,
    LONG_DECIMAL_RE,
    LONG_INT_RE,
    ZERO_WIDTH,
    chosen_id,
    decimal_or_none,
    grouped,
    in_range,
    int_or_default,
    optional_decimal,
    optional_int,
    strict_decimal,
    strict_int,
    too_large,
    typed_number,
    whole_number,
)
from lithloop.services.strict_input.text import (
    PHONE_MAX,
    PHONE_RE,
    check_controls,
    check_direction,
    check_visible,
    known_chemistry,
    limited_text,
    phone_number,
    place_name,
    quoted,
    typed_text,
)

__all__ = [
    "AMOUNT_RE",
    "ANY_INT_RE",
    "DATE_RE",
    "DECIMAL_RE",
    "EXPONENT_RE",
    "FIRST_DATE",
    "INT32_MAX",
    "INT64_MAX",
    "INT_RE",
    "LAST_DATE",
    "LONG_DECIMAL_RE",
    "LONG_INT_RE",
    "MAX_MONEY_FEN",
    "PHONE_MAX",
    "PHONE_RE",
    "TIME_RE",
    "ZERO_WIDTH",
    "check_controls",
    "check_direction",
    "check_visible",
    "chosen_id",
    "date_or_none",
    "decimal_or_none",
    "grouped",
    "in_range",
    "int_or_default",
    "known_chemistry",
    "limited_text",
    "money_to_fen",
    "no_such_day",
    "optional_amount",
    "optional_decimal",
    "optional_int",
    "optional_money_fen",
    "parse_amount",
    "parse_kilograms",
    "parse_money",
    "phone_number",
    "place_name",
    "quoted",
    "strict_date",
    "strict_decimal",
    "strict_int",
    "strict_time",
    "too_large",
    "typed_number",
    "typed_text",
    "whole_number",
]
