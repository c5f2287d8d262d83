"""Lock an order for a transaction; cancel a pending one and put its packs back on sale."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Order, OrderStatus, PackState, User
from lithloop.services.errors import NotFound, ServiceError
from lithloop.services.packs.state import place


def release_locked(order: Order, reason: str, user: User | None = None) -> None:
    """Cancel a pending order and put its packs back on sale (the caller commits); its
    PaymentIntent, unless Stripe cancelled it already, is marked to be cancelled there."""
    for line in order.lines:
        if line.pack.state is PackState.RESERVED:
            place(
                line.pack,
                PackState.FINISHED,
                user,
                "released",
                data={"order_id": order.id, "reason": reason[:100]},
                public=False,
            )
    order.status = OrderStatus.CANCELLED
    order.status_at = clock.now()
    order.cancel_reason = reason[:300]
    order.reserved_until = None
    payment = order.payment
    if payment is not None and payment.status != "canceled":  # Stripe's cancellation is due
        payment.cancel_due_since = order.status_at  # (expiry.cancel_intents, after the commit)
        payment.cancel_given_up_at = None


def lock_order(order_id: int) -> Order:
    """The order, locked for this transaction (NotFound if absent)."""
    order = db.session.scalar(
        sa.select(Order)
        .where(Order.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if order is None:
        raise NotFound(_l("No such order."))
    return order


def release(order_id: int, reason: str, user: User | None = None) -> Order:
    """Cancel a pending order and release its packs, in its own transaction."""
    try:
        order = lock_order(order_id)
        if order.status is OrderStatus.PENDING_PAYMENT:
            release_locked(order, reason, user)
        db.session.commit()
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise
    return order
