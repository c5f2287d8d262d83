"""The values of an organisation export: each row's columns as JSON values, and each value
read back checked against its column (types, ranges, storable text)."""

from __future__ import annotations

import enum
import math
import re
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop.i18n import listed
from lithloop.models import (
    OrgKind,
)
from lithloop.models.base import UTCDateTime, VocabString
from lithloop.services.errors import Invalid
from lithloop.services.strict_input import (
    FIRST_DATE,
    INT32_MAX,
    INT64_MAX,
    LAST_DATE,
    strict_date,
    strict_decimal,
    strict_time,
)

FORMAT, VERSION = "lithloop-organisation", 1
# Never exported: keys, secrets, per-database counters and stamps.
# An actor's e-mail without an account here travels as `by_user_email`, as any other's.
SKIP = {"id", "password_hash", "session_version", "last_login_at", "by_email", "invite_link_lost"}
FOREIGN = {"organisation_id", "site_id", "created_by_id", "booking_id", "by_user_id"}
#: The kinds that exist as the park's customers: those that register themselves
#: (services/accounts/registration.register). The park operator and government partners
#: are set up by the park; a file must never create them (nor their roles, such as admin).
IMPORTABLE_KINDS = (OrgKind.DEALER_BRANCH, OrgKind.BUS_COMPANY, OrgKind.BUYER)
MAX_LOT_PACKS = 10_000  # as the booking form (draft.parse_lot)
#: Characters no stored text may hold: C0 controls but tab and line breaks, DEL, and lone
#: surrogates (PostgreSQL refuses NUL; a surrogate cannot be encoded as UTF-8).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def columns(model) -> dict[str, sa.Column]:
    """A model's exported columns (no keys, secrets or references by id)."""
    return {c.key: c for c in sa.inspect(model).columns if c.key not in SKIP | FOREIGN}


def dump(row) -> dict:
    """A row's exported columns as JSON values."""
    out = {}
    for key in columns(type(row)):
        value = getattr(row, key)
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, (date, time, datetime)):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[key] = value
    return out


def refuse(message, where: str) -> Invalid:
    """The error for a value of the file, naming its place (`bookings[3].status`)."""
    return Invalid(message, field=where)


def mapping(value, where: str) -> dict:
    """The value, which must be a JSON object."""
    if not isinstance(value, dict):
        raise refuse(_l("Expected an object of named fields here."), where)
    return value


def items(value, where: str) -> list:
    """The value, which must be a JSON list."""
    if not isinstance(value, list):
        raise refuse(_l("Expected a list here."), where)
    return value


def text_problem(text: str):
    """Why text cannot be stored (NUL and other control characters, lone surrogates)."""
    if _CONTROL.search(text):
        return _l("Text here contains invisible control characters: delete them and try again.")
    return None


def json_problem(value, where: str) -> None:
    """A JSON column's value: any JSON, but its texts storable (walked without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and (why := text_problem(item)):
            raise refuse(why, where)
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def column_value(column: sa.Column, value, where: str):
    """One exported value checked against its column and converted to its Python type."""
    kind = column.type
    if isinstance(kind, VocabString) or (isinstance(kind, sa.Enum) and kind.enum_class):
        members = kind.enum_cls if isinstance(kind, VocabString) else kind.enum_class
        allowed = [m.value for m in members]
        if not isinstance(value, str) or value not in allowed:
            raise refuse(_l("Expected one of: %(allowed)s.", allowed=listed(allowed)), where)
        return members(value) if isinstance(kind, sa.Enum) else value
    if isinstance(kind, UTCDateTime | sa.DateTime):
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise refuse(
                _l(
                    "Expected a date and time with its offset from UTC, "
                    "such as 2026-12-04T08:30:00+00:00."
                ),
                where,
            )
        if not FIRST_DATE <= moment.date() <= LAST_DATE:
            raise refuse(
                _l(
                    "Enter a date between %(a)s and %(b)s.",
                    a=FIRST_DATE.isoformat(),
                    b=LAST_DATE.isoformat(),
                ),
                where,
            )
        return moment
    if isinstance(kind, sa.Date):
        return strict_date(value if isinstance(value, str) else "", where)
    if isinstance(kind, sa.Time):
        return strict_time(value if isinstance(value, str) else "", where)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            value = ""  # refused below with the message for numbers
        number = strict_decimal(value, where)  # ASCII digits only: no NaN, inf, 1e999
        number = number.quantize(Decimal(1).scaleb(-kind.scale), rounding=ROUND_HALF_UP)
        limit = Decimal(10) ** (kind.precision - kind.scale) - Decimal(1).scaleb(-kind.scale)
        if not -limit <= number <= limit:
            raise refuse(
                _l("Enter a number between %(lo)s and %(hi)s.", lo=-limit, hi=limit), where
            )
        return number
    if isinstance(kind, sa.Float):
        try:
            number = float(value) if type(value) in (int, float) else math.nan
        except OverflowError:
            number = math.nan
        if not math.isfinite(number):
            raise refuse(_l("Expected a number here."), where)
        return number
    if isinstance(kind, sa.Integer):
        top = INT64_MAX if isinstance(kind, sa.BigInteger) else INT32_MAX
        if type(value) is not int:
            raise refuse(_l("Enter a whole number (digits 0-9)."), where)
        if not -top <= value <= top:
            raise refuse(_l("Enter a number between %(lo)s and %(hi)s.", lo=-top, hi=top), where)
        return value
    if isinstance(kind, sa.Boolean):
        if not isinstance(value, bool):
            raise refuse(_l("Expected true or false here."), where)
        return value
    if isinstance(kind, sa.String):
        if not isinstance(value, str):
            raise refuse(_l("Expected text here."), where)
        if kind.length and len(value) > kind.length:
            raise refuse(_l("Expected text of at most %(n)s characters.", n=kind.length), where)
        if why := text_problem(value):
            raise refuse(why, where)
        return value
    if isinstance(kind, sa.JSON):
        json_problem(value, where)
        return value
    raise TypeError(f"org_transfer cannot check a {kind!r} column ({where})")


def load_row(model, data, where: str) -> dict:
    """Column values of `model` from exported JSON, each checked and converted back to its
    Python type; Invalid names the place in the file (`bookings[3].total_mass_kg`)."""
    data = mapping(data, where)
    values = {}
    for key, column in columns(model).items():
        if data.get(key) is None:
            if not column.nullable and column.default is None and column.server_default is None:
                raise refuse(_l("This is missing."), f"{where}.{key}")
            continue
        values[key] = column_value(column, data[key], f"{where}.{key}")
    return values
