"""Paying an order: confirm with a card, 3-D Secure, declines.

The order then follows what Stripe reports about its PaymentIntent through
payment_outcome.follow_intent, which only ever moves forward.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import timedelta

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, payments
from lithloop.db import atomic as _run
from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, User
from lithloop.services.errors import Conflict, Invalid, ServiceError
from lithloop.services.market import expiry, order_letters
from lithloop.services.market import orders as market_orders
from lithloop.services.market.checkout import PaymentUnavailable, ensure_intent, require_payments
from lithloop.services.market.errors import Code
from lithloop.services.market.expiry import confirm_stale_after_s
from lithloop.services.market.payment_outcome import follow_intent, set_status
from lithloop.services.market.payment_reasons import reason
from lithloop.services.market.release import lock_order

#: Test cards a buyer may type into the card field in test mode (shown as a hint).
TEST_CARDS = {
    "4242 4242 4242 4242": _l("succeeds"),
    "4000 0027 6000 3184": _l("asks for 3-D Secure"),
    "4000 0000 0000 0002": _l("declined"),
}


#: What a payment method may look like: Stripe's id (pm_..., card_...) or a test card number.
METHOD_RE = re.compile(r"(?:pm|card|src)_[A-Za-z0-9_]{1,200}|[0-9]{16}", re.ASCII)


class PaymentFailed(ServiceError):
    """The card was refused; the order stays pending, its packs reserved, to pay again."""

    status = 402
    code = "card_declined"


def _open_for_payment(user: User, order_id: int) -> Order:
    """Lock the buyer's pending order; an expired reservation is released and refused."""
    market_orders.order_to_pay(user, order_id)  # 404 for another organisation's order
    order = lock_order(order_id)
    pending = order.status is OrderStatus.PENDING_PAYMENT
    if pending and order.reserved_until is not None and order.reserved_until < clock.now():
        # as the sweep would have: the buyer's letter, then the PaymentIntent cancelled
        # (a wallet could still charge it; one that succeeded after all is refunded)
        expiry.release_one(order, "reservation expired", order_letters.EXPIRED, user)
        db.session.commit()
        expiry.cancel_intents([order])
        raise Conflict(
            _l(
                "Your reservation expired; the packs are back on sale. "
                "Add them to the cart again to order."
            ),
            code=Code.RESERVATION_EXPIRED,
        )
    if not pending or order.payment is None:
        raise Conflict(
            _l(
                "%(what)s; there is nothing to pay.",
                what=labels.clause(labels.ORDER_IS, order.status, order.id),
            ),
            code=Code.NOT_PAYABLE,
        )
    return order


def open_payment(user: User, order_id: int) -> Order:
    """The buyer's pending order with its PaymentIntent, opened now if checkout could not."""
    order = market_orders.order_to_pay(user, order_id)
    require_payments()
    ensure_intent(order)  # PaymentUnavailable (502) while Stripe is still down
    return _run(lambda: _open_for_payment(user, order_id))


def pay(user: User, order_id: int, method: str) -> Order:
    """Confirm the order's PaymentIntent with a payment method (or a test card number)."""
    method = (method or "").strip() if isinstance(method, str) else ""
    if not METHOD_RE.fullmatch(method):  # a PaymentMethod id from Stripe.js, or a test card
        raise Invalid(_l("Enter your card in the card field."), field="method")
    # Stripe was unreachable at checkout: open the PaymentIntent now (PaymentUnavailable
    # again while it is still down; the order stays pending and reserved meanwhile).
    ensure_intent(market_orders.order_to_pay(user, order_id))

    def start():
        order = _open_for_payment(user, order_id)
        payment = order.payment
        unknown = payment.status == "confirming" and payment.updated_at < clock.now() - timedelta(
            seconds=confirm_stale_after_s()
        )
        if payment.status in ("confirming", "requires_action") and not unknown:
            raise Conflict(
                _l(
                    "A payment of order #%(id)s is already under way (from another window, a "
                    "second click, or waiting for your bank's check). Open the order in a "
                    "minute: it says whether it is paid. Do not pay again before that.",
                    id=order_id,
                ),
                code=Code.PAYMENT_UNDER_WAY,
            )
        retry = payment.status == "declined" or (
            payment.status == "requires_payment_method" and bool(payment.last_error)
        )
        payment.status = "confirming"  # the expiry sweep leaves it alone meanwhile
        payment.updated_at = clock.now()
        return payment.intent_id, unknown, retry

    intent_id, unknown, retry = _run(start)
    gateway = payments.gateway()
    try:
        if retry:  # a declined PaymentIntent is not confirmed again: open a fresh one
            fresh = _replace_intent(order_id, intent_id)
            if fresh is None:  # the spent one succeeded after all: the order is paid by it
                return follow_intent(order_id, "succeeded")
            intent_id = fresh
        if unknown:  # an earlier confirm got no answer: Stripe may have taken the money
            known = gateway.retrieve(intent_id)
            if known.status not in ("requires_payment_method", "requires_confirmation"):
                return follow_intent(order_id, known.status, next_action=known.next_action)
        if method.isascii() and method.isdigit():
            method = gateway.card_method(method)
        intent = gateway.confirm(
            intent_id, method, idempotency_key=_pay_key(order_id, intent_id, method)
        )
    except payments.PaymentError as exc:
        message = exc.message
        if exc.timed_out or (unknown and not exc.declined):  # the outcome is Stripe's to tell
            _run(lambda: set_status(order_id, "confirming", message))
            raise PaymentUnavailable(
                _l(
                    "The payment service did not answer in time (%(m)s). If your card was "
                    "charged, the order will show as paid; if not, pay again in a minute.",
                    m=reason(exc),
                )
            ) from exc
        if not exc.declined:
            _run(lambda: set_status(order_id, "requires_payment_method", message))
            raise PaymentUnavailable(
                _l(
                    "The payment did not go through (%(m)s). Nothing was charged; try again.",
                    m=reason(exc),
                )
            ) from exc
        order = _run(lambda: set_status(order_id, "declined", message))
        raise declined(order, reason(exc)) from exc
    return follow_intent(
        order_id, intent.status, next_action=intent.next_action, error=intent.error
    )


