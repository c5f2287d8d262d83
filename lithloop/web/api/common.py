"""Shared pieces of the API: the error body, declared error statuses, bounded fields."""

from __future__ import annotations

import json
import re

import marshmallow as ma
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop.services.strict_input import (
    DECIMAL_RE,
    FIRST_DATE,
    LAST_DATE,
    ZERO_WIDTH,
    no_such_day,
    too_large,
    whole_number,
)
from lithloop.web.converters import MAX_ID
from lithloop.web.query_args import MAX_PAGE

# An id in a body or a query: a database integer (larger ones would overflow the query).
ID_RANGE = ma.validate.Range(min=1, max=MAX_ID)
CLOCK_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"  # "HH:MM", 00:00 to 23:59

ERROR_DESCRIPTIONS = {
    400: "The request could not be read (e.g. a malformed JSON body, JSON nested deeper than "
    "32 levels, or a NUL or lone surrogate in any input)",
    401: "No API token, or one that is unknown, revoked or of an inactive account",
    403: "The caller's role may not do this",
    404: "No such object, or another organisation's",
    409: "The state changed under you (a full day, a sold pack, a run under way)",
    413: "The request body is larger than the server accepts",
    414: "The query string is longer than 4,096 bytes (request_guard.MAX_QUERY_STRING)",
    422: "A field is not valid; `errors` or `field` names it",
    429: "Too many attempts; wait a minute",
    502: "The payment service did not answer; nothing was charged",
    503: "A service this needs is not answering",
}


#: An order's 503: card payments are off on this platform (code `payments_off`).
PAYMENTS_OFF = "Card payments are switched off here (`payments_off`); nothing was reserved"


class ApiError(ma.Schema):
    """Every error the API answers with (lithloop.web.errors.error_response)."""

    code = ma.fields.Integer(required=True, metadata={"description": "HTTP status code"})
    status = ma.fields.String(required=True, metadata={"description": "HTTP status phrase"})
    message = ma.fields.String(
        required=True, metadata={"description": "What went wrong, in the caller's language"}
    )
    error = ma.fields.String(
        metadata={"description": "Stable error code, e.g. not_found, invalid, day_full"}
    )
    field = ma.fields.String(metadata={"description": "The input field at fault"})
    errors = ma.fields.Dict(metadata={"description": "Field errors by location and field"})


PAGINATION_HEADER = {
    "X-Pagination": {
        "description": "JSON: total, total_pages, first_page, last_page, page, previous_page, "
        "next_page (the last five only where they exist)",
        "schema": {"type": "string"},
    }
}


def idempotency_header(made: str, body: str) -> dict:
    """The documented Idempotency-Key header of a POST that makes `made` ("order") from a
    `body` ("body", "spec"): a repeat gets the same one, another body a 422."""
    return {
        "in": "header",
        "name": "Idempotency-Key",
        "schema": {"type": "string", "maxLength": 255},
        "description": "Send the same request again with the same key (yours, up to 255 "
        f"printable ASCII characters) to get the same {made}, never a second one; the same "
        f"key with another {body} is a 422. Keys are your organisation's and are kept for "
        "IDEMPOTENCY_KEY_HOURS (24 h).",
    }


def page_args(
    default_size: int, max_size: int, *, size_name: str = "page_size", **more: ma.fields.Field
) -> ma.Schema:
    """Query arguments `page` (from 1) and `page_size` of a paged list (read as `page_size`
    whatever `size_name` the URL calls it), and any `more` fields, as one schema instance
    (parsed without flask-smorest's per-request schema copies)."""

    class PageArgs(ma.Schema):
        page = WholeNumber(load_default=1, validate=ma.validate.Range(min=1, max=MAX_PAGE))
        page_size = WholeNumber(
            load_default=default_size,
            validate=ma.validate.Range(min=1, max=max_size),
            data_key=size_name,
        )

    return type("PageArgs", (PageArgs,), dict(more))() if more else PageArgs()


