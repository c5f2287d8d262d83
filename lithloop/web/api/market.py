"""The market API: /api/v1/packs (for sale), /api/v1/orders (checkout and status)."""

from __future__ import annotations

import hashlib

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from lithloop.services import idempotency
from lithloop.services.accounts import policies
from lithloop.services.dispatch import left_deliveries
from lithloop.services.market import catalog, order_cancel
from lithloop.services.market import checkout as market_checkout
from lithloop.services.market import orders as market_orders
from lithloop.services.market import payments as market_payments
from lithloop.web.api.common import (
    PAGINATION_HEADER,
    PAYMENTS_OFF,
    compact_json,
    errors,
    idempotency_header,
    page_args,
    pagination_header,
)
from lithloop.web.api.market_schemas import (
    PACKS_OUT,
    OrderIn,
    OrderOut,
    PackArgs,
    PackDetailOut,
    PackOut,
    order_body,
)
from lithloop.web.api.security import api_user, token_required
from lithloop.web.errors import error_response

blp = Blueprint(
    "api_market",
    __name__,
    url_prefix="/api/v1",
    description="Second-life packs for sale, and orders paid through Stripe",
)


def _catalog_reader() -> None:
    """The catalog is for buyers (and admins), as on the market pages."""
    policies.require(api_user(), policies.ORDER_VIEWERS, _l("The catalog is for buyers."))


