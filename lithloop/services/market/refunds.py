"""Refunds of paid orders, whole or by line: asked of Stripe by an admin, or booked from
Stripe's own word (a webhook)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from lithloop import clock, labels, payments
from lithloop.db import atomic as _run
from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import PAID_STATUSES, Order, OrderLine, OrderStatus, Refund, User
from lithloop.services import idempotency
from lithloop.services.accounts import audit, policies
from lithloop.services.errors import Conflict, Invalid, NotFound
from lithloop.services.market import order_letters, refund_news, refund_status
from lithloop.services.market.errors import Code
from lithloop.services.market.payment_reasons import reason as payment_reason
from lithloop.services.market.release import lock_order
from lithloop.services.strict_input import limited_text

REASON_MAX = 300  # refund.reason's length, and the fields' maxlength


def _admin(user: User) -> None:  # orders.py asks the same
    policies.require(user, policies.ADMINS, _l("Only administrators do this."))


def pro_rata(amount: int, parts: list[int]) -> list[int]:
    """Split `amount` fen over `parts` (each what is left to refund of it) in proportion,
    whole fen by largest remainder (ties to the earlier part); no share exceeds its part."""
    total = sum(parts)
    assert 0 <= amount <= total, "refund larger than what is left to refund"
    if total == 0:
        return [0 for _ in parts]
    shares = [amount * part // total for part in parts]
    rest = amount - sum(shares)
    by_remainder = sorted(range(len(parts)), key=lambda k: (-(amount * parts[k] % total), k))
    for k in by_remainder[:rest]:
        shares[k] += 1
    return shares


def _allocate(
    order: Order, amount: int, line: OrderLine | None
) -> tuple[list[tuple[OrderLine, int]], int]:
    """Spread a refund over the order's parts; each line's share and the delivery fee's.

    A line's refund is that line's. A refund of the whole order (no line named) is a
    reduction of the whole invoice, as an accountant books a credit note against it: it is
    spread over the pack lines and the delivery fee in proportion to what is left to refund
    of each (whole fen by largest remainder), so that a refund of everything that is left
    refunds each part in full and a partial one keeps the invoice's proportions (and its
    VAT) rather than taking the packs first and leaving the fee as if it were still owed."""
    if line is not None:
        share = min(amount, line.price_fen - line.refunded_fen)
        line.refunded_fen += share
        assert share == amount, "refund larger than the line"
        return [(line, share)], 0
    fee_refunded = order.refunded_fen - sum(li.refunded_fen for li in order.lines)
    fee_left = (order.delivery_fee_fen or 0) - fee_refunded
    left = [li.price_fen - li.refunded_fen for li in order.lines]
    *line_shares, fee_share = pro_rata(amount, [*left, fee_left])
    for each, share in zip(order.lines, line_shares, strict=True):
        each.refunded_fen += share
    return list(zip(order.lines, line_shares, strict=True)), fee_share


def record_refund(
    order: Order,
    amount: int,
    line: OrderLine | None,
    *,
    by: User | None,
    reason: str,
    stripe_refund_id: str | None,
    at: datetime | None = None,
    tell: bool = True,
    status: str = "succeeded",
) -> Refund:
    """Book a refund against the order and its lines (the caller commits), dated `at` (when
    Stripe made it, if not now), and tell the buyer unless `tell` is False (the caller
    writes one letter for several). A partial refund is money beside the fulfilment state
    (the order stays paid, packed, shipped or delivered); a refund of everything ends it."""
    shares, fee_share = _allocate(order, amount, line)
    order.refunded_fen += amount
    if order.refunded_fen >= order.total_fen and order.status is not OrderStatus.REFUNDED:
        order.status, order.status_at = OrderStatus.REFUNDED, clock.now()
    status = refund_status.known(status)
    if tell and status not in refund_status.NOT_MADE:
        order_letters.refunded(
            order,
            amount,
            shares,
            fee_share,
            reason,
            typed=by is not None,
            on_its_way=status != refund_status.SUCCEEDED,
        )
    refund = Refund(
        order=order,
        line=line,
        amount_fen=amount,
        reason=reason[:300],
        by_user_id=by.id if by else None,
        stripe_refund_id=stripe_refund_id,
        at=at or clock.now(),
        status=status,
    )
    db.session.add(refund)
    if tell and status in refund_status.NOT_MADE:  # Stripe answered it failed at once
        refund_news.not_made(order, refund)
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
    if status in refund_status.NOT_MADE:  # booked failed: its update moves it no further
        audit.record(
            "order.refund_failed",
            actor=by,
            obj=order,
            details={
                "stripe_refund_id": stripe_refund_id or "",
                "amount_fen": amount,
                "status": status,
                "failure_reason": "",
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
                    "%(what)s; only a paid order can be refunded.",
                    what=labels.clause(labels.ORDER_IS, order.status, order.id),
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
                    a=money(amount),
                    left=money(left),
                ),
                field="amount",
            )
        # Of the order's books as they stand and of this refund, not of the form's token: a
        # refund tried again after Stripe's answer was lost (from the page showing the error,
        # with a new token) reaches Stripe under the same key and gets the refund it made.
        stripe_key = (
            f"lithloop-refund-{order.id}-{len(order.refunds)}-{order.refunded_fen}"
            f"-{line.id if line else 'order'}-{amount}"
        )
        try:
            refund_id, status = payments.gateway().create_refund(
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
            order, amount, line, by=user, reason=reason, stripe_refund_id=refund_id, status=status
        )
        db.session.flush()
        idempotency.bind(held, done.id)
        return done

    return _run(work)
