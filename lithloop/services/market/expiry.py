"""The expiry sweep: pending orders whose reservation ended are released, their
PaymentIntents cancelled, and one that succeeded after all refunded in full.

A suspended buyer organisation's unpaid orders are released the same way, at once
(release_unpaid_of): the same test of "not being paid", the same cancellation at Stripe.

A released order's PaymentIntent is marked to be cancelled (Payment.cancel_due_since, set
by release_locked) until Stripe has cancelled it: one whose cancellation found Stripe not
answering, whoever released it, is asked again on each later sweep (RETRY_BATCH at a time,
the oldest first), so that no wallet can pay an order that no longer exists. One still due
after PAYMENT_CANCEL_RETRY_HOURS (Stripe keeps refusing: the intent is missing there, or
paid and its refund refused) is asked no more and shown to administrators (stuck_cancels)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock, outside_calls, payments
from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, Payment, User
from lithloop.services import idempotency
from lithloop.services.accounts import audit, policies
from lithloop.services.market import order_letters
from lithloop.services.market.payment_outcome import follow_intent
from lithloop.services.market.release import release_locked

#: Payment states in which Stripe may still take the money: the sweep leaves them alone.
IN_FLIGHT = frozenset({"confirming", "processing", "succeeded"})
#: Payment states after which Stripe may have charged the card without lithloop being told
#: (a 3-D Secure check passed, an unanswered confirmation): the buyer's letter says so.
MAYBE_CHARGED = frozenset({"requires_action", "confirming", "processing"})
#: Cancellations at Stripe still due that one sweep asks again at most.
RETRY_BATCH = 50


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
    if cancel_intents(orders):  # Stripe answers: ask again what earlier runs could not
        cancel_intents(_cancel_due(now))
    _log_given_up(now)
    return len(orders)


def release_unpaid_of(org_id: int, reason: str, why) -> list[Order]:
    """Release the organisation's pending orders not being paid (as the sweep would once
    they expire), each buyer told `why` (lazy); the caller commits, then cancel_intents."""
    return _release(_unpaid(clock.now()).where(Order.buyer_org_id == org_id), reason, why)


def cancel_intents(orders: list[Order]) -> bool:
    """After the commit that released them: cancel the orders' PaymentIntents at Stripe;
    False when Stripe stopped answering (those left stay due: the next sweep asks again)."""
    for order in orders:
        if not _cancel_intent(order):
            return False
    return True


def _given_up_before(now) -> datetime:
    """Cancellations due since before this are asked of Stripe no more."""
    return now - timedelta(hours=current_app.config["PAYMENT_CANCEL_RETRY_HOURS"])


def _cancel_due(now) -> list[Order]:
    """Released orders whose PaymentIntent is still to be cancelled at Stripe, oldest first
    (those given up on left out: they would hold the batch's front for ever)."""
    query = (
        sa.select(Order)
        .join(Payment)
        .where(Payment.cancel_due_since >= _given_up_before(now))
        .order_by(Payment.cancel_due_since, Payment.id)
        .limit(RETRY_BATCH)
    )
    return list(db.session.scalars(query))


def _log_given_up(now) -> None:
    """One warning per payment whose retries ran out, by the process that claims it: one
    UPDATE sets `cancel_given_up_at` where it is still empty, so of several processes
    sweeping (each app's embedded timer) one wins, and a late sweep misses none."""
    query = (
        sa.select(Payment.id)
        .where(Payment.cancel_due_since < _given_up_before(now))
        .where(Payment.cancel_given_up_at.is_(None))
        .order_by(Payment.cancel_due_since, Payment.id)
        .limit(RETRY_BATCH)
    )
    for payment_id in list(db.session.scalars(query)):
        claim = (
            sa.update(Payment)
            .where(Payment.id == payment_id, Payment.cancel_given_up_at.is_(None))
            .where(Payment.cancel_due_since.is_not(None))
            .values(cancel_given_up_at=now)
            .returning(Payment.order_id, Payment.intent_id, Payment.cancel_due_since)
        )
        try:
            won = db.session.execute(claim).one_or_none()
            db.session.commit()
        except sa.exc.SQLAlchemyError:
            db.session.rollback()
            raise
        if won is None:  # another process claimed (and logged) it meanwhile
            continue
        order_id, intent_id, due_since = won
        current_app.logger.warning(
            "order %s: intent %s not cancelled at Stripe within %s h: given up",
            order_id,
            intent_id,
            current_app.config["PAYMENT_CANCEL_RETRY_HOURS"],
            extra={
                "order_id": order_id,
                "intent_id": intent_id,
                "cancel_due_since": due_since.isoformat(),
            },
        )


def stuck_cancels(now=None, limit: int = 20) -> list[Payment]:
    """Payments Stripe has not cancelled within PAYMENT_CANCEL_RETRY_HOURS, oldest first:
    the sweep asks no more, an administrator checks them in Stripe's dashboard."""
    query = (
        sa.select(Payment)
        .where(Payment.cancel_due_since < _given_up_before(now or clock.now()))
        .order_by(Payment.cancel_due_since, Payment.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def settled_in_stripe(user: User, order_id: int) -> bool:
    """An administrator settled the order's stuck payment in Stripe's dashboard: it leaves
    the list (audited); False when it is not listed (cleared, or still asked by the sweep)."""
    policies.require(user, policies.ADMINS, _l("Only administrators do this."))
    query = sa.select(Payment).where(Payment.order_id == order_id).with_for_update()
    payment = db.session.scalar(query)
    given_up = _given_up_before(clock.now())
    if payment is None or payment.cancel_due_since is None or payment.cancel_due_since >= given_up:
        db.session.rollback()
        return False
    details = {"intent_id": payment.intent_id, "due_since": payment.cancel_due_since.isoformat()}
    payment.cancel_due_since = None
    audit.record("order.settled_in_stripe", actor=user, obj=payment.order, details=details)
    db.session.commit()
    return True


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
    False when Stripe did not answer. An intent that succeeded after all is refunded. Done,
    the payment is no longer due; else it stays due, asked again on the next sweep."""
    if order.payment is None:
        return True
    order_id, payment_id, intent_id = order.id, order.payment.id, order.payment.intent_id
    try:
        payments.gateway().cancel(intent_id)
    except payments.PaymentError as exc:
        current_app.logger.info("intent %s not cancelled: %s", intent_id, exc)
        if exc.unreachable:
            return False
        try:
            _refund_if_paid_after_all(order_id, intent_id)
        except payments.PaymentError as late:
            db.session.rollback()
            current_app.logger.warning(
                "order %s: late payment not refunded yet: %s", order_id, late.message
            )
            return not late.unreachable
    _cancel_done(payment_id)
    return True


def _cancel_done(payment_id: int) -> None:
    """Nothing more to cancel at Stripe for this payment: it is no longer due."""
    db.session.execute(
        sa.update(Payment).where(Payment.id == payment_id).values(cancel_due_since=None)
    )
    db.session.commit()


def _refund_if_paid_after_all(order_id: int, intent_id: str) -> None:
    """A released order whose PaymentIntent succeeded all the same: give the money back
    (PaymentError when Stripe refused or did not answer)."""
    if payments.gateway().retrieve(intent_id).succeeded:
        follow_intent(order_id, "succeeded")  # a cancelled order: refunded in full
