"""The Stripe adapter against a real localstripe: intents, 3-D Secure, declines, refunds."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from lithloop.payments import PaymentError, SignatureError, StripeGateway, verify_event
from tests.market.conftest import STRIPE_ENV, WEBHOOK_SECRET


@pytest.fixture
def gateway(localstripe):
    return StripeGateway(STRIPE_ENV["STRIPE_SECRET_KEY"], localstripe.base_url)


def sign(payload: str, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """A Stripe-Signature header exactly as Stripe computes it."""
    at = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{at}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def test_intent_in_fen_confirmed_with_a_test_card_then_partly_refunded(gateway):
    intent = gateway.create_intent(123_456, idempotency_key="t-visa", metadata={"order": 7})
    assert intent.status == "requires_payment_method" and intent.amount_fen == 123_456
    assert intent.client_secret.startswith(intent.id)
    paid = gateway.confirm(intent.id, "pm_card_visa", idempotency_key="t-visa-confirm")
    assert paid.succeeded and gateway.retrieve(intent.id).status == "succeeded"
    assert gateway.refund(intent.id, 456, idempotency_key="t-visa-refund").startswith("re_")


def test_3d_secure_card_requires_action_until_authenticated(gateway):
    intent = gateway.create_intent(5000, idempotency_key="t-3ds")
    method = gateway.card_method("4000002760003184")
    pending = gateway.confirm(intent.id, method, idempotency_key="t-3ds-confirm")
    assert pending.status == "requires_action" and pending.next_action
    done = gateway.test_authenticate(pending, success=True)
    assert done.succeeded


def test_declined_card_raises_a_payment_error_with_the_banks_message(gateway):
    intent = gateway.create_intent(5000, idempotency_key="t-decline")
    with pytest.raises(PaymentError) as caught:
        gateway.confirm(intent.id, "pm_card_chargeCustomerFail", idempotency_key="t-dec-c")
    assert caught.value.declined and caught.value.code == "card_declined"
    assert "declined" in caught.value.message
    assert gateway.retrieve(intent.id).status == "requires_payment_method"


def test_unknown_intent_is_a_payment_error_not_an_sdk_exception(gateway):
    with pytest.raises(PaymentError) as caught:
        gateway.retrieve("pi_does_not_exist")
    assert not caught.value.declined


def test_webhook_signature_verified_and_tampering_refused():
    payload = json.dumps({"id": "evt_1", "object": "event", "type": "ping", "data": {}})
    assert verify_event(payload.encode(), sign(payload), WEBHOOK_SECRET)["id"] == "evt_1"
    with pytest.raises(SignatureError):
        verify_event(payload.replace("ping", "pong").encode(), sign(payload), WEBHOOK_SECRET)
    with pytest.raises(SignatureError):
        verify_event(payload.encode(), sign(payload, secret="whsec_other"), WEBHOOK_SECRET)
    with pytest.raises(SignatureError):  # older than Stripe's 5-minute tolerance
        verify_event(payload.encode(), sign(payload, at=int(time.time()) - 3600), WEBHOOK_SECRET)


def _demo_app(tmp_path):
    """An app as `make run` makes it: demo payments, no Stripe key, its own instance folder."""
    from tests.conftest import make_app

    return make_app(
        f"sqlite:///{tmp_path / 'x.sqlite3'}",
        TESTING=False,
        PAYMENTS_MODE="demo",
        STRIPE_SECRET_KEY="",
        STRIPE_API_BASE="",
        INSTANCE_PATH=str(tmp_path / "instance"),
    )


def test_embedded_localstripe_starts_only_in_demo_mode_outside_tests(tmp_path):
    from lithloop import payments
    from lithloop.payments import localstripe_server
    from tests.conftest import make_app

    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    testing = make_app(url, STRIPE_SECRET_KEY="", STRIPE_API_BASE="")
    with testing.app_context(), pytest.raises(PaymentError):
        payments.gateway()
    try:
        with _demo_app(tmp_path).app_context():
            gateway = payments.gateway()
            assert gateway.test_mode and payments.settings().embedded
            intent = gateway.create_intent(100, idempotency_key="embedded")
            assert gateway.confirm(
                intent.id, "pm_card_visa", idempotency_key="embedded-c"
            ).succeeded
    finally:
        localstripe_server.stop_embedded()


def test_embedded_localstripe_remembers_payments_across_a_restart(tmp_path):
    """`make run` stopped and started again: a payment made before is still known."""
    from lithloop import payments
    from lithloop.payments import localstripe_server

    try:
        with _demo_app(tmp_path).app_context():
            gateway = payments.gateway()
            intent = gateway.create_intent(2500, idempotency_key="before-restart")
            assert gateway.confirm(intent.id, "pm_card_visa", idempotency_key="b-c").succeeded
        localstripe_server.stop_embedded()  # the demo process ends
        with _demo_app(tmp_path).app_context():
            again = payments.gateway().retrieve(intent.id)
            assert again.succeeded and again.amount_fen == 2500
    finally:
        localstripe_server.stop_embedded()


def test_two_demo_instances_never_share_the_embedded_servers_objects(tmp_path):
    """Another instance folder (another demo) gets a server on its own file, not the last one."""
    from lithloop import payments
    from lithloop.payments import localstripe_server

    try:
        with _demo_app(tmp_path / "one").app_context():
            intent = payments.gateway().create_intent(700, idempotency_key="one")
        with _demo_app(tmp_path / "two").app_context():
            with pytest.raises(PaymentError):
                payments.gateway().retrieve(intent.id)
    finally:
        localstripe_server.stop_embedded()
