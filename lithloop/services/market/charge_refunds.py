"""Refunds Stripe made of an order's charge that lithloop has not booked (made in Stripe's
dashboard): found in the `charge.refunded` event, or asked of Stripe when the event does not
list them (newer API versions leave `refunds` out of a charge unless expanded), then booked
one row per Stripe refund, with its id, amount and the time Stripe made it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app

from lithloop import payments
from lithloop.models import Order, Refund
from lithloop.services.market import order_letters, refund_letters, refund_status
from lithloop.services.market.refunds import record_refund

NOT_MADE = refund_status.NOT_MADE  # not booked: their money did not go back


@dataclass(frozen=True)
class StripeRefund:
    """One refund as Stripe lists it: its id, amount in fen and when it was made (UTC)."""

    id: str
    amount_fen: int
    at: datetime
    status: str = "succeeded"


def listed(charge: dict) -> list | None:
    """The charge's refunds as the event lists them; None when it does not list them all."""
    refunds = charge.get("refunds")
    items = refunds.get("data") if isinstance(refunds, dict) else None
    if not isinstance(items, list) or refunds.get("has_more") is True:
        return None
    return items


def of_charge(charge: dict) -> list | None:
    """Before the order's row lock: the charge's refunds, from the event or else asked of
    Stripe (PaymentError when Stripe did not answer: the event is delivered again); None
    when Stripe refused to list them (then what is not booked is booked as one row, now)."""
    items = listed(charge)
    charge_id = charge.get("id")
    if items is not None or not isinstance(charge_id, str) or not charge_id:
        return items
    try:
        return payments.gateway().charge_refunds(charge_id)
    except payments.PaymentError as exc:
        if exc.unreachable or exc.timed_out:
            raise
        current_app.logger.warning("refunds of charge %s not listed: %s", charge_id, exc)
        return None


def _valid(item) -> StripeRefund | None:
    """A listed refund lithloop can book, or None (a shape Stripe does not send, or failed)."""
    if not isinstance(item, dict) or item.get("status") in NOT_MADE:
        return None
    refund_id, amount, created = item.get("id"), item.get("amount"), item.get("created")
    if not isinstance(refund_id, str) or not 1 <= len(refund_id) <= 255:
        return None
    if type(amount) is not int or not 0 < amount < 2**62:
        return None
    if type(created) is not int or not 0 < created < 2**37:
        return None
    status = refund_status.known(item.get("status") or refund_status.SUCCEEDED)
    return StripeRefund(refund_id, amount, datetime.fromtimestamp(created, UTC), status)


def unbooked(items: list | None, booked: set) -> list[StripeRefund]:
    """The listed refunds not booked yet (by id), oldest first."""
    found = [_valid(item) for item in (items or [])]
    fresh = [r for r in found if r is not None and r.id not in booked]
    return sorted(fresh, key=lambda r: (r.at, r.id))


def book(order: Order, extra: int, items: list | None) -> None:
    """Book `extra` fen Stripe refunded beyond lithloop's books (under the row lock, the
    caller commits): one row per unbooked Stripe refund, the newest back until `extra` is
    covered (older ones were booked before without an id), each with its id, amount and
    date; what no listed refund accounts for, one row without an id, dated now. The buyer
    gets one letter for them all, naming the total and each refund."""
    rows, left = [], extra
    for refund in reversed(unbooked(items, {r.stripe_refund_id for r in order.refunds})):
        if left <= 0:
            break
        rows.append((refund, min(refund.amount_fen, left)))
        left -= rows[-1][1]
    before = {line.id: line.refunded_fen for line in order.lines}
    booked = [_record(order, amount, refund) for refund, amount in reversed(rows)]
    if left > 0:
        booked.append(_record(order, left, None))
    shares = [(line, line.refunded_fen - before[line.id]) for line in order.lines]
    fee = extra - sum(share for _line, share in shares)
    parts = [(r.amount_fen, r.at) for r in booked]
    pending = any(r.status != refund_status.SUCCEEDED for r in booked)
    refund_letters.refunded_at_stripe(order, parts, shares, fee, on_its_way=pending)


def _record(order: Order, amount: int, refund: StripeRefund | None) -> Refund:
    return record_refund(
        order,
        amount,
        None,
        by=None,
        reason=order_letters.AT_STRIPE,
        stripe_refund_id=refund.id if refund else None,
        at=refund.at if refund else None,
        tell=False,
        status=refund.status if refund else refund_status.SUCCEEDED,
    )
