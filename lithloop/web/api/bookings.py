"""Bookings and the capacity calendar: /api/v1/bookings, /api/v1/calendar."""

from __future__ import annotations

from datetime import timedelta

import marshmallow as ma
from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from lithloop import clock, vocab
from lithloop.cache import read_cache
from lithloop.models import BookingStatus
from lithloop.services.accounts import policies
from lithloop.services.booking import booking_list, capacity, pickup_change
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking.sites import get_site
from lithloop.services.errors import Invalid
from lithloop.web.api.booking_events import EventOut, booking_note_words
from lithloop.web.api.common import (
    CLOCK_TIME,
    ID_RANGE,
    PAGINATION_HEADER,
    DecimalInput,
    DecimalString,
    InputDate,
    WholeNumber,
    compact_json,
    errors,
    page_args,
    pagination_header,
)
from lithloop.web.api.quote_text import QuoteField
from lithloop.web.api.security import api_user, token_required

blp = Blueprint(
    "api_bookings",
    __name__,
    url_prefix="/api/v1",
    description="Pickup bookings and the capacity calendar",
)

LIST_PAGE_SIZE = 50
LIST_MAX_PAGE_SIZE = 200
CHEMISTRIES = vocab.values(vocab.Chemistry)


class LotIn(ma.Schema):
    chemistry = ma.fields.String(required=True, validate=ma.validate.OneOf(CHEMISTRIES))
    form = ma.fields.String(
        load_default="pack", validate=ma.validate.OneOf(vocab.values(vocab.Form))
    )
    count = WholeNumber(required=True, validate=ma.validate.Range(min=1, max=10000))
    mass_kg = DecimalInput(
        required=True, validate=ma.validate.Range(min=0, min_inclusive=False, max=40000)
    )
    condition = ma.fields.String(
        load_default="intact", validate=ma.validate.OneOf(vocab.values(vocab.Condition))
    )
    damage = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(vocab.values(vocab.Sp376Item))),
        load_default=list,
    )
    codes = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(max=40)),
        load_default=list,
        validate=ma.validate.Length(max=10000),
    )


class BookingIn(ma.Schema):
    site_id = WholeNumber(required=True, validate=ID_RANGE)
    date = InputDate(required=True)
    window = ma.fields.List(
        ma.fields.String(validate=ma.validate.Regexp(CLOCK_TIME)),
        required=True,
        validate=ma.validate.Length(equal=2),
    )
    lots = ma.fields.List(
        ma.fields.Nested(LotIn), required=True, validate=ma.validate.Length(min=1, max=20)
    )
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))


class LotOut(ma.Schema):
    chemistry = ma.fields.String()
    form = ma.fields.String()
    count = WholeNumber(attribute="pack_count")
    mass_kg = DecimalString()
    condition = ma.fields.String()
    damage = ma.fields.List(ma.fields.String())
    codes = ma.fields.List(ma.fields.String())


class BookingFields(ma.Schema):
    """What every view of a booking shows."""

    id = WholeNumber()
    status = ma.fields.Function(lambda b: b.status.value)
    site_id = WholeNumber()
    date = ma.fields.Date(attribute="pickup_date")
    window = ma.fields.Function(
        lambda b: [b.window_start.strftime("%H:%M"), b.window_end.strftime("%H:%M")]
    )
    total_mass_kg = DecimalString()
    hazardous = ma.fields.Boolean()


class BookingOut(BookingFields):
    # what a change sends back as `seen` (POST /bookings/{id}/reschedule)
    pickup_version = ma.fields.Function(pickup_change.pickup_version)
    quote = QuoteField()  # its lines' and explanations' text in the reader's language
    lots = ma.fields.List(ma.fields.Nested(LotOut))
    note = ma.fields.Function(  # for the driver, as sent; a fleet-register booking's in words
        booking_note_words, metadata={"description": "The note for the driver"}
    )
    events = ma.fields.List(ma.fields.Nested(EventOut))
    cancel_reason = ma.fields.String()


class BookingSummaryOut(BookingFields):
    """A booking as a list shows it; GET /bookings/{id} has its lots, quote and history."""

    quote_total_fen = WholeNumber()
    quote_index_version = ma.fields.String()


def booking_summary(row) -> dict:
    """BookingSummaryOut's JSON for one booking_page row, without marshmallow's per-field cost
    (a page has up to 200; tests/web/test_booking_list_api.py holds the two equal)."""
    mass = row.total_mass_kg
    return {
        "id": row.id,
        "status": row.status.value,
        "site_id": row.site_id,
        "date": row.pickup_date.isoformat(),
        "window": [row.window_start.strftime("%H:%M"), row.window_end.strftime("%H:%M")],
        "total_mass_kg": None if mass is None else format(mass, "f"),
        "hazardous": row.hazardous,
        "quote_total_fen": row.quote_total_fen,
        "quote_index_version": row.quote_index_version,
    }


class CancelIn(ma.Schema):
    reason = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))