def pagination_header(page: int, page_size: int, total: int) -> dict[str, str]:
    """The X-Pagination header of a page (the metadata flask-smorest's paginate gives)."""
    meta: dict[str, int] = {"total": total, "total_pages": -(-total // page_size)}
    if total:
        last = meta["total_pages"]
        meta.update(first_page=1, last_page=last)
        if page <= last:
            meta["page"] = page
            if page > 1:
                meta["previous_page"] = page - 1
            if page < last:
                meta["next_page"] = page + 1
    return {"X-Pagination": json.dumps(meta)}


def compact_json(data) -> bytes:
    """A response body as jsonify would send it in production: compact, with a newline."""
    return (current_app.json.dumps(data, separators=(",", ":")) + "\n").encode()


def errors(blp, *statuses: int, **descriptions: str):
    """Document error responses of an operation: `@errors(blp, 401, 404)`.

    A description given as s404="..." replaces the generic one for that status."""

    def decorate(view):
        for status in statuses:
            text = descriptions.get(f"s{status}", ERROR_DESCRIPTIONS[status])
            view = blp.alt_response(status, schema=ApiError, description=text)(view)
        return view

    return decorate


class WholeNumber(ma.fields.Integer):
    """An integer from a JSON integer or a string of ASCII digits (a query), read by
    services.strict_input: 1.5, true, "1e3" and other scripts' digits ("١٢") are refused,
    never rounded or read; one above its range's largest is told too large and that value
    (never "not a whole number": twenty digits are one). A zero-width character pasted
    inside the digits ("1\u200b2") is dropped, as the forms drop it (strict_input)."""

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        if isinstance(value, str):
            read = whole_number(value.strip().translate(ZERO_WIDTH))
            if read is None:
                raise self.make_error("invalid", input=value)
            value = read
        number = super()._validated(value)
        for rule in self.validators:
            top = rule.max if isinstance(rule, ma.validate.Range) and rule.max_inclusive else None
            if top is not None and number is not None and number > top:
                raise ma.ValidationError(str(too_large(top)))
        return number


#: Plain digits with an optional point, of any length: a number, though maybe too long.
_LONG_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
#: What a plain number longer than DECIMAL_RE reads is told (field_messages translates it).
TOO_MANY_DIGITS = "Enter at most 15 digits before the point and 6 after it."


class _DigitsIfText:
    """A number field's string form is ASCII digits with an optional decimal point (the
    forms' DECIMAL_RE): "1e3", "nan" and other scripts' digits ("١٢") are refused; plain
    digits beyond 15 before the point or 6 after it are told so (they are numbers); a
    zero-width character pasted inside is dropped, as the forms drop it (strict_input)."""

    def _validated(self, value):
        if isinstance(value, str):
            value = value.strip().translate(ZERO_WIDTH)
        if isinstance(value, str) and not DECIMAL_RE.fullmatch(value):
            if _LONG_DECIMAL.fullmatch(value):
                raise ma.ValidationError(TOO_MANY_DIGITS)
            raise self.make_error("invalid", input=value)  # type: ignore[attr-defined]
        return super()._validated(value)  # type: ignore[misc]


class PlainFloat(_DigitsIfText, ma.fields.Float):
    """A number from JSON or a string of plain digits (see _DigitsIfText)."""


class InputDate(ma.fields.Date):
    """An ISO date in the range people may type (services.strict_input: 1970 to 2199), so
    that a day after it or the days around it can always be computed (no year 9999); one
    the calendar does not have (2026-02-30) is told so, as the forms tell it."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            day = super()._deserialize(value, attr, data, **kwargs)
        except ma.ValidationError:
            missing = no_such_day(value) if isinstance(value, str) else None
            if missing is None:
                raise
            raise ma.ValidationError(str(missing)) from None
        if not FIRST_DATE <= day <= LAST_DATE:
            raise ma.ValidationError(
                _l("Give a date between %(a)s and %(b)s.", a=FIRST_DATE, b=LAST_DATE)
            )
        return day


class DecimalString(ma.fields.Decimal):
    """A decimal sent as a string ("326.00"), documented as `type: string, format: decimal`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, as_string=True, **kwargs)


class DecimalInput(_DigitsIfText, ma.fields.Decimal):
    """A decimal read from a JSON number or a numeric string, loaded as Decimal.

    Only the OpenAPI document serialises through it (a Range's bounds): as JSON numbers,
    where marshmallow's Decimal would give strings and make the document invalid. A string
    must be plain digits (see _DigitsIfText)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else float(value)


def exclusive_bounds(self, field, ret, **kwargs) -> dict:
    """apispec attribute function: a Range with an open end as exclusiveMinimum/-Maximum."""
    out = {}
    for validator in field.validators:
        if isinstance(validator, ma.validate.Range):
            if validator.min is not None and not validator.min_inclusive:
                out["exclusiveMinimum"] = True
            if validator.max is not None and not validator.max_inclusive:
                out["exclusiveMaximum"] = True
    return out


def bounded_int(*, min: int = 0, max: int = MAX_ID, **kwargs) -> WholeNumber:
    """An integer field that refuses values the database cannot store (422, not a 500)."""
    return WholeNumber(validate=ma.validate.Range(min=min, max=max), **kwargs)
