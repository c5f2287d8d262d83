"""The market API: /api/v1/packs (for sale), /api/v1/orders (checkout and status)."""

from __future__ import annotations

import hashlib

import marshmallow as ma
from flask import current_app, request
from flask_smorest import Blueprint

from lithloop.services import market_catalog as catalog
from lithloop.services import market_checkout, market_orders
from lithloop.web.api.security import api_user, token_required

blp = Blueprint("api_market", __name__, url_prefix="/api/v1",
                description="Second-life packs for sale, and orders paid through Stripe")


class PackArgs(ma.Schema):
    chemistry = ma.fields.String()
    grade = ma.fields.String(validate=ma.validate.OneOf(["A", "B", "C"]))
    use_case = ma.fields.String()
    min_soh = ma.fields.Decimal(validate=ma.validate.Range(min=0, max=100))
    max_soh = ma.fields.Decimal(validate=ma.validate.Range(min=0, max=100))
    min_kwh = ma.fields.Decimal(validate=ma.validate.Range(min=0))
    max_kwh = ma.fields.Decimal(validate=ma.validate.Range(min=0))
    max_cycles = ma.fields.Integer(validate=ma.validate.Range(min=0))
    min_warranty = ma.fields.Integer(validate=ma.validate.Range(min=0))
    min_price_fen = ma.fields.Integer(validate=ma.validate.Range(min=0))
    max_price_fen = ma.fields.Integer(validate=ma.validate.Range(min=0))
    sort = ma.fields.String(validate=ma.validate.OneOf(list(catalog.SORTS)))


class PackOut(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    chemistry = ma.fields.String()
    usable_kwh = ma.fields.String(allow_none=True)
    soh_pct = ma.fields.String(allow_none=True)
    grade = ma.fields.String(allow_none=True)
    price_fen = ma.fields.Integer()
    status = ma.fields.String()
    group_id = ma.fields.String()
    rated_wh = ma.fields.Integer(allow_none=True)
    cycle_count = ma.fields.Integer(allow_none=True)
    warranty_months = ma.fields.Integer(allow_none=True)
    use_case = ma.fields.String(allow_none=True)
    price_index_version = ma.fields.String(allow_none=True)


PACKS_OUT = PackOut(many=True)


class PackDetailOut(PackOut):
    stock = ma.fields.Integer()
    test = ma.fields.Dict(allow_none=True)
    passport_url = ma.fields.String()


class LineIn(ma.Schema):
    pack_id = ma.fields.Integer(validate=ma.validate.Range(min=1))
    group_id = ma.fields.String(validate=ma.validate.Length(max=80))
    quantity = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=200))


class DeliveryIn(ma.Schema):
    kind = ma.fields.String(load_default="pickup",
                            validate=ma.validate.OneOf(["pickup", "address"]))
    address = ma.fields.String(validate=ma.validate.Length(max=300))
    contact = ma.fields.String(validate=ma.validate.Length(max=100))
    phone = ma.fields.String(validate=ma.validate.Length(max=40))


class OrderIn(ma.Schema):
    lines = ma.fields.List(ma.fields.Nested(LineIn), required=True,
                           validate=ma.validate.Length(min=1, max=200))
    delivery = ma.fields.Nested(DeliveryIn, load_default=dict)


def order_body(order, *, with_secret: bool = False) -> dict:
    """The JSON view of an order (the client secret only to its creator, at creation)."""
    payment = order.payment
    body = {"id": order.id, "status": order.status.value, "total_fen": order.total_fen,
            "refunded_fen": order.refunded_fen, "currency": "cny",
            "reserved_until": order.reserved_until.isoformat() if order.reserved_until
            else None,
            "delivery": {"kind": order.delivery_kind, "address": order.delivery_address,
                         "contact": order.delivery_contact, "phone": order.delivery_phone},
            "lines": [{"id": li.id, "pack_id": li.pack_id, "code": li.pack.code,
                       "price_fen": li.price_fen, "refunded_fen": li.refunded_fen}
                      for li in order.lines],
            "payment": {"intent_id": payment.intent_id, "status": payment.status}
            if payment else None}
    if with_secret and payment:
        body["payment"]["client_secret"] = payment.client_secret
    return body


@blp.route("/packs", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(PackArgs, location="query")
@blp.response(200, PackOut(many=True))
@token_required
def list_packs(args):
    """Packs for sale now, filtered (e.g. chemistry, min_soh, max_price_fen) and sorted."""
    filters = catalog.parse_filters({k: str(v) for k, v in args.items()})
    body, etag = catalog.cached_listing(filters, _render_packs)
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(etag)  # If-None-Match with it gets 304
    response.headers["Cache-Control"] = (
        f"private, max-age={int(current_app.config.get('READ_CACHE_S', 0))}")
    return response.make_conditional(request)


def _render_packs(summaries: list[dict]) -> tuple[bytes, str]:
    """The catalog's JSON body as PackOut dumps it, and its ETag: done once per cache entry."""
    body = (current_app.json.dumps(PACKS_OUT.dump(summaries)) + "\n").encode()
    return body, hashlib.sha1(body, usedforsecurity=False).hexdigest()


@blp.route("/packs/<int:pack_id>", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.response(200, PackDetailOut)
@token_required
def get_pack(pack_id: int):
    """One listed pack (on sale, reserved or sold), with its latest test."""
    pack = catalog.listing(pack_id)
    body = catalog.pack_summary(pack)
    test = catalog.latest_test(pack)
    body["test"] = None if test is None else {
        "at": test.at.isoformat(), "kind": test.kind, "soh_pct": str(test.soh_pct),
        "capacity_ah": str(test.capacity_ah), "insulation_ok": test.insulation_ok}
    body["stock"] = catalog.stock_of(body["group_id"])
    body["passport_url"] = f"/p/{pack.code}"
    return body


@blp.route("/orders", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(OrderIn)
@blp.response(201, description="The order, its packs reserved, and the PaymentIntent's "
              "client secret")
@blp.alt_response(409, description="A pack is sold or reserved, or not enough stock")
@token_required
def create_order(data):
    """Order packs by id or by group and quantity; they are reserved while you pay."""
    lines = [{k: v for k, v in line.items() if k != "quantity" or "group_id" in line}
             for line in data["lines"]]
    order = market_checkout.checkout(api_user(), lines, data["delivery"])
    return order_body(order, with_secret=True), 201


@blp.route("/orders/<int:order_id>", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.response(200, description="The order")
@token_required
def get_order(order_id: int):
    """One of your organisation's orders (another buyer's is 404)."""
    return order_body(market_orders.get_order(api_user(), order_id))
