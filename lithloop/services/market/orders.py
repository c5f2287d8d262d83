"""Orders after checkout: who sees them, fulfilment, refunds by an admin, returned packs."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lithloop import clock, labels, payments
from lithloop.db import atomic as _run
from lithloop.extensions import db
from lithloop.models import (
    PAID_STATUSES,
    Order,
    OrderLine,
    OrderStatus,
    PackState,
    Refund,
    User,
)
from lithloop.services import idempotency
from lithloop.services.accounts import audit, policies
from lithloop.services.errors import Conflict, Invalid, NotFound
from lithloop.services.market import order_letters
from lithloop.services.market.errors import Code
from lithloop.services.market.payment_reasons import reason as payment_reason
from lithloop.services.market.release import lock_order
from lithloop.services.packs.state import place
from lithloop.services.strict_input import limited_text

REASON_MAX = 300  # refund.reason's length, and the fields' maxlength
#: Fulfilment: the status an order may move to from each status.
NEXT = {
    OrderStatus.PAID: OrderStatus.PACKED,
    OrderStatus.PACKED: OrderStatus.SHIPPED,
    OrderStatus.SHIPPED: OrderStatus.DELIVERED,
}


def buyer_visible(model, user: User):
    """Rows of a buyer-owned model (newest first): the user's organisation's, all for admins."""
    query = sa.select(model).order_by(model.id.desc())
    return policies.buyer_scoped(query, user, model.buyer_org_id)


def visible_orders(user: User):
    """The query of the orders a user may see: their organisation's, or all for admins."""
    return buyer_visible(Order, user)


def order_page(user: User, page: int, per_page: int) -> tuple[list[Order], int]:
    """One page of the orders the user may see (newest first), lines and payment loaded,
    and how many there are. Forbidden for anyone but buyers and admins."""
    policies.require(user, policies.ORDER_VIEWERS, _l("Orders are for buyers."))
    if (page - 1) * per_page > 10**9:  # far past any order: an empty page, no overflow
        return [], _count(visible_orders(user))
    query = visible_orders(user).options(
        selectinload(Order.lines).selectinload(OrderLine.pack), selectinload(Order.payment)
    )
    orders = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    if page == 1 and len(orders) < per_page:
        return orders, len(orders)
    return orders, _count(visible_orders(user))


def _count(query) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )


def get_order(user: User, order_id: int) -> Order:
    """One order the user may see; NotFound for anyone else's."""
    order = db.session.scalar(visible_orders(user).where(Order.id == order_id))
    if order is None:
        raise NotFound(_l("No such order."))
    return order


def _admin(user: User) -> None:
    policies.require(user, policies.ADMINS, _l("Only administrators do this."))


def advance(user: User, order_id: int) -> Order:
    """Move a paid order one step: packed, shipped, delivered."""
    _admin(user)

    def work():
        order = lock_order(order_id)
        target = NEXT.get(order.status)
        if target is None:
            raise Conflict(
                _l(
                    "Order %(id)s is %(s)s: nothing to do next.",
                    id=order.id,
                    s=labels.label(labels.ORDER_STATUS, order.status),
                ),
                code=Code.BAD_TRANSITION,
            )
        order.status, order.status_at = target, clock.now()
        if target is OrderStatus.DELIVERED:  # kept when a refund later ends the order
            order.delivered_at = order.status_at
        order_letters.moved(order)  # shipped or delivered: the buyer is told (once: one move)
        return order

    return _run(work)


def yuan(fen: int) -> str:
    """¥ amount for messages."""
    return f"¥{Decimal(fen) / 100:,.2f}"


def _allocate(
    order: Order, amount: int, line: OrderLine | None
) -> tuple[list[tuple[OrderLine, int]], int]:
    """Spread a refund over the line given, or over the lines in order, then the delivery
    fee; each line's share and the fee's."""
    fee_left = 0
    if line is None:  # what of the order's refunds went beyond its lines: the fee's share
        fee_refunded = order.refunded_fen - sum(li.refunded_fen for li in order.lines)
        fee_left = (order.delivery_fee_fen or 0) - fee_refunded
    shares = []
    for each in [line] if line else order.lines:
        share = min(amount, each.price_fen - each.refunded_fen)
        each.refunded_fen += share
        amount -= share
        shares.append((each, share))
    assert amount <= fee_left, "refund larger than the lines and the delivery fee"
    return shares, amount


