"""Refunds made in Stripe's dashboard are booked from `charge.refunded` one row per Stripe
refund, each with its id, amount and the time Stripe made it, whether the event lists them
or not (newer API versions leave `refunds` out of the charge unless expanded: they are
asked of Stripe, here localstripe, which lists a charge's refunds)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import StripeEvent
from lithloop.services.market import payments as market_payments
from tests.market.test_cancel_retry import stripe_down
from tests.market.test_order_letters import mails_to
from tests.market.test_refund_dates import _charge
from tests.market.test_webhooks import _order, _reload, at_stripe, event, post
from tests.plain_language import untranslated


def _paid_with_dashboard_refunds(*amounts: int):
    buyer, _packs, order = _order()
    market_payments.pay(buyer, order.id, "pm_card_visa")
    for n, amount in enumerate(amounts):
        at_stripe().refund(order.payment.intent_id, amount, idempotency_key=f"dash-{order.id}-{n}")
    return order, _charge(order.payment.intent_id)


def _booked(order) -> list[tuple]:
    return sorted((r.stripe_refund_id, r.amount_fen, r.at) for r in _reload(order).refunds)


def _made(charge: dict) -> list[tuple]:
    return sorted(
        (r["id"], r["amount"], datetime.fromtimestamp(r["created"], UTC))
        for r in charge["refunds"]["data"]
    )


def test_two_dashboard_refunds_in_one_event_are_two_rows_with_their_ids(client):
    order, charge = _paid_with_dashboard_refunds(3000, 2000)
    assert len(charge["refunds"]["data"]) == 2
    reply = post(client, event("evt_two_refunds", "charge.refunded", charge))
    assert reply.json["outcome"] == "refunded"
    assert _booked(order) == _made(charge)
    assert _reload(order).refunded_fen == 5000


def test_an_event_without_the_refunds_list_asks_stripe_for_them(client):
    order, charge = _paid_with_dashboard_refunds(3000, 2000)
    made = _made(charge)
    del charge["refunds"]  # as newer API versions send the charge
    reply = post(client, event("evt_no_list", "charge.refunded", charge))
    assert reply.json["outcome"] == "refunded"
    assert _booked(order) == made  # localstripe's refunds.list(charge=...) answered


def test_a_second_event_books_only_the_new_refund(client):
    order, first = _paid_with_dashboard_refunds(3000)
    del first["refunds"]
    assert post(client, event("evt_first", "charge.refunded", first)).json["outcome"] == "refunded"
    at_stripe().refund(order.payment.intent_id, 1500, idempotency_key=f"dash-{order.id}-later")
    second = _charge(order.payment.intent_id)
    made = _made(second)
    del second["refunds"]
    assert (
        post(client, event("evt_second", "charge.refunded", second)).json["outcome"] == "refunded"
    )
    assert _booked(order) == made


def test_while_stripe_cannot_list_the_refunds_the_event_is_refused_to_come_again(app, client):
    order, charge = _paid_with_dashboard_refunds(3000)
    del charge["refunds"]
    with app.app_context(), stripe_down():  # the served app's Stripe: nothing listens
        reply = post(client, event("evt_list_down", "charge.refunded", charge))
    assert reply.status_code == 503
    assert _reload(order).refunds == [] and db.session.query(StripeEvent).count() == 0
    again = post(client, event("evt_list_down", "charge.refunded", charge))
    assert again.json["outcome"] == "refunded" and len(_booked(order)) == 1


def test_several_dashboard_refunds_in_one_event_are_one_letter_naming_each(client):
    order, charge = _paid_with_dashboard_refunds(3000, 2000)
    before = len(mails_to(order.user))
    post(client, event("evt_two_letters", "charge.refunded", charge))
    letters = mails_to(_reload(order).user)[before:]
    assert len(letters) == 1, [m.subject for m in letters]  # one per event, not per refund
    (letter,) = letters
    assert money(5000) in letter.subject
    assert "2 笔退款" in letter.body and "工作日" not in letter.body  # both succeeded
    for made in charge["refunds"]["data"]:
        at = datetime.fromtimestamp(made["created"], UTC)
        assert f"- {money(made['amount'])}，" in letter.body
        assert at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M") in letter.body
    assert untranslated(letter.body) == []
