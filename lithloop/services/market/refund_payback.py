"""Refunds Stripe could not make (failed, canceled), paid back another way: the admins' list
of what is owed, and the mark "paid back another way" (who, when, how: a short note such
as the bank transfer's reference), audited, once per refund under the order's row lock."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from lithloop import clock
from lithloop.db import atomic
from lithloop.extensions import db
from lithloop.models import Order, Refund, User
from lithloop.services.accounts import audit, policies
from lithloop.services.errors import Conflict, Invalid, NotFound
from lithloop.services.market import refund_status
from lithloop.services.market.errors import Code
from lithloop.services.market.release import lock_order
from lithloop.services.strict_input import limited_text

NOTE_MAX = 200  # refund.paid_back_note's length, and the field's maxlength


def _owed() -> sa.Select:
    return sa.select(Refund).where(
        Refund.status.in_(refund_status.NOT_MADE), Refund.paid_back_at.is_(None)
    )


def owed(limit: int = 50) -> list[Refund]:
    """Refunds that did not reach their buyer and are not paid back yet, oldest first (with
    their order and buyer, for the orders page)."""
    query = _owed().options(joinedload(Refund.order).joinedload(Order.buyer_org))
    return list(db.session.scalars(query.order_by(Refund.at, Refund.id).limit(limit)))


def owed_count() -> int:
    """How many refunds are still to be paid back another way."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(_owed().subquery())) or 0


@dataclass(frozen=True)
class Marked:
    """The refund marked, and whether this request marked it (False: it was already)."""

    refund: Refund
    now: bool


def mark_paid_back(user: User, order_id: int, refund_id: int, note) -> Marked:
    """Record that an administrator paid a refund Stripe could not make back another way.

    A second press (or a second tab) finds it marked under the order's row lock and
    changes nothing: `now` is False. A refund that reached the buyer is a Conflict."""
    policies.require(user, policies.ADMINS, _l("Only administrators do this."))
    note = limited_text(note, "note", NOTE_MAX)
    if not note:
        raise Invalid(
            _l("Say how it was paid back, such as the bank transfer's reference."), field="note"
        )

    def work() -> Marked:
        order = lock_order(order_id)
        refund = next((r for r in order.refunds if r.id == refund_id), None)
        if refund is None:
            raise NotFound(_l("No such refund in this order."))
        if refund.paid_back_at is not None:
            return Marked(refund, False)
        if refund.status not in refund_status.NOT_MADE:
            raise Conflict(
                _l("This refund reached the buyer: there is nothing to pay back."),
                code=Code.NOT_OWED,
            )
        refund.paid_back_at, refund.paid_back_by_id = clock.now(), user.id
        refund.paid_back_note = note
        audit.record(
            "order.refund_paid_back",
            actor=user,
            obj=order,
            details={
                "refund_id": refund.id,
                "amount_fen": refund.amount_fen,
                "stripe_refund_id": refund.stripe_refund_id or "",
                "note": note,
            },
        )
        return Marked(refund, True)

    return atomic(work)


def owed_by_order(order_ids: list[int]) -> dict[int, int]:
    """Fen still to be paid back another way, by order, for these orders (one query)."""
    if not order_ids:
        return {}
    query = (
        _owed()
        .where(Refund.order_id.in_(order_ids))
        .with_only_columns(Refund.order_id, sa.func.sum(Refund.amount_fen))
        .group_by(Refund.order_id)
    )
    return {order_id: int(fen) for order_id, fen in db.session.execute(query)}
