"""Stripe's status of a booked refund: `pending` is not money back yet, `failed` or
`canceled` never will be. A refund is booked when it is made (Stripe counts it against the
charge at once, so the same money cannot be refunded twice); its status then follows
Stripe's `charge.refund.updated` (`refund.updated`, `refund.failed`) events, forward only,
under the order's row lock and without asking Stripe anything. An update that comes before
its refund is booked (Stripe does not deliver in order) is refused with a 409, nothing
stored, while the refund is young: Stripe delivers it again once `charge.refunded` (or the
admin's refund being made) has booked it. A refund that did not go through stays booked
(the park decided to give that money back); its buyer is told once by letter (on its move
to a final status) and administrators by a warning in the log, on the order's page and on
the orders page's list of refunds to pay back (refund_payback), with what to do: Stripe puts
the money back in the park's balance, and a card that refused it refuses it again, so it is
paid back another way."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Order, Payment, Refund
from lithloop.services.accounts import audit
from lithloop.services.errors import ServiceError
from lithloop.services.market import refund_news
from lithloop.services.market.release import lock_order

SUCCEEDED, PENDING, FAILED, CANCELED = "succeeded", "pending", "failed", "canceled"
#: Statuses after which a refund never changes (its money did not go back).
NOT_MADE = frozenset({FAILED, CANCELED})
#: Stripe's statuses of a refund under way (`requires_action`: Stripe waits for details).
UNDER_WAY = frozenset({PENDING, "requires_action"})
#: The event types that report a refund's new status.
UPDATES = frozenset({"charge.refund.updated", "refund.updated", "refund.failed"})
#: An update of a refund not booked yet is refused (Stripe delivers it again) while the
#: refund is younger than this: its `charge.refunded` comes within seconds to minutes.
REDELIVER_FOR_S = 24 * 3600


class RefundNotBookedYet(ServiceError):
    """An update of a refund of one of lithloop's payments arrived before the refund was
    booked: refused with 409 and nothing stored, so that Stripe delivers it again."""

    status = 409
    code = "refund_not_booked_yet"


def known(status: str | None) -> str:
    """Stripe's refund status as lithloop keeps it (an unknown one is not money back yet)."""
    if status in (SUCCEEDED, FAILED, CANCELED):
        return status
    return PENDING


def not_made(order: Order) -> list[Refund]:
    """The order's booked refunds whose money did not reach the buyer (for its admins)."""
    return [r for r in order.refunds if r.status in NOT_MADE]


def _booked_in(refund_id: str) -> int | None:
    """The order the refund is booked against, or None."""
    query = sa.select(Refund.order_id).where(Refund.stripe_refund_id == refund_id)
    return db.session.scalar(query)


def _wait_for_booking(refund: dict) -> int | None:
    """The order of a refund not booked when its update came: after the order's row lock
    (an admin's refund being made holds it until booked), its order; of a payment lithloop
    knows, RefundNotBookedYet while the refund is young (its `charge.refunded` books it,
    Stripe delivers this again); None when no order of ours is concerned, or too late."""
    intent_id = refund.get("payment_intent")
    if not isinstance(intent_id, str) or not intent_id:
        return None
    query = sa.select(Payment.order_id).where(Payment.intent_id == intent_id)
    payment_order = db.session.scalar(query)
    if payment_order is None:
        return None
    lock_order(payment_order)
    order_id = _booked_in(refund["id"])
    if order_id is not None:
        return order_id
    created = refund.get("created")
    young = type(created) is int and created > clock.now().timestamp() - REDELIVER_FOR_S
    if young:
        raise RefundNotBookedYet(
            "refund not booked yet: its charge.refunded books it; deliver this event again",
            field="id",
        )
    current_app.logger.warning(
        "order %s: update of refund %s never booked (%s): ignored",
        payment_order,
        refund["id"],
        refund.get("status"),
        extra={"order_id": payment_order, "stripe_refund_id": refund["id"]},
    )
    return None


def _moves(old: str, new: str) -> bool:
    """True when `new` is news: a final status never changes, success never goes back."""
    if old in NOT_MADE or new == old:
        return False
    return not (old == SUCCEEDED and new == PENDING)


def apply_update(refund: dict) -> str:
    """Follow a refund's status as Stripe reports it (the caller commits): the outcome."""
    refund_id, status = refund.get("id"), refund.get("status")
    if not isinstance(refund_id, str) or not isinstance(status, str) or len(status) > 40:
        return "ignored"
    order_id = _booked_in(refund_id) or _wait_for_booking(refund)
    if order_id is None:
        return "unknown_refund"
    order = lock_order(order_id)
    row = next(r for r in order.refunds if r.stripe_refund_id == refund_id)
    new = known(status)
    if not _moves(row.status, new):
        return "no_change"
    row.status = new
    if new in NOT_MADE:
        reason = refund.get("failure_reason")
        audit.record(
            "order.refund_failed",
            actor=None,
            obj=order,
            details={
                "stripe_refund_id": refund_id,
                "amount_fen": row.amount_fen,
                "status": new,
                "failure_reason": reason[:100] if isinstance(reason, str) else "",
            },
        )
        _tell(order, row, new)
        return "refund_failed"
    return "refund_" + new


def _tell(order: Order, row: Refund, status: str) -> None:
    """A refund that did not go through, told once (only its move to a final status gets
    here): the buyer by letter, administrators by a warning in the log, as for a payment
    Stripe would not cancel (the order's page shows them what to do)."""
    refund_news.not_made(order, row)
    current_app.logger.warning(
        "order %s: refund %s of %s fen %s at Stripe: to be paid back another way",
        order.id,
        row.stripe_refund_id,
        row.amount_fen,
        status,
        extra={"order_id": order.id, "stripe_refund_id": row.stripe_refund_id},
    )
