"""Orders after checkout: who sees them, fulfilment, returned packs."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lithloop import clock, labels
from lithloop.db import atomic as _run
from lithloop.extensions import db
from lithloop.models import Order, OrderLine, OrderStatus, PackState, User
from lithloop.services.accounts import policies
from lithloop.services.errors import Conflict, Forbidden, NotFound
from lithloop.services.market import order_letters
from lithloop.services.market.errors import Code
from lithloop.services.market.release import lock_order
from lithloop.services.packs.state import place

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
        selectinload(Order.lines).selectinload(OrderLine.pack),
        selectinload(Order.payment),
        selectinload(Order.refunds),  # the API's refunded and owed figures, per line too
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


def order_to_pay(user: User, order_id: int) -> Order:
    """An order the user may pay: any buyer of the organisation that placed it (a colleague
    in finance often pays), as any of them may see it, cancel it and take its invoice.
    NotFound for another organisation's; Forbidden for an administrator, who sees it, and
    for every other role before any order is read."""
    if user.role not in policies.ORDER_VIEWERS:
        raise Forbidden(_l("Only buyers pay their organisation's orders."))
    order = get_order(user, order_id)
    if user.role not in policies.BUYERS or user.organisation_id != order.buyer_org_id:
        raise Forbidden(
            _l(
                "Only a buyer of the organisation that placed order #%(id)s can pay it.",
                id=order_id,
            )
        )
    return order


def _admin(user: User) -> None:
    policies.require(user, policies.ADMINS, _l("Only administrators do this."))


def advance(user: User, order_id: int, *, seen: str | None = None) -> Order:
    """Move a paid order one step: packed, shipped, delivered. `seen`: the status the page
    showed; when the order has moved since (a colleague's tab, a second press), Conflict and
    nothing moves, so one press never makes two steps."""
    _admin(user)

    def work():
        order = lock_order(order_id)
        if seen is not None and seen != order.status.value:
            raise Conflict(
                _l(
                    "%(what)s since this page was shown (by a colleague, or an earlier "
                    "press): nothing was changed. Check the order below.",
                    what=labels.clause(labels.ORDER_IS, order.status, order.id),
                ),
                code=Code.BAD_TRANSITION,
            )
        target = NEXT.get(order.status)
        if target is None:
            raise Conflict(
                _l(
                    "%(what)s: nothing to do next.",
                    what=labels.clause(labels.ORDER_IS, order.status, order.id),
                ),
                code=Code.BAD_TRANSITION,
            )
        order.status, order.status_at = target, clock.now()
        if target is OrderStatus.DELIVERED:  # kept when a refund later ends the order
            order.delivered_at = order.status_at
        order_letters.moved(order)  # shipped or delivered: the buyer is told (once: one move)
        return order

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
                "Pack %(code)s has not reached the buyer (%(what)s) and was not refunded: "
                "it cannot come back. To undo the sale, refund the line in full.",
                code=line.pack.code,
                what=labels.clause(labels.ORDER_IS, order.status, order.id),
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
