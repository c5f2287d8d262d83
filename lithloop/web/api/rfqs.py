"""Requests for quote in the API: ask, look at the answer, accept it (an order to pay)."""

from __future__ import annotations

from functools import wraps

import marshmallow as ma
from flask import request
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from lithloop import vocab
from lithloop.models import Role
from lithloop.services import idempotency
from lithloop.services.errors import Forbidden
from lithloop.services.market import rfq as rfqs
from lithloop.services.market import rfq_spec
from lithloop.web.api.common import (
    PAYMENTS_OFF,
    DecimalInput,
    InputDate,
    WholeNumber,
    errors,
    idempotency_header,
)
from lithloop.web.api.market_schemas import DeliveryIn, order_body
from lithloop.web.api.security import api_user, token_required

blp = Blueprint(
    "api_rfqs",
    __name__,
    url_prefix="/api/v1",
    description="Requests for quote: N packs meeting a spec at a quoted price",
)


class RfqIn(ma.Schema):
    quantity = WholeNumber(required=True, validate=ma.validate.Range(min=1, max=200))
    chemistry = ma.fields.String(load_default="", validate=ma.validate.Length(max=20))
    min_usable_kwh = DecimalInput(validate=ma.validate.Range(min=0, max=10_000))
    min_soh_pct = DecimalInput(validate=ma.validate.Range(min=0, max=100))
    min_grade = ma.fields.String(
        load_default="C", validate=ma.validate.OneOf(vocab.values(vocab.PriceGrade))
    )
    use_case = ma.fields.String(load_default="")
    wanted_by = InputDate(
        required=True,
        metadata={
            "description": "The day the packs are wanted by: from tomorrow to "
            f"{rfq_spec.WANTED_BY_MAX_DAYS} days ahead, counted from today in Beijing time "
            "(a range that moves with the day, so not a fixed minimum and maximum); another "
            "day is refused with 422 naming wanted_by"
        },
    )
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=1000))


class AcceptIn(ma.Schema):
    delivery = ma.fields.Nested(DeliveryIn, load_default=dict)


def rfq_body(rfq) -> dict:
    """The JSON view of a request for quote and its answer."""
    return {
        "id": rfq.id,
        "status": rfqs.state(rfq),
        "quantity": rfq.quantity,
        "chemistry": rfq.chemistry or None,
        "min_usable_kwh": str(rfq.min_usable_wh / 1000) if rfq.min_usable_wh else None,
        "min_soh_pct": str(rfq.min_soh_pct) if rfq.min_soh_pct is not None else None,
        "min_grade": rfq.min_grade,
        "use_case": rfq.use_case or None,
        "wanted_by": rfq.wanted_by.isoformat(),
        "note": rfq.note,
        "unit_price_fen": rfq.unit_price_fen,
        "total_fen": rfq.total_fen,
        "valid_until": rfq.valid_until.isoformat() if rfq.valid_until else None,
        "answer_note": rfq.answer_note,
        "order_id": rfq.order_id,
        "created_at": rfq.created_at.isoformat(),
    }


def _as_form(data: dict) -> dict:
    form = {k: v for k, v in data.items() if k != "wanted_by"}
    form["wanted_by"] = data["wanted_by"].isoformat()
    return form


def _buyers_only(view):
    """Refuse other roles (403) before the body is parsed, so they learn nothing from 422s."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if api_user().role is not Role.BUYER:
            raise Forbidden(_l("Only buyers ask for quotes."))
        return view(*args, **kwargs)

    return guarded


RFQ_KEY_HEADER = idempotency_header("request for quote", "spec")


@blp.route("/rfqs", methods=["POST"])
@blp.doc(security=[{"bearer": []}], parameters=[RFQ_KEY_HEADER])
@token_required
@_buyers_only
@blp.arguments(RfqIn())
@blp.response(
    201,
    description="The request, open until the park answers; a repeated Idempotency-Key "
    "answers with the same request again (header `Idempotent-Replayed: true`)",
)
@errors(
    blp,
    400,
    401,
    403,
    413,
    422,
    s403="Only buyers ask for quotes",
    s422="A field is not valid, or the Idempotency-Key came before with another spec "
    "(`idempotency_key_reused`)",
)
def create_rfq(data):
    """Ask the park for a quote on N packs meeting a spec."""
    key = request.headers.get(idempotency.HEADER)
    rfq, created = rfqs.create_once(api_user(), _as_form(data), key)
    headers = {} if created else {"Idempotent-Replayed": "true"}
    return rfq_body(rfq), 201, headers


@blp.route("/rfqs/<int:rfq_id>", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.response(200, description="The request and its quote (another buyer's is 404)")
@errors(blp, 401, 404, s404="No such request for quote")
@token_required
def get_rfq(rfq_id: int):
    """One of your organisation's requests, with its status and quote."""
    return rfq_body(rfqs.get(api_user(), rfq_id))


@blp.route("/rfqs/<int:rfq_id>/accept", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(AcceptIn())
@blp.response(
    201,
    description="The order at the quoted price, its packs reserved, and the "
    "PaymentIntent's client secret",
)
@errors(blp, 400, 401, 403, 404, 413, 502, 503, s403="Only buyers accept quotes", s503=PAYMENTS_OFF)
@blp.alt_response(
    409,
    description="Declined, expired, already accepted, or not enough "
    "matching packs (nothing reserved)",
)
@token_required
def accept_rfq(data, rfq_id: int):
    """Accept the quote before it expires: N matching packs are reserved for you to pay."""
    order = rfqs.accept(api_user(), rfq_id, data["delivery"])
    return order_body(order, with_secret=True), 201
