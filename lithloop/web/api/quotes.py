"""POST /api/v1/quotes/scrap and /api/v1/quotes/second-life: instant, explainable prices."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from lithloop import vocab
from lithloop.services.accounts import policies
from lithloop.services.booking import prices as price_service
from lithloop.web.api.common import ID_RANGE, DecimalInput, WholeNumber, errors
from lithloop.web.api.quote_text import quote_in_reader_language
from lithloop.web.api.security import api_user, token_required

blp = Blueprint(
    "api_quotes",
    __name__,
    url_prefix="/api/v1/quotes",
    description="Scrap quotes and second-life prices from the current index",
)

CHEMISTRIES = vocab.values(vocab.Chemistry)


class ScrapQuoteRequest(ma.Schema):
    chemistry = ma.fields.String(required=True, validate=ma.validate.OneOf(CHEMISTRIES))
    form = ma.fields.String(required=True, validate=ma.validate.OneOf(vocab.values(vocab.Form)))
    mass_kg = DecimalInput(
        required=True,
        places=None,
        validate=ma.validate.Range(min=0, min_inclusive=False, max=40000),
    )
    condition = ma.fields.String(
        load_default="intact", validate=ma.validate.OneOf(vocab.values(vocab.Condition))
    )
    distance_km = DecimalInput(validate=ma.validate.Range(min=0, max=3000))
    site_id = WholeNumber(validate=ID_RANGE)

    @ma.validates_schema
    def one_of_distance_or_site(self, data, **kwargs):
        if "distance_km" in data and "site_id" in data:
            raise ma.ValidationError(_l("Give distance_km or site_id, not both."), "site_id")
        if "distance_km" not in data and "site_id" not in data:
            raise ma.ValidationError(
                _l(
                    "Give distance_km (in km; 0 when the lot is brought to the park) or "
                    "site_id (the site it is picked up from)."
                ),
                "distance_km",
            )


class LineSchema(ma.Schema):
    key = ma.fields.String()
    text = ma.fields.String()
    quantity = ma.fields.String()
    unit = ma.fields.String()
    unit_price = ma.fields.String()
    amount_fen = WholeNumber()


class ScrapQuoteResponse(ma.Schema):
    total_fen = WholeNumber(required=True)
    currency = ma.fields.String(required=True)
    lines = ma.fields.List(ma.fields.Nested(LineSchema), required=True)
    index_version = ma.fields.String(required=True)
    valid_until = ma.fields.String(required=True)


class SecondLifeRequest(ma.Schema):
    chemistry = ma.fields.String(required=True, validate=ma.validate.OneOf(CHEMISTRIES))
    rated_kwh = DecimalInput(
        required=True, validate=ma.validate.Range(min=0, min_inclusive=False, max=10000)
    )
    soh_pct = DecimalInput(required=True, validate=ma.validate.Range(min=0, max=100))
    cycles = WholeNumber(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Range(min=0, max=100000),
        metadata={
            "description": "Charge cycles so far. Null or absent when unknown: priced "
            "conservatively, as the most worn pack (the largest cycle discount), on its own "
            "line, sl.cycles.unknown"
        },
    )
    grade = ma.fields.String(
        required=True, validate=ma.validate.OneOf(vocab.values(vocab.PriceGrade))
    )
    warranty_months = WholeNumber(load_default=0, validate=ma.validate.Range(min=0, max=120))


class SecondLifeResponse(ma.Schema):
    price_fen = WholeNumber(required=True)
    scrap_floor_fen = WholeNumber(required=True)
    lines = ma.fields.List(ma.fields.Nested(LineSchema), required=True)
    index_version = ma.fields.String(required=True)


def _strings(body: dict) -> dict:
    return {k: str(v) if not isinstance(v, int | str | None) else v for k, v in body.items()}


@blp.route("/scrap", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(ScrapQuoteRequest())
@blp.response(200, ScrapQuoteResponse)
@errors(
    blp,
    400,
    401,
    403,
    404,
    413,
    s404="No such site, or another organisation's",
    s403="Drivers see no quotes",
)
@token_required
def scrap_quote(body):
    """What the park pays for a lot (negative: the fee the owner pays), line by line."""
    policies.require_record_reader(api_user())
    quote = price_service.quote_scrap(api_user(), _strings(body)).to_dict()
    return quote_in_reader_language(quote)


@blp.route("/second-life", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(SecondLifeRequest())
@blp.response(200, SecondLifeResponse)
@errors(blp, 400, 401, 403, 413, s403="Drivers see no prices")
@token_required
def second_life_price(body):
    """A graded second-life pack's price, never below its scrap value nor at a new pack's."""
    policies.require_record_reader(api_user())
    return quote_in_reader_language(price_service.price_second_life(_strings(body)).to_dict())