def _pay_key(order_id: int, intent_id: str, method: str) -> str:
    """The idempotency key of confirming `intent_id` with `method`: of that intent (a retry
    after a decline confirms a fresh one, and Stripe refuses a key sent before to another
    request), the method hashed (a pm_ id may be 200 characters; Stripe keys stop at 255)."""
    return f"lithloop-pay-{order_id}-{intent_id}-{hashlib.sha256(method.encode()).hexdigest()[:32]}"


def authenticate(user: User, order_id: int, success: bool) -> Order:
    """The 3-D Secure step on the test server: the buyer approves or refuses the charge."""
    order = market_orders.order_to_pay(user, order_id)
    if order.payment is None or order.payment.status != "requires_action":
        raise Conflict(_l("This order is not waiting for 3-D Secure."), code=Code.NO_ACTION)
    gateway = payments.gateway()
    intent = payments.Intent(
        order.payment.intent_id,
        order.payment.client_secret,
        "requires_action",
        order.payment.amount_fen,
        None,
        None,
    )
    try:
        intent = gateway.test_authenticate(intent, success)
    except payments.PaymentError as exc:
        raise PaymentUnavailable(
            _l("The payment did not go through (%(m)s).", m=reason(exc))
        ) from exc
    return refresh(user, order_id, intent)


def refresh(user: User, order_id: int, intent: payments.Intent | None = None) -> Order:
    """Ask Stripe how the payment stands (the 3-D Secure return) and follow it."""
    order = market_orders.order_to_pay(user, order_id)
    if order.payment is None:
        return order
    if intent is None:
        try:
            intent = payments.gateway().retrieve(order.payment.intent_id)
        except payments.PaymentError as exc:
            raise PaymentUnavailable(
                _l("The payment service did not answer (%(m)s).", m=reason(exc))
            ) from exc
    failed = intent.status == "requires_payment_method" and order.payment.status in (
        "requires_action",
        "confirming",
    )
    order = follow_intent(
        order_id,
        intent.status,
        next_action=intent.next_action,
        error=intent.error or ("authentication failed" if failed else None),
    )
    if order.status is OrderStatus.PENDING_PAYMENT and failed:
        raise declined(order, reason("three_d_secure"))
    return order


def declined(order: Order, why) -> PaymentFailed:
    """The error for a refused card (`why`: a reason from payment_reasons): nothing charged,
    the order kept to pay again."""
    until = order.reserved_until
    return PaymentFailed(
        _l(
            "Your card was declined (%(m)s). Nothing was charged. Your order and its packs "
            "stay reserved until %(t)s: try again with another card.",
            m=why,
            t=format_datetime(until, "HH:mm") if until else "—",
        )
    )


def start_card_setup(user: User, order_id: int) -> str:
    """A SetupIntent for the card the buyer types into Stripe.js; returns its client secret.

    Each try gets its own (a declined one cannot be used again); nothing is stored."""
    order = market_orders.order_to_pay(user, order_id)
    if order.status is not OrderStatus.PENDING_PAYMENT:  # paid or cancelled since (another tab)
        raise Conflict(
            _l(
                "%(what)s; there is nothing to pay.",
                what=labels.clause(labels.ORDER_IS, order.status, order.id),
            ),
            code=Code.NOT_PAYABLE,
        )
    try:
        return payments.gateway().create_setup(
            idempotency_key=f"lithloop-setup-{order_id}-{uuid.uuid4().hex}",
            metadata={"order_id": order_id, "buyer_org_id": order.buyer_org_id},
        )
    except payments.PaymentError as exc:
        raise PaymentUnavailable(
            _l("The payment service did not answer (%(m)s). Try again.", m=reason(exc))
        ) from exc


def _replace_intent(order_id: int, old_intent_id: str) -> str | None:
    """After a decline, cancel the spent PaymentIntent and open a new one for the order;
    None when the spent one cannot be cancelled because it succeeded (a wallet paid it in
    the browser meanwhile): a second one would charge the buyer twice."""
    gateway = payments.gateway()
    try:
        gateway.cancel(old_intent_id)
    except payments.PaymentError as exc:
        if exc.unreachable:
            raise
        if gateway.retrieve(old_intent_id).succeeded:
            return None
    order = db.session.get(Order, order_id)
    intent = gateway.create_intent(
        order.total_fen,
        idempotency_key=f"lithloop-order-{order_id}-after-{old_intent_id}",
        metadata={"order_id": order_id, "buyer_org_id": order.buyer_org_id},
        wallets=payments.wallets(),
    )

    def swap():
        payment = lock_order(order_id).payment
        payment.intent_id, payment.client_secret = intent.id, intent.client_secret
        payment.amount_fen, payment.last_error = intent.amount_fen, ""
        return intent.id

    return _run(swap)