def record_refund(
    order: Order,
    amount: int,
    line: OrderLine | None,
    *,
    by: User | None,
    reason: str,
    stripe_refund_id: str | None,
) -> Refund:
    """Book a refund against the order and its lines (the caller commits). A partial refund
    is money beside the fulfilment state (the order stays paid, packed, shipped or
    delivered); a refund of everything ends the order (refunded)."""
    shares, fee_share = _allocate(order, amount, line)
    order.refunded_fen += amount
    if order.refunded_fen >= order.total_fen and order.status is not OrderStatus.REFUNDED:
        order.status, order.status_at = OrderStatus.REFUNDED, clock.now()
    order_letters.refunded(order, amount, shares, fee_share, reason, typed=by is not None)
    refund = Refund(
        order=order,
        line=line,
        amount_fen=amount,
        reason=reason[:300],
        by_user_id=by.id if by else None,
        stripe_refund_id=stripe_refund_id,
    )
    db.session.add(refund)
    audit.record(
        "order.refund",
        actor=by,
        obj=order,
        details={
            "amount_fen": amount,
            "line": line.pack.code if line else "",
            "reason": reason[:200],
            "stripe_refund_id": stripe_refund_id or "",
        },
    )
    return refund


def refund(
    user: User,
    order_id: int,
    *,
    line_id: int | None = None,
    amount_fen: int | None = None,
    reason: str = "",
    token: str | None = None,
) -> Refund:
    """Refund a whole order or one line, never more than was paid and not yet refunded.

    `token` is the form's one-time token: a second submit of the form (a double click, at
    the same moment or later) gets the first one's refund, and Stripe is asked once."""
    _admin(user)
    reason = limited_text(reason, "reason", REASON_MAX)  # refused beyond, never cut

    def work():
        order = lock_order(order_id)  # a twin submit waits here, then finds the token used
        held = idempotency.claim("refund", user.organisation_id, token)
        if held.replay_of is not None:
            return db.session.get(Refund, held.replay_of)
        if order.status not in PAID_STATUSES or order.payment is None:
            raise Conflict(
                _l(
                    "Only paid orders can be refunded (order %(id)s is %(s)s).",
                    id=order.id,
                    s=labels.label(labels.ORDER_STATUS, order.status),
                ),
                code=Code.NOT_REFUNDABLE,
            )
        line = None
        if line_id is not None:
            line = next((li for li in order.lines if li.id == line_id), None)
            if line is None:
                raise NotFound(_l("No such line in this order."))
        left = (line.price_fen - line.refunded_fen) if line else order.refundable_fen
        amount = left if amount_fen is None else int(amount_fen)
        if amount <= 0:
            raise Invalid(
                _l("Nothing is left to refund.") if left == 0 else _l("Enter an amount above 0."),
                field="amount",
            )
        if amount > left:
            raise Invalid(
                _l(
                    "%(a)s is more than the %(left)s that can still be refunded.",
                    a=yuan(amount),
                    left=yuan(left),
                ),
                field="amount",
            )
        stripe_key = (
            f"lithloop-refund-{order.id}-{token}"
            if token
            else f"lithloop-refund-{order.id}-{len(order.refunds)}-{amount}"
        )
        try:
            refund_id = payments.gateway().refund(
                order.payment.intent_id,
                amount,
                idempotency_key=stripe_key,
                metadata={"order_id": order.id, "line_id": line_id or ""},
            )
        except payments.PaymentError as exc:
            raise Conflict(
                _l("Stripe refused the refund: %(m)s", m=payment_reason(exc)),
                code=Code.REFUND_FAILED,
            ) from exc
        done = record_refund(
            order, amount, line, by=user, reason=reason, stripe_refund_id=refund_id
        )
        db.session.flush()
        idempotency.bind(held, done.id)
        return done

    return _run(work)


def returnable_line(user: User, line_id: int) -> OrderLine:
    """A line whose pack may come back (writes nothing): the buyer received it, or the
    line was refunded in full. Conflict for a paid pack still owed to the buyer or one
    already back, NotFound for no such line."""
    _admin(user)
    line = db.session.get(OrderLine, line_id)
    if line is None:
        raise NotFound(_l("No such order line."))
    _check_returnable(line)
    return line


def _check_returnable(line: OrderLine) -> None:
    order = line.order
    if line.returned_at is not None or line.pack.state is not PackState.SOLD:
        raise Conflict(
            _l("Pack %(code)s is not out with a buyer.", code=line.pack.code),
            code=Code.NOT_RETURNABLE,
        )
    if not line.sale_undone_or_received:
        raise Conflict(
            _l(
                "Pack %(code)s has not reached the buyer (order %(id)s is %(s)s) and was not "
                "refunded: it cannot come back. To undo the sale, refund the line in full.",
                code=line.pack.code,
                id=order.id,
                s=labels.label(labels.ORDER_STATUS, order.status),
            ),
            code=Code.NOT_RETURNABLE,
        )


def mark_returned(user: User, line_id: int) -> OrderLine:
    """The pack of a line came back to the park (see returnable_line): it is on sale again."""
    _admin(user)

    def work():
        line = db.session.get(OrderLine, line_id)
        if line is None:
            raise NotFound(_l("No such order line."))
        lock_order(line.order_id)  # the order's status as it is now, then the line's
        db.session.refresh(line)
        db.session.refresh(line.pack)
        _check_returnable(line)
        place(line.pack, PackState.FINISHED, user, "returned", data={"order_id": line.order_id})
        line.pack.buyer_id = None
        line.returned_at = clock.now()
        return line

    return _run(work)
