"""The admin's refund says what Stripe answered. It said "Refunded ¥X." whatever the
answer: for a `pending` refund it now says the refund was asked for and that the bank
usually shows it within 5-10 working days (the buyer's letter's words), and for one that
`failed` at once that the money has not reached the buyer and what to do.

localstripe makes every refund `succeeded`: the other answers are Stripe's answer to the
same refund with its status replaced, as Stripe would give it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Refund
from lithloop.payments import StripeGateway
from tests.conftest import submit
from tests.market.test_refund_confirmation import _paid_order_and_admin, text


def _refund_answered(app, client, monkeypatch, status: str | None, lang: str):
    """The admin refunds ¥250 of a paid order; Stripe answers `status` (None: as made)."""
    made = StripeGateway.create_refund

    def answered(self, intent_id, amount_fen, *, idempotency_key, metadata=None):
        refund_id, real = made(self, intent_id, amount_fen, idempotency_key=idempotency_key)
        return refund_id, status or real

    monkeypatch.setattr(StripeGateway, "create_refund", answered)
    order, admin = _paid_order_and_admin(app, client)
    admin.get(f"/lang/{lang}")
    url, page = f"/market/admin/orders/{order.id}/refund", f"/market/orders/{order.id}"
    form = {"amount": "250", "reason": "scratch", "confirmed": "1"}
    reply = submit(admin, url, form, page=page, follow_redirects=True)
    assert reply.status_code == 200
    return text(reply)


@pytest.mark.parametrize(
    ("lang", "words", "not_said"),
    [
        ("en", "Refund of ¥250.00 requested. It is not finished yet", "Refunded ¥250.00."),
        ("zh", "已申请退款 ¥250.00。退款尚未完成", "已退款 ¥250.00。"),
    ],
)
def test_a_pending_refund_is_said_to_be_asked_for(app, client, monkeypatch, lang, words, not_said):
    page = _refund_answered(app, client, monkeypatch, "pending", lang)
    assert words in page and not_said not in page
    assert ("5-10 working days" if lang == "en" else "5–10 个工作日") in page


def test_a_refund_that_failed_at_once_says_so_and_what_to_do(app, client, monkeypatch):
    page = _refund_answered(app, client, monkeypatch, "failed", "en")
    assert "Stripe could not make the refund of ¥250.00" in page
    assert "bank transfer" in page and "Refunded ¥250.00." not in page


def test_a_refund_stripe_made_says_refunded(app, client, monkeypatch):
    page = _refund_answered(app, client, monkeypatch, None, "en")
    assert "Refunded ¥250.00." in page and "requested" not in page
    (row,) = db.session.scalars(sa.select(Refund))
    assert row.status == "succeeded"
