"""Why a payment failed, told in words a buyer reads, never Stripe's English."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from lithloop import payments
from lithloop.services.market import payment_reasons
from tests.plain_language import untranslated


@pytest.fixture
def backend():
    """SQLite only: messages are told the same whatever database holds the data."""
    return "sqlite"


@pytest.mark.parametrize("code", sorted(payment_reasons._REASONS))
def test_every_known_reason_is_chinese(app, code):
    with app.test_request_context(), force_locale("zh"):
        text = str(payment_reasons.reason(code))
    assert untranslated(text.replace("3-D Secure", "")) == [] and not text.isascii(), text


def test_an_unknown_decline_is_a_refused_card_and_other_errors_a_refused_request(app):
    declined = payments.PaymentError("Your card was declined.", code="x_new", declined=True)
    other = payments.PaymentError("Some internal thing", code="x_new")
    with app.test_request_context(), force_locale("en"):
        assert str(payment_reasons.reason(declined)) == "the bank refused the card"
        assert str(payment_reasons.reason(other)) == "the payment service refused the request"
        timeout = payments.PaymentError("Stripe did not answer within 10 s", code="timeout")
        assert str(payment_reasons.reason(timeout)) == "no answer in time"
