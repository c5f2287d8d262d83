"""A refund that did not go through (and is not paid back another way yet) is not money
back: the invoice's lines and "refunded so far" (HTML and PDF), and the order page's
refunded column, whose pack lines and delivery fee add up to its total row, leave it out of
the very parts it was booked against (refund_shares replays the spread of a whole-order
refund). Before, the invoice counted it, and a failed refund of the whole order stayed in
each line's column while the total row left it out.

localstripe makes every refund `succeeded`: the failed one is Stripe's answer to the same
refund with its status replaced, as Stripe would give it."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import Order, OutboxMessage, Refund
from lithloop.payments import StripeGateway
from lithloop.services.market import checkout, invoices, refund_payback, refund_shares
from lithloop.services.market import orders as market_orders
from lithloop.services.market import payments as market_payments
from lithloop.services.market import refunds as market_refunds
from tests.conftest import Auth, submit
from tests.market.support import list_packs, make_admin, make_buyer
from tests.pdf_text import pdf_text

# ¥1,500 + ¥500 + a ¥200 delivery fee = ¥2,200. A ¥100 refund of the ¥500 line is made,
# then a ¥1,100 refund of the whole order fails: spread over what was left (1,500, 400,
# 200) it was booked as 785.72, 209.52 and 104.76.
BIG, SMALL, FEE = 150_000, 50_000, 20_000
LINE_REFUND, FAILED = 10_000, 110_000
FAILED_SHARES = (78_572, 20_952, 10_476)
MADE = StripeGateway.create_refund  # as localstripe answers


def _answering(monkeypatch, status: str | None) -> None:
    """Stripe answers the refunds made from now on with `status` (None: as made)."""
    made = MADE

    def answered(self, intent_id, amount_fen, *, idempotency_key, metadata=None):
        refund_id, real = made(self, intent_id, amount_fen, idempotency_key=idempotency_key)
        return refund_id, status or real

    monkeypatch.setattr(StripeGateway, "create_refund", answered)


def _paid(buyer) -> Order:
    """A paid order of packs at ¥1,500 and ¥500 with a ¥200 delivery fee."""
    packs = list_packs(1, price_fen=BIG) + list_packs(1, price_fen=SMALL)
    order = checkout.checkout(buyer, [{"pack_id": p.id} for p in packs])
    order.delivery_fee_fen, order.total_fen = FEE, order.total_fen + FEE
    db.session.commit()
    market_payments.pay(buyer, order.id, "pm_card_visa")
    return db.session.get(Order, order.id)


def _with_failed_refund(monkeypatch, buyer=None, admin=None) -> tuple[Order, Refund]:
    """The order above with the ¥100 line refund made and the ¥1,100 one failed at once."""
    buyer, admin = buyer or make_buyer(), admin or make_admin()
    order = _paid(buyer)
    small = next(li for li in order.lines if li.price_fen == SMALL)
    market_refunds.refund(admin, order.id, line_id=small.id, amount_fen=LINE_REFUND)
    _answering(monkeypatch, "failed")
    failed = market_refunds.refund(admin, order.id, amount_fen=FAILED, reason="late")
    _answering(monkeypatch, None)
    db.session.expire_all()
    return db.session.get(Order, order.id), db.session.get(Refund, failed.id)


def _lines(order: Order) -> tuple:
    big = next(li for li in order.lines if li.price_fen == BIG)
    small = next(li for li in order.lines if li.price_fen == SMALL)
    return big, small


def _fen(cell: str) -> int:
    words = re.sub(r"<[^>]+>", "", cell).strip()
    if words == "—":
        return 0
    return int(round(float(re.sub(r"[^0-9.]", "", words)) * 100))


def _refunded_column(page: str) -> tuple[list[int], int]:
    """The order page's refunded column: each pack line's and the fee's, and the total's."""
    table = page[page.index("<thead>") : page.index("</table>")]
    rows = re.findall(r"<tr([^>]*)>(.*?)</tr>", table, re.S)[1:]  # past the header
    rows = [row for attrs, row in rows if "refund-owed" not in attrs]  # the owed, apart
    cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S) for row in rows]
    parts = [_fen(c[2]) for c in cells if "Total" not in c[0] and "合计" not in c[0]]
    (total,) = [_fen(c[2]) for c in cells if "Total" in c[0] or "合计" in c[0]]
    return parts, total


def test_the_order_page_lines_and_fee_add_up_to_the_total_row(client, monkeypatch):
    order, failed = _with_failed_refund(monkeypatch)
    Auth(client).login(order.user.email)
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    parts, total = _refunded_column(page)
    assert len(parts) == 3  # two packs and the delivery fee
    assert sum(parts) == total == LINE_REFUND
    assert sorted(parts) == [0, 0, LINE_REFUND]  # the failed shares are in no line
    refund_payback.mark_paid_back(make_admin(), order.id, failed.id, "工行转账 A-1")
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    parts, total = _refunded_column(page)
    assert sum(parts) == total == LINE_REFUND + FAILED
    assert sorted(parts) == sorted([FAILED_SHARES[0], FAILED_SHARES[1] + LINE_REFUND, 10_476])


def test_the_invoice_counts_only_money_given_back(client, monkeypatch):
    order, _failed = _with_failed_refund(monkeypatch)
    found = invoices.invoice_for(order.user, order.id)
    assert [li.refunded_fen for li in found.lines] == [0, LINE_REFUND, 0]  # big, small, fee
    assert found.refunded_fen == LINE_REFUND
    Auth(client).login(order.user.email)
    client.get("/lang/en")
    page = client.get(f"/market/orders/{order.id}/invoice").get_data(as_text=True)
    assert f"Refunded so far: {money(LINE_REFUND)}." in page
    assert money(LINE_REFUND + FAILED) not in page and money(FAILED_SHARES[0]) not in page
    words = pdf_text(client.get(f"/market/orders/{order.id}/invoice?format=pdf").data)
    assert money(LINE_REFUND).lstrip("¥") in words
    assert money(LINE_REFUND + FAILED).lstrip("¥") not in words


def test_the_replayed_spread_is_the_one_booked(client):
    """Each refund's share as refund_shares replays it is what the refunds service booked:
    with every refund counted as owed, the shares are the lines' and the fee's booked
    figures (mixed line and whole-order refunds, odd fen)."""
    order = _paid(make_buyer())
    admin = make_admin()
    big, small = _lines(order)
    market_refunds.refund(admin, order.id, amount_fen=33_333)
    market_refunds.refund(admin, order.id, line_id=small.id, amount_fen=7_777)
    market_refunds.refund(admin, order.id, amount_fen=1)
    market_refunds.refund(admin, order.id, line_id=big.id, amount_fen=12_345)
    market_refunds.refund(admin, order.id, amount_fen=55_555)
    db.session.execute(sa.update(Refund).where(Refund.order_id == order.id).values(status="failed"))
    db.session.commit()
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    owed = refund_shares.owed_back(order)
    assert owed.lines == {li.id: li.refunded_fen for li in order.lines}
    assert owed.fee == order.refunded_fen - sum(li.refunded_fen for li in order.lines) > 0
    assert owed.total == order.owed_back_fen and refund_shares.refunded_back(order).total == 0


def test_a_failed_refund_booked_packs_first_before_the_change_is_taken_from_its_line(
    client, monkeypatch
):
    """Review finding: refunds of the whole order booked before 7 Dec 2026 went to the lines
    in order, then the fee. Replayed with today's spread, an old failed one was taken out of
    the fee and the ¥500 line as well, so the ¥1,500 line showed money given back that the
    buyer never had. The replay keeps the rule whose lines match what is stored."""
    order, failed = _with_failed_refund(monkeypatch)
    big, small = _lines(order)
    # as the rule before the change stored it: ¥1,100 all on the first line, none on the fee
    big.refunded_fen, small.refunded_fen = FAILED, LINE_REFUND
    db.session.commit()
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    big, small = _lines(order)
    owed, back = refund_shares.owed_back(order), refund_shares.refunded_back(order)
    assert (owed.line(big.id), owed.line(small.id), owed.fee) == (FAILED, 0, 0)
    assert (back.line(big.id), back.line(small.id), back.fee) == (0, LINE_REFUND, 0)
    assert back.total == order.refunded_back_fen == LINE_REFUND


def test_packs_first_fills_the_lines_in_order_then_the_fee():
    assert refund_shares.packs_first(700, [500, 300, 100]) == [500, 200, 0]
    assert refund_shares.packs_first(850, [500, 300, 100]) == [500, 300, 50]


def test_a_later_refund_letter_counts_only_money_given_back(client, monkeypatch):
    """The letter of a refund made after one that did not go through says what was given
    back so far, not the failed refund too (it said ¥1,250.00 of ¥2,200.00)."""
    order, _failed = _with_failed_refund(monkeypatch)
    _big, small = _lines(order)
    market_refunds.refund(make_admin(), order.id, line_id=small.id, amount_fen=5_000)
    query = sa.select(OutboxMessage).where(OutboxMessage.recipient == order.user.email)
    letter = db.session.scalars(query.order_by(OutboxMessage.id.desc())).first()
    assert money(5_000) in letter.body and money(LINE_REFUND + 5_000) in letter.body
    assert money(LINE_REFUND + FAILED + 5_000) not in letter.body


def test_the_returned_pack_page_says_what_its_line_was_given_back(client, monkeypatch):
    """The page asking whether a pack came back says the money given back on its line:
    not the failed whole-order refund's share of it (it said ¥785.72 for nothing given)."""
    order, _failed = _with_failed_refund(monkeypatch)
    admin = make_admin()
    market_orders.advance(admin, order.id)
    market_orders.advance(admin, order.id)  # shipped: its packs may come back
    big, small = _lines(order)
    Auth(client).login(admin.email)
    asked = {}
    for line in (big, small):
        url = f"/market/admin/lines/{line.id}/returned"
        page = submit(client, url, {}, page=f"/market/orders/{order.id}").get_data(as_text=True)
        facts = page[page.index('<dl class="facts">') : page.index("</dl>")]
        asked[line.id] = _fen(re.findall(r"<dd>(.*?)</dd>", facts, re.S)[-1])
    assert asked == {big.id: 0, small.id: LINE_REFUND}
