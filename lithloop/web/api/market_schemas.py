"""The market API's bodies: query arguments, packs, orders and their lines, delivery and
payment, and an order as the API dumps it."""

from __future__ import annotations

import marshmallow as ma

from lithloop import vocab
from lithloop.services.dispatch import left_deliveries
from lithloop.services.market import catalog, refund_shares
from lithloop.web.api.common import ID_RANGE, DecimalInput, WholeNumber, bounded_int


class PackArgs(ma.Schema):
    chemistry = ma.fields.String()
    grade = ma.fields.String(validate=ma.validate.OneOf(vocab.values(vocab.PriceGrade)))
    use_case = ma.fields.String()
    min_soh = DecimalInput(validate=ma.validate.Range(min=0, max=100))
    max_soh = DecimalInput(validate=ma.validate.Range(min=0, max=100))
    min_kwh = DecimalInput(validate=ma.validate.Range(min=0, max=100000))
    max_kwh = DecimalInput(validate=ma.validate.Range(min=0, max=100000))
    max_cycles = bounded_int()
    min_warranty = bounded_int()
    min_price_fen = bounded_int()
    max_price_fen = bounded_int()
    sort = ma.fields.String(validate=ma.validate.OneOf(list(catalog.SORTS)))


class PackOut(ma.Schema):
    id = WholeNumber()
    code = ma.fields.String()
    chemistry = ma.fields.String()
    usable_kwh = ma.fields.String(allow_none=True)
    soh_pct = ma.fields.String(allow_none=True)
    grade = ma.fields.String(allow_none=True)
    price_fen = WholeNumber()
    status = ma.fields.String()
    group_id = ma.fields.String()
    rated_wh = WholeNumber(allow_none=True)
    cycle_count = WholeNumber(allow_none=True)
    warranty_months = WholeNumber(allow_none=True)
    use_case = ma.fields.String(allow_none=True)
    price_index_version = ma.fields.String(allow_none=True)


PACKS_OUT = PackOut(many=True)


class PackDetailOut(PackOut):
    stock = WholeNumber()
    test = ma.fields.Dict(allow_none=True)
    passport_url = ma.fields.String()


class LineIn(ma.Schema):
    pack_id = WholeNumber(validate=ID_RANGE)
    group_id = ma.fields.String(validate=ma.validate.Length(max=80))
    quantity = WholeNumber(load_default=1, validate=ma.validate.Range(min=1, max=200))


class DeliveryIn(ma.Schema):
    kind = ma.fields.String(
        load_default="pickup", validate=ma.validate.OneOf(vocab.values(vocab.DeliveryKind))
    )
    city = ma.fields.String(
        validate=ma.validate.Length(max=100),
        metadata={"description": "A city or county of the region; else the address's place"},
    )
    address = ma.fields.String(validate=ma.validate.Length(max=300))
    contact = ma.fields.String(validate=ma.validate.Length(max=100))
    phone = ma.fields.String(validate=ma.validate.Length(max=40))


class OrderIn(ma.Schema):
    lines = ma.fields.List(
        ma.fields.Nested(LineIn), required=True, validate=ma.validate.Length(min=1, max=200)
    )
    delivery = ma.fields.Nested(DeliveryIn, load_default=dict)


REFUNDED = (
    "Money given back to you: refunds made or on their way to your card, and refunds that "
    "did not go through but the park paid back another way (a whole-order refund counts "
    "here by its share of this part, as the invoice shows it). A refund that did not go "
    "through and is not paid back yet is in `owed_back_fen` instead, not here (the field "
    "always meant money back: before refunds could fail, every booked refund was)"
)
OWED_BACK = (
    "Refunds that did not go through at the payment service (failed or canceled) and that "
    "the park has not yet paid back another way: money still owed to you; 0 when none"
)


class OrderLineOut(ma.Schema):
    id = WholeNumber(required=True)
    pack_id = WholeNumber(required=True)
    code = ma.fields.String(required=True)
    price_fen = WholeNumber(required=True)
    refunded_fen = WholeNumber(required=True, metadata={"description": REFUNDED})
    owed_back_fen = WholeNumber(required=True, metadata={"description": OWED_BACK})