class CalendarArgs(ma.Schema):
    start = InputDate(data_key="from")
    end = InputDate(data_key="to")
    site_id = WholeNumber(validate=ID_RANGE)


class DayOut(ma.Schema):
    date = ma.fields.String()
    open = ma.fields.Boolean()
    full = ma.fields.Boolean()
    capacity_kg = ma.fields.String()
    booked_kg = ma.fields.String()
    remaining_kg = ma.fields.String()
    capacity_stops = WholeNumber()
    booked_stops = WholeNumber()


def _plain(mass) -> str:
    """A mass as plain digits, one spelling per value (100 and 100.0 are the same request)."""
    return format(mass.normalize(), "f")


def _body(data: dict) -> dict:
    return {
        **data,
        "date": data["date"].isoformat(),
        "lots": [{**lot, "mass_kg": _plain(lot["mass_kg"])} for lot in data["lots"]],
    }


@blp.route("/bookings", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(page_args(LIST_PAGE_SIZE, LIST_MAX_PAGE_SIZE), location="query")
@blp.response(200, BookingSummaryOut(many=True), headers=PAGINATION_HEADER)
@errors(blp, 401, 403, s403="Drivers see their routes' stops on the driver page")
@token_required
def list_bookings(args):
    """The caller's bookings, newest pickup date first (the park sees all), a page at a time.

    `page_size` defaults to 50 (at most 200); the `X-Pagination` header gives the total and
    the page count. Each item is a summary: the lots, the frozen quote and the history are
    in `GET /bookings/{booking_id}`.
    """
    user, page, size = api_user(), args["page"], args["page_size"]
    policies.require_record_reader(user)
    scope = "park" if policies.sees_whole_region(user) else user.organisation_id
    # Cached only where every worker's commits to `booking` are counted (shared counters):
    # a dealer must see a booking in the next list it asks for, whichever worker made it.
    body, total = read_cache.cached(
        "booking_list",
        (scope, page, size),
        ("booking",),
        lambda: _page_json(user, page, size),
        shared_only=True,
    )
    return current_app.response_class(
        body, mimetype="application/json", headers=pagination_header(page, size, total)
    )


def _page_json(user, page: int, size: int) -> tuple[bytes, int]:
    items, total = booking_list.booking_page(user, page, size)
    summaries = [booking_summary(row) for row in items]  # documented by BookingSummaryOut
    return compact_json(summaries), total


@blp.route("/bookings", methods=["POST"])
@blp.doc(
    security=[{"bearer": []}],
    parameters=[
        {
            "in": "header",
            "name": "Idempotency-Key",
            "schema": {"type": "string"},
            "description": "Repeat a request with the same key to get the same booking once.",
        }
    ],
)
@blp.arguments(BookingIn())
@blp.response(201, BookingOut)
@blp.alt_response(200, schema=BookingOut, description="Repeated Idempotency-Key")
@errors(
    blp,
    400,
    401,
    403,
    404,
    409,
    413,
    s403="Only dealers and fleet managers book",
    s404="No such site, or another organisation's",
    s409="The day is full; the message names free days",
)
@token_required
def create_booking(data):
    """Book a pickup: validated, quoted and checked against the day's capacity."""
    booking, created = booking_service.book_pickup(
        api_user(), _body(data), request.headers.get("Idempotency-Key")
    )
    return booking, 201 if created else 200


@blp.route("/bookings/<int:booking_id>", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.response(200, BookingOut)
@errors(blp, 401, 403, 404, s403="Drivers see their routes' stops on the driver page")
@token_required
def get_booking(booking_id: int):
    """One booking with its lots, frozen quote and history."""
    policies.require_record_reader(api_user())
    return booking_list.get_booking(api_user(), booking_id)


@blp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(CancelIn())
@blp.response(200, BookingOut)
@errors(
    blp,
    400,
    401,
    403,
    404,
    409,
    413,
    s403="Only the booking's owner (a dealer or fleet manager) and the park's dispatchers "
    "and admins cancel it",
    s409="The booking is already scheduled or ended",
)
@token_required
def cancel_booking(data, booking_id: int):
    """Cancel: owners before scheduling; the park with a reason."""
    return booking_service.change_status(
        api_user(), booking_id, BookingStatus.CANCELLED, data["reason"]
    )


@blp.route("/calendar", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(CalendarArgs(), location="query")
@blp.response(200, DayOut(many=True))
@errors(
    blp, 401, 403, 404, s404="No such site, or another organisation's", s403="Drivers do not book"
)
@token_required
def calendar(args):
    """Each day's capacity and what is booked, from `from` to `to` (at most 62 days)."""
    policies.require_record_reader(api_user())
    if "site_id" in args:
        get_site(api_user(), args["site_id"])
    start = args.get("start") or clock.today() + timedelta(days=1)
    end = args.get("end") or start + timedelta(days=13)
    if end < start or (end - start).days > 62:
        raise Invalid(_l("`to` must be on or after `from`, at most 62 days later."), field="to")
    return [d.to_dict() for d in capacity.calendar(start, end)]
