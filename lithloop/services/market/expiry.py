"""The expiry sweep: pending orders whose reservation ended are released, their
PaymentIntents cancelled, and one that succeeded after all refunded in full.

A suspended buyer organisation's unpaid orders are released the same way, at once
(release_unpaid_of): the same test of "not being paid", the same cancellation at Stripe."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from lithloop import clock, outside_calls, payments
from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, Payment
from lithloop.services import idempotency
from lithloop.services.market import order_letters
from lithloop.services.market.payment_outcome import follow_intent
from lithloop.services.market.release import release_locked

#: Payment states in which Stripe may still take the money: the sweep leaves them alone.
IN_FLIGHT = frozenset({"confirming", "processing", "succeeded"})
#: Payment states after which Stripe may have charged the card without lithloop being told
#: (a 3-D Secure check passed, an unanswered confirmation): the buyer's letter says so.
MAYBE_CHARGED = frozenset({"requires_action", "confirming", "processing"})


def confirm_stale_after_s() -> float:
    """After this long a payment still "confirming" has no request waiting on Stripe any
    more (its answer timed out, or its worker died): its outcome is for Stripe to tell."""
    embedded = not current_app.config.get("STRIPE_SECRET_KEY")
    return 3 * outside_calls.stripe_call_budget_s(current_app.config, embedded=embedded) + 5


def sweep_expired(now=None) -> int:
    """Release every pending order whose reservation has expired; returns how many.

    A payment "confirming" for longer than confirm_stale_after_s() is released too (then
    its PaymentIntent is cancelled; one that succeeded after all is refunded in full)."""
    now = now or clock.now()
    query = _unpaid(now).where(Order.reserved_until < now)
    try:
        orders = _release(query, "reservation expired", order_letters.EXPIRED)
        idempotency.purge_expired(now)
        db.session.commit()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        raise
    cancel_intents(orders)
    return len(orders)


def release_unpaid_of(org_id: int, reason: str, why) -> list[Order]:
    """Release the organisation's pending orders not being paid (as the sweep would once
    they expire), each buyer told `why` (lazy); the caller commits, then cancel_intents."""
    return _release(_unpaid(clock.now()).where(Order.buyer_org_id == org_id), reason, why)


def cancel_intents(orders: list[Order]) -> None:
    """After the commit that released them: cancel the orders' PaymentIntents at Stripe."""
    for order in orders:
        if not _cancel_intent(order):
            break  # Stripe not answering: the rest are cancelled on the next sweep or expire


def _unpaid(now) -> sa.Select:
    """Pending orders no payment is under way for, locked (SKIP LOCKED: one being worked
    on is left to its worker); a payment "confirming" past confirm_stale_after_s() counts
    as not under way."""
    stale = now - timedelta(seconds=confirm_stale_after_s())
    return (
        sa.select(Order)
        .outerjoin(Payment)
        .where(
            Order.status == OrderStatus.PENDING_PAYMENT,
            sa.or_(
                Payment.id.is_(None),
                Payment.status.not_in(IN_FLIGHT),
                sa.and_(Payment.status == "confirming", Payment.updated_at < stale),
            ),
        )
        .order_by(Order.id)
        .with_for_update(of=Order, skip_locked=True)
        .execution_options(populate_existing=True)
    )


def _release(query: sa.Select, reason: str, why) -> list[Order]:
    """Release the orders `query` locks and queue each buyer's letter (the caller commits)."""
    orders = list(db.session.scalars(query))
    for order in orders:
        release_one(order, reason, why)
    return orders


def release_one(order: Order, reason: str, why, user=None) -> None:
    """Release one locked pending order (by `user`, if a person's request found it expired)
    and queue its buyer's letter saying `why` (the caller commits, then cancel_intents)."""
    maybe_charged = order.payment is not None and order.payment.status in MAYBE_CHARGED
    release_locked(order, reason, user)
    order_letters.released(order, why, maybe_charged)


def _cancel_intent(order: Order) -> bool:
    """Cancel the order's PaymentIntent at Stripe (best effort: it may have gone already);
    False when Stripe did not answer. An intent that succeeded after all is refunded."""
    if order.payment is None:
        return True
    gateway = payments.gateway()
    try:
        gateway.cancel(order.payment.intent_id)
    except payments.PaymentError as exc:
        current_app.logger.info("intent %s not cancelled: %s", order.payment.intent_id, exc)
        if exc.unreachable:
            return False
        _refund_if_paid_after_all(order.id, order.payment.intent_id)
    return True


def _refund_if_paid_after_all(order_id: int, intent_id: str) -> None:
    """A released order whose PaymentIntent succeeded all the same: give the money back."""
    try:
        if not payments.gateway().retrieve(intent_id).succeeded:
            return
        follow_intent(order_id, "succeeded")  # a cancelled order: refunded in full
    except payments.PaymentError as exc:
        db.session.rollback()
        current_app.logger.warning(
            "order %s: late payment not refunded yet: %s", order_id, exc.message
        )
