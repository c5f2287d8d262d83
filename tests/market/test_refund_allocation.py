"""A refund of the whole order (no line named) is spread over the pack lines and the
delivery fee in proportion to what is left to refund of each, whole fen by largest
remainder. Before, it went to the pack lines first and the fee last: a partial refund of an
order with a delivery fee booked the packs as refunded and the fee as still charged, which
the invoice's proportions (and a credit note against it) do not say."""

from __future__ import annotations

import pytest

from lithloop.extensions import db
from lithloop.models import Order
from lithloop.services.market import checkout, invoices
from lithloop.services.market import payments as market_payments
from lithloop.services.market import refunds as market_refunds
from lithloop.services.market.refunds import pro_rata
from tests.market.support import list_packs, make_admin, make_buyer


@pytest.mark.parametrize(
    ("amount", "parts", "shares"),
    [
        (0, [100, 200], [0, 0]),
        (300, [100, 200], [100, 200]),  # everything left: each part in full
        (30, [100, 200], [10, 20]),
        (1, [100, 100], [1, 0]),  # a tie goes to the earlier part
        (2, [1, 1, 1], [1, 1, 0]),
        (100, [0, 300, 0], [0, 100, 0]),  # a part refunded in full takes nothing
        (7, [1, 1, 98], [0, 0, 7]),  # 0.07, 0.07, 6.86: the fen left goes to 6.86
    ],
)
def test_pro_rata_splits_whole_fen_in_proportion(amount, parts, shares):
    assert pro_rata(amount, parts) == shares


def test_pro_rata_never_gives_a_part_more_than_is_left_and_sums_exactly():
    parts = [33_333, 1, 66_667, 12_345]
    for amount in range(0, sum(parts) + 1, 997):
        got = pro_rata(amount, parts)
        assert sum(got) == amount and all(0 <= g <= p for g, p in zip(got, parts, strict=True))


def _paid_with_fee(fee_fen: int) -> Order:
    """A paid order of packs at ¥1,500 and ¥500 with a delivery fee of `fee_fen`."""
    buyer = make_buyer()
    packs = list_packs(1, price_fen=150_000) + list_packs(1, price_fen=50_000)
    order = checkout.checkout(buyer, [{"pack_id": p.id} for p in packs])
    order.delivery_fee_fen, order.total_fen = fee_fen, order.total_fen + fee_fen
    db.session.commit()
    market_payments.pay(buyer, order.id, "pm_card_visa")
    return db.session.get(Order, order.id)


def _shares(order: Order) -> tuple[list[int], int]:
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    lines = sorted(li.refunded_fen for li in order.lines)
    return lines, order.refunded_fen - sum(lines)


def test_a_partial_refund_of_the_order_is_shared_with_the_delivery_fee(client):
    order = _paid_with_fee(20_000)  # ¥1,500 + ¥500 + ¥200 = ¥2,200
    admin = make_admin()
    market_refunds.refund(admin, order.id, amount_fen=22_000, reason="late")  # a tenth
    assert _shares(order) == ([5_000, 15_000], 2_000)
    fee_line = invoices.invoice_for(order.user, order.id).lines[-1]
    assert fee_line.delivery and fee_line.refunded_fen == 2_000  # the invoice says so too
    market_refunds.refund(admin, order.id, amount_fen=1, reason="rounding")
    lines, fee = _shares(order)
    assert sum(lines) + fee == 22_001 and lines == [5_000, 15_001] and fee == 2_000
    market_refunds.refund(admin, order.id, reason="the rest")  # all that is left
    assert _shares(order) == ([50_000, 150_000], 20_000)


def test_a_line_refund_stays_on_its_line(client):
    order = _paid_with_fee(20_000)
    line = max(order.lines, key=lambda li: li.price_fen)
    market_refunds.refund(make_admin(), order.id, line_id=line.id, amount_fen=10_000)
    assert _shares(order) == ([0, 10_000], 0)