@blp.route("/packs", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(PackArgs(), location="query")
@blp.response(200, PackOut(many=True))
@errors(blp, 401, 403, s403="Not a buyer or an admin")
@token_required
def list_packs(args):
    """Packs for sale now, filtered (e.g. chemistry, min_soh, max_price_fen) and sorted."""
    _catalog_reader()
    filters = catalog.parse_filters({k: str(v) for k, v in args.items()})
    body, etag = catalog.cached_listing(filters, _render_packs)
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(etag)  # If-None-Match with it gets 304
    response.headers["Cache-Control"] = (
        f"private, max-age={int(current_app.config.get('READ_CACHE_S', 0))}"
    )
    return response.make_conditional(request)


def _render_packs(summaries: list[dict]) -> tuple[bytes, str]:
    """The catalog's JSON body as PackOut dumps it, and its ETag: done once per cache entry."""
    body = compact_json(PACKS_OUT.dump(summaries))
    return body, hashlib.sha1(body, usedforsecurity=False).hexdigest()


@blp.route("/packs/<int:pack_id>", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.response(200, PackDetailOut)
@errors(blp, 401, 403, 404, s403="Not a buyer or an admin", s404="No such pack for sale")
@token_required
def get_pack(pack_id: int):
    """One listed pack (on sale, reserved or sold), with its latest test."""
    _catalog_reader()
    pack = catalog.listing(pack_id)
    body = catalog.pack_summary(pack)
    test = catalog.latest_test(pack)
    body["test"] = (
        None
        if test is None
        else {
            "at": test.at.isoformat(),
            "kind": test.kind,
            "soh_pct": str(test.soh_pct),
            "capacity_ah": str(test.capacity_ah),
            "insulation_ok": test.insulation_ok,
        }
    )
    body["stock"] = catalog.stock_of(body["group_id"])
    body["passport_url"] = f"/p/{pack.code}"
    return body


ORDERS_PAGE = page_args(50, 200)
IDEMPOTENCY_HEADER = idempotency_header("order", "body")


@blp.route("/orders", methods=["POST"])
@blp.doc(security=[{"bearer": []}], parameters=[IDEMPOTENCY_HEADER])
@blp.arguments(OrderIn())
@blp.response(
    201,
    OrderOut,
    description="The order, its packs reserved, and the "
    "PaymentIntent's client secret; a repeated Idempotency-Key answers with the "
    "same order again (header `Idempotent-Replayed: true`)",
)
@errors(
    blp,
    400,
    401,
    403,
    404,
    409,
    413,
    422,
    502,
    503,
    s403="Only buyers order packs",
    s503=PAYMENTS_OFF,
    s502="Stripe did not answer: the order (`order_id`) stays pending with its packs "
    "reserved until `reserved_until`; POST /orders/{id}/payment (or repeat the request "
    "with the same Idempotency-Key) later to open the payment",
    s404="No such pack",
    s409="A pack is sold or reserved, not enough stock, or your "
    "organisation holds as many unpaid orders or packs as it may (`unpaid_limit`)",
    s422="A field is not valid, or the Idempotency-Key came before with another body "
    "(`idempotency_key_reused`)",
)
@token_required
def create_order(data):
    """Order packs by id or by group and quantity; they are reserved while you pay."""
    lines = [
        {k: v for k, v in line.items() if k != "quantity" or "group_id" in line}
        for line in data["lines"]
    ]
    user = api_user()
    key = idempotency.clean_key(request.headers.get(idempotency.HEADER))
    try:
        order, replayed = market_checkout.checkout_once(
            user,
            lines,
            data["delivery"],
            key=key,
            scope="order",
            body={"lines": lines, "delivery": data["delivery"]},
        )
    except market_checkout.PaymentUnavailable as exc:
        return error_response(exc.status, str(exc.message), error=exc.code, order_id=exc.order_id)
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return order_body(order, with_secret=user.id == order.user_id), 201, headers


@blp.route("/orders", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(ORDERS_PAGE, location="query")
@blp.response(
    200,
    OrderOut(many=True),
    headers=PAGINATION_HEADER,
    description="Your organisation's orders, newest first (admins: every order)",
)
@errors(blp, 401, 422)
@token_required
def list_orders(args):
    """Your organisation's orders, newest first, a page at a time (`page`, `page_size` up
    to 200; the `X-Pagination` header gives the total): how a client that lost an answer
    finds its order."""
    page, size = args["page"], args["page_size"]
    orders, total = market_orders.order_page(api_user(), page, size)
    outlooks = left_deliveries.outlooks(orders)  # one query for the page, not one an order
    body = [order_body(order, outlook=outlooks[order.id]) for order in orders]
    return body, 200, pagination_header(page, size, total)


@blp.route("/orders/<int:order_id>", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.response(200, OrderOut, description="The order")
@errors(blp, 401, 404, s404="No such order, or another organisation's")
@token_required
def get_order(order_id: int):
    """One of your organisation's orders (another buyer's is 404); reading it writes
    nothing: POST /orders/{id}/payment gives the payment's client secret."""
    return order_body(market_orders.get_order(api_user(), order_id))


@blp.route("/orders/<int:order_id>/payment", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.response(
    200,
    OrderOut,
    description="The order with its PaymentIntent's client secret (for Stripe.js); the "
    "PaymentIntent is opened now if Stripe could not be reached at checkout",
)
@errors(
    blp,
    401,
    403,
    404,
    409,
    502,
    503,
    s403="Only a buyer of the organisation that placed the order can pay it",
    s404="No such order, or another organisation's",
    s409="The order is not awaiting payment (`error` not_payable), or its reservation "
    "expired and its packs are back on sale (`error` reservation_expired)",
    s502="Stripe did not answer: the order stays pending with its packs reserved until "
    "`reserved_until`; try again in a few minutes",
    s503=PAYMENTS_OFF,
)
@token_required
def open_order_payment(order_id: int):
    """Your pending order's payment, with its client secret, opened now if checkout
    could not reach Stripe (the same PaymentIntent on every call)."""
    try:
        order = market_payments.open_payment(api_user(), order_id)
    except market_checkout.PaymentUnavailable as exc:
        return error_response(exc.status, str(exc.message), error=exc.code, order_id=exc.order_id)
    return order_body(order, with_secret=True)


@blp.route("/orders/<int:order_id>/cancel", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.response(200, OrderOut, description="The order, cancelled: its packs are on sale again")
@errors(
    blp,
    401,
    403,
    404,
    409,
    s403="Only the order's buyers and the park's admins cancel it",
    s404="No such order, or another organisation's",
    s409="The order is not awaiting payment (`error` not_cancellable), or Stripe is "
    "taking its payment now (`error` payment_under_way): try again in a minute",
)
@token_required
def cancel_order(order_id: int):
    """Cancel one of your organisation's orders while it awaits payment: its packs go
    back on sale at once, its payment is cancelled at Stripe (nothing is charged) and the
    buyer who placed it is mailed a confirmation."""
    return order_body(order_cancel.cancel(api_user(), order_id))