class DeliveryOut(ma.Schema):
    kind = ma.fields.String(required=True, metadata={"description": "pickup or address"})
    city = ma.fields.String(required=True)
    address = ma.fields.String(required=True)
    contact = ma.fields.String(required=True)
    phone = ma.fields.String(required=True)
    fee_fen = WholeNumber(required=True, metadata={"description": "In total_fen"})
    refunded_fen = WholeNumber(required=True, metadata={"description": REFUNDED})
    owed_back_fen = WholeNumber(required=True, metadata={"description": OWED_BACK})
    distance_km = ma.fields.Decimal(required=True, allow_none=True, as_string=True)
    eta = ma.fields.Date(
        required=True,
        allow_none=True,
        metadata={
            "description": "Checkout's estimate: ready for pickup from, or the expected "
            "delivery day. Once a published plan has the delivery, `state` and "
            "`planned_day` say what holds"
        },
    )
    state = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(vocab.values(vocab.DeliveryState)),
        metadata={
            "description": "Where the delivery stands, as the order's page says: `pickup` "
            "(collected at the park; `eta` is the day it is ready from); `expected` (no "
            "published plan has it yet: `eta` is checkout's estimate); `planned` (on the "
            "park's delivery routes of `planned_day`); `rescheduling` (the published plan of "
            "`left_out_day` could not fit it, or, `left_out_day` null, its delivery was not made "
            "on its day and its packs came back to the park: it stays due and is planned "
            "again, a message gives the new day); `contact_park` (left out on `left_out_day` "
            "and no truck can take it as things stand: contact the park to agree the "
            "delivery); `delivered` "
            "(handed over without a published plan's day, the park having marked it "
            "delivered: no outlook, and `eta` no longer holds; a delivery made on a published "
            "plan's routes stays `planned`); `none` (no "
            "delivery: the order was cancelled or refunded in full before its packs were "
            "handed over, so nothing is delivered or collected and `eta` no longer holds)"
        },
    )
    planned_day = ma.fields.Date(
        required=True,
        allow_none=True,
        metadata={
            "description": "The day of the published plan whose routes carry the delivery "
            "(state `planned`); else null"
        },
    )
    left_out_day = ma.fields.Date(
        required=True,
        allow_none=True,
        metadata={
            "description": "The day of the published plan that left the delivery out "
            "(states `rescheduling` and `contact_park`); else null"
        },
    )


class PaymentOut(ma.Schema):
    intent_id = ma.fields.String(required=True, metadata={"description": "Stripe PaymentIntent"})
    status = ma.fields.String(required=True)
    client_secret = ma.fields.String(
        metadata={"description": "For Stripe.js; only in the answer that creates the order"}
    )


class OrderOut(ma.Schema):
    id = WholeNumber(required=True)
    status = ma.fields.String(required=True)
    total_fen = WholeNumber(required=True)
    refunded_fen = WholeNumber(
        required=True,
        metadata={"description": REFUNDED + "; the lines' and the delivery's add up to it"},
    )
    owed_back_fen = WholeNumber(required=True, metadata={"description": OWED_BACK})
    currency = ma.fields.String(required=True)
    reserved_until = ma.fields.DateTime(
        required=True,
        allow_none=True,
        metadata={
            "description": "Packs are held for you until then (UTC); null once paid or ended"
        },
    )
    delivery = ma.fields.Nested(DeliveryOut, required=True)
    lines = ma.fields.List(ma.fields.Nested(OrderLineOut), required=True)
    payment = ma.fields.Nested(PaymentOut, required=True, allow_none=True)


def order_body(order, *, with_secret: bool = False, outlook=None) -> dict:
    """The order as OrderOut dumps it (the client secret only to its creator, at creation);
    `outlook`: its delivery's (left_deliveries.outlooks, read for a page of orders at once),
    else read here."""
    payment = order.payment
    outlook = outlook or left_deliveries.outlook(order)
    back, owed = refund_shares.refunded_back(order), refund_shares.owed_back(order)
    body = {
        "id": order.id,
        "status": order.status.value,
        "total_fen": order.total_fen,
        "refunded_fen": back.total,
        "owed_back_fen": owed.total,
        "currency": "cny",
        "reserved_until": order.reserved_until,
        "delivery": {
            "kind": order.delivery_kind,
            "city": order.delivery_city,
            "address": order.delivery_address,
            "contact": order.delivery_contact,
            "phone": order.delivery_phone,
            "fee_fen": order.delivery_fee_fen,
            "refunded_fen": back.fee,
            "owed_back_fen": owed.fee,
            "distance_km": order.delivery_km,
            "eta": order.delivery_eta,
            "state": outlook.state.value,
            "planned_day": outlook.planned_day,
            "left_out_day": outlook.left_out.day if outlook.left_out else None,
        },
        "lines": [
            {
                "id": li.id,
                "pack_id": li.pack_id,
                "code": li.pack.code,
                "price_fen": li.price_fen,
                "refunded_fen": back.line(li.id),
                "owed_back_fen": owed.line(li.id),
            }
            for li in order.lines
        ],
        "payment": {"intent_id": payment.intent_id, "status": payment.status} if payment else None,
    }
    if with_secret and payment:
        body["payment"]["client_secret"] = payment.client_secret
    return body
