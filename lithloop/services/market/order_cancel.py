"""A buyer (or an administrator) cancels an order still awaiting payment: its packs go
back on sale at once, and its PaymentIntent is cancelled at Stripe after the commit.

An order whose payment Stripe may be taking (expiry.IN_FLIGHT) is refused: the payment's
outcome decides. A payment "confirming" past expiry.confirm_stale_after_s() no longer
counts (as for the expiry sweep): a charge that arrives after all is refunded in full."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, labels
from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, Role, User
from lithloop.services.accounts import policies
from lithloop.services.errors import Conflict, ServiceError
from lithloop.services.market import order_letters
from lithloop.services.market import orders as market_orders
from lithloop.services.market.errors import Code
from lithloop.services.market.expiry import (
    IN_FLIGHT,
    MAYBE_CHARGED,
    cancel_intents,
    confirm_stale_after_s,
)
from lithloop.services.market.release import lock_order, release_locked

#: order.cancel_reason of an order its buyer cancelled (the pages say it in words).
BY_BUYER = "cancelled by the buyer"
#: order.cancel_reason of an unpaid order an administrator cancelled for the park.
BY_PARK = "cancelled by the park"
#: Statuses after which nothing is left to cancel (the others are paid: a refund's matter).
_ENDED = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)


def reservation_ended(order: Order, now: datetime | None = None) -> bool:
    """The order awaits payment but its reservation is over (writes nothing: the expiry
    sweep, or a payment's try, releases it)."""
    until = order.reserved_until
    return (
        order.status is OrderStatus.PENDING_PAYMENT
        and until is not None
        and until < (now or clock.now())
    )


def payment_under_way(order: Order) -> bool:
    """Stripe may be taking the order's money now: its outcome decides, not a cancel."""
    payment = order.payment
    if payment is None or payment.status not in IN_FLIGHT:
        return False
    stale = clock.now() - timedelta(seconds=confirm_stale_after_s())
    return not (payment.status == "confirming" and payment.updated_at < stale)


def cancellable(order: Order) -> bool:
    """Whether the order may be cancelled now (the page's button): awaiting payment, and
    no payment under way."""
    return order.status is OrderStatus.PENDING_PAYMENT and not payment_under_way(order)


def _check(order: Order) -> None:
    """Conflict, in words, unless the order may be cancelled now."""
    what = labels.clause(labels.ORDER_IS, order.status, order.id)
    if order.status in _ENDED:
        raise Conflict(
            _l("%(what)s: there is nothing left to cancel.", what=what),
            code=Code.NOT_CANCELLABLE,
        )
    if order.status is not OrderStatus.PENDING_PAYMENT:
        raise Conflict(
            _l(
                "%(what)s: it can no longer be cancelled. For a refund, contact the park.",
                what=what,
            ),
            code=Code.NOT_CANCELLABLE,
        )
    if payment_under_way(order):
        raise Conflict(
            _l(
                "The payment of order #%(id)s is being processed, so the order cannot be "
                "cancelled now. Try again in a minute, or contact the park.",
                id=order.id,
            ),
            code=Code.PAYMENT_UNDER_WAY,
        )


def check_cancellable(user: User, order_id: int) -> Order:
    """The order, if the user may cancel it now (writes nothing): NotFound for another
    buyer's order, Conflict (in words) when it is not awaiting payment or being paid."""
    order = market_orders.get_order(user, order_id)
    _check(order)
    return order


def _tell_buyer(order: Order, user: User, maybe_charged: bool) -> None:
    """Queue the buyer's letter (it leaves once the cancel commits): their own cancel
    confirmed, or the park's cancel told with its reason."""
    if user.role is Role.BUYER:
        order_letters.cancelled_by_buyer(order, user.name, maybe_charged)
    else:
        order_letters.released(order, order_letters.BY_THE_PARK, maybe_charged)


def cancel(user: User, order_id: int) -> Order:
    """Cancel the order under its row lock: its packs go back on sale and the buyer is
    mailed (queued in the same transaction, sent after the commit), then its
    PaymentIntent is cancelled at Stripe (a charge that went through is refunded)."""
    policies.require(
        user, policies.ORDER_VIEWERS, _l("Only the order's buyers and the park's admins cancel it.")
    )
    market_orders.get_order(user, order_id)  # NotFound for another buyer's order
    reason = BY_BUYER if user.role is Role.BUYER else BY_PARK
    try:
        order = lock_order(order_id)
        if order.payment is not None:  # as it is now, not as this session last read it
            db.session.refresh(order.payment)
        _check(order)
        maybe_charged = order.payment is not None and order.payment.status in MAYBE_CHARGED
        release_locked(order, reason, user)
        _tell_buyer(order, user, maybe_charged)
        db.session.commit()
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise
    cancel_intents([order])
    return order
