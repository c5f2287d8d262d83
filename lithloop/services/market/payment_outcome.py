"""An order's PaymentIntent follows what Stripe reports: the payment's status, and the order
paid (packs sold, invoice frozen) or released.

One function, `apply_intent`, moves an order from what Stripe reports about its
PaymentIntent, whoever brings the news (the buyer's confirm, the 3-D Secure return, a
webhook, the expiry sweep). It only ever moves forward, so news arriving twice or late
changes nothing. Stripe is never called under the order's row lock: a late payment's refund
is asked before the lock, and an order found cancelled meanwhile under it ends the
transaction (CancelledMeanwhile) to be tried again from the start (`follow_intent`).
"""

from __future__ import annotations

import sqlalchemy as sa

from lithloop import clock, payments
from lithloop.db import atomic
from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, PackState
from lithloop.services.market import charge_refunds, invoices, order_letters
from lithloop.services.market.refunds import record_refund
from lithloop.services.market.release import lock_order, release_locked
from lithloop.services.packs.state import place


class CancelledMeanwhile(Exception):
    """An order paid late was cancelled between refund_late_payment's look and the row lock:
    its refund is for Stripe, which is not asked under the lock. The caller rolls back and
    applies the news again (refund_late_payment then finds the order cancelled)."""


def set_status(order_id: int, status: str, error: str | None = None) -> Order:
    """The payment's status and error as Stripe gives them; written (with updated_at, the
    time of the last change) only when one of them changed, so that asking Stripe again
    (the 3-D Secure return, a GET) writes nothing when nothing happened."""
    order = lock_order(order_id)
    payment = order.payment
    error = (error or "")[:500]
    if payment is not None and (payment.status != status or payment.last_error != error):
        payment.status, payment.last_error = status, error
        payment.updated_at = clock.now()
    return order


def apply_intent(
    order_id: int, status: str, *, next_action: dict | None = None, error: str | None = None
) -> Order:
    """Follow the PaymentIntent's status, forward only, under the order's row lock and
    without asking Stripe anything (the caller commits; follow_intent refunds a late payment
    first). CancelledMeanwhile: the order was cancelled but its late payment not refunded."""
    order = set_status(order_id, status, error)
    action = next_action if status == "requires_action" else None
    if order.payment.next_action != action:
        order.payment.next_action = action
    if status == "canceled" and order.payment.cancel_due_since is not None:
        order.payment.cancel_due_since = None  # Stripe cancelled it: the sweep need not ask
    pending = order.status is OrderStatus.PENDING_PAYMENT
    if status == "succeeded":
        settle_paid(order)
    elif pending and status == "canceled":
        release_locked(order, "payment cancelled")
        order_letters.released(order, order_letters.CANCELLED)  # once: only this move writes it
    # A declined card (requires_payment_method with an error) keeps the order pending and
    # its packs reserved: the buyer tries another card until the reservation expires.
    return order


def settle_paid(order: Order) -> None:
    """The money was taken: sell the packs (a cancelled order's late payment is given back
    by refund_late_payment, before the lock)."""
    if order.status is OrderStatus.PENDING_PAYMENT:
        for line in order.lines:
            place(
                line.pack,
                PackState.SOLD,
                order.user,
                "sold",
                data={"order_id": order.id, "price_fen": line.price_fen},
            )
            line.pack.buyer_id = order.buyer_org_id
        order.status, order.paid_at = OrderStatus.PAID, clock.now()
        order.status_at, order.reserved_until = order.paid_at, None
        order.invoice = invoices.freeze(order)
        order_letters.paid(order)  # once: only this move from pending writes it
    elif order.status is OrderStatus.CANCELLED and order.refunded_fen == 0:
        # refund_late_payment did it before the lock; here only when the order was
        # cancelled between its look and the lock: the refund is not asked under the lock
        raise CancelledMeanwhile(order.id)


def follow_intent(
    order_id: int, status: str, *, next_action: dict | None = None, error: str | None = None
) -> Order:
    """apply_intent in a transaction of its own, committed, a late payment refunded at Stripe
    before the row lock; an order cancelled between that look and the lock is tried again."""

    def apply() -> Order:
        if status == "succeeded":
            refund_late_payment(order_id)  # Stripe's refund before the row lock
        return apply_intent(order_id, status, next_action=next_action, error=error)

    try:
        return atomic(apply)
    except CancelledMeanwhile:
        db.session.rollback()  # the row lock let go: refund_late_payment asks Stripe first
    try:
        return atomic(apply)
    except CancelledMeanwhile:  # cannot be: a cancelled order is refunded before the lock
        db.session.rollback()
        raise


def refund_late_payment(order_id: int) -> bool:
    """Before the order's row lock: a cancelled order paid all the same is refunded at
    Stripe, then booked under the lock unless another delivery booked it meanwhile (the
    caller commits); True when this call booked it. No race: a cancelled order leaves that
    state only by this refund, and twin calls send the same idempotency key (Stripe makes
    one refund); an order cancelled after this look is met under the lock by settle_paid
    (CancelledMeanwhile)."""
    query = sa.select(Order).where(Order.id == order_id)
    order = db.session.scalar(query.execution_options(populate_existing=True))
    if order is None or order.status is not OrderStatus.CANCELLED or order.refunded_fen:
        return False
    if order.payment is None:
        return False
    left, refund_id, status = _refund_at_stripe(order)
    dashboard = []
    if left < order.total_fen:  # refunded in Stripe's dashboard first: booked as Stripe has it
        made = payments.gateway().intent_refunds(order.payment.intent_id)
        dashboard = [item for item in made if item.get("id") != refund_id]
    order = lock_order(order_id)
    if order.status is not OrderStatus.CANCELLED or order.refunded_fen:
        return False  # another delivery booked it meanwhile: nothing done here
    _book_late_refund(order, left, (refund_id, status), dashboard)
    return True


def _refund_at_stripe(order: Order) -> tuple[int, str | None, str]:
    """What Stripe had not refunded yet of the late payment, refunded now: (amount, id,
    Stripe's status). A
    refund made under the same key before (its booking lost with a failed commit) is found
    and given again, so that it is booked as lithloop's, with its id."""
    gateway = payments.gateway()
    key = f"lithloop-order-{order.id}-late-payment"
    made = gateway.refund_made(order.payment.intent_id, key)
    if made is not None:
        refund_id, amount, status = made
        return min(amount, order.total_fen), refund_id, status
    left = min(gateway.unrefunded(order.payment.intent_id), order.total_fen)
    if not left:
        return 0, None, ""
    return left, *gateway.create_refund(order.payment.intent_id, left, idempotency_key=key)


def _book_late_refund(
    order: Order, left: int, made: tuple[str | None, str], dashboard: list
) -> None:
    """Book a late payment given back: the part refunded in Stripe's dashboard first as
    such, one row per Stripe refund with its id, amount and date (refunding the full total
    again would be refused by Stripe, and the webhook would fail for ever), the rest as
    lithloop's refund; the order ends refunded."""
    if order.total_fen - left:
        charge_refunds.book(order, order.total_fen - left, dashboard)
    if left:
        refund_id, status = made
        record_refund(
            order,
            left,
            None,
            by=None,
            reason=order_letters.PAID_LATE,
            stripe_refund_id=refund_id,
            status=status,
        )
    order.status, order.status_at = OrderStatus.REFUNDED, clock.now()
    order.payment.cancel_due_since = None  # paid and given back: nothing left to cancel
