"""Stripe webhooks: verified, recorded once by event id, applied forward only.

A replayed event id does nothing. Events may come late or twice under new ids: the order
only ever moves forward (a `payment_intent.succeeded` after a refund leaves it refunded), and
`charge.refunded` books only what Stripe refunded beyond what lithloop already booked (of a
cancelled order, it is news of a late payment: the rest is given back, all of it booked). A
report other than success is only a cue: the PaymentIntent is asked for (Stripe does not
deliver in order, and its `created` and lithloop's clock are two clocks) and its status
now is applied; while Stripe cannot be reached the event is refused with a 503, nothing
stored, so that Stripe delivers it again later. A refund's update that comes before the
refund is booked is refused with a 409 the same way (refund_status), to be applied once
`charge.refunded` has booked it.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import payments
from lithloop.extensions import db
from lithloop.models import PAID_STATUSES, OrderStatus, Payment, StripeEvent
from lithloop.services.errors import ServiceError
from lithloop.services.market import (
    charge_refunds,
    order_letters,
    payment_outcome,
    refund_status,
)
from lithloop.services.market.payment_reasons import reason
from lithloop.services.market.release import lock_order

HANDLED = {
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "payment_intent.requires_action",
    "charge.refunded",
    *refund_status.UPDATES,
}
#: Payment states whose outcome the buyer's page did not show: 3-D Secure under way, or a
#: confirmation whose answer never came. A failure reported then is mailed to the buyer.
UNSEEN = frozenset({"requires_action", "confirming", "processing"})


class BadWebhook(ServiceError):
    """A webhook request that is not a correctly signed Stripe event."""

    status = 400
    code = "bad_webhook"


class StripeUnreachable(ServiceError):
    """Stripe could not be asked how a payment stands: the event is to be delivered again."""

    status = 503
    code = "payment_unavailable"


def _intent_id(event_type: str, obj: dict) -> str | None:
    if event_type.startswith("payment_intent."):
        return obj.get("id")
    return obj.get("payment_intent")


def _parts(event) -> tuple[str, str, dict]:
    """(id, type, data.object) of a verified event, refusing shapes Stripe never sends (a
    400 stops Stripe's retries; a 500 would make it retry for days)."""
    if not isinstance(event, dict):
        raise BadWebhook("webhook event is not an object")
    event_id, event_type = event.get("id"), event.get("type")
    if not isinstance(event_id, str) or not 1 <= len(event_id) <= 255:
        raise BadWebhook("webhook event without a valid id", field="id")
    if not isinstance(event_type, str) or not 1 <= len(event_type) <= 100:
        raise BadWebhook("webhook event without a valid type", field="type")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise BadWebhook("webhook event without data.object", field="data")
    for key in ("id", "payment_intent"):
        if obj.get(key) is not None and (not isinstance(obj[key], str) or len(obj[key]) > 255):
            raise BadWebhook(f"webhook data.object.{key} is not an id", field=key)
    refunded = obj.get("amount_refunded")
    if refunded is not None and (type(refunded) is not int or not 0 <= refunded < 2**62):
        raise BadWebhook("webhook amount_refunded is not an amount", field="amount_refunded")
    for key in ("last_payment_error", "next_action"):
        if obj.get(key) is not None and not isinstance(obj[key], dict):
            raise BadWebhook(f"webhook data.object.{key} is not an object", field=key)
    return event_id, event_type, obj


def receive(payload: bytes, signature_header: str) -> str:
    """Verify and apply one webhook request; returns what was done (for the response)."""
    try:
        event = payments.verify_event(payload, signature_header, payments.webhook_secret())
    except payments.SignatureError as exc:
        raise BadWebhook(f"webhook signature: {exc}", field="Stripe-Signature") from exc
    event_id, event_type, obj = _parts(event)
    if db.session.scalar(sa.select(StripeEvent.id).where(StripeEvent.event_id == event_id)):
        return "duplicate"
    intent_id = _intent_id(event_type, obj) if event_type in HANDLED else None
    try:
        outcome = _apply_again_if_cancelled(event_type, obj, intent_id)
        db.session.add(
            StripeEvent(
                event_id=event_id, type=event_type[:100], intent_id=intent_id, outcome=outcome
            )
        )
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()  # the same event, delivered twice at once: the other one won
        return "duplicate"
    except (ServiceError, sa.exc.SQLAlchemyError):
        db.session.rollback()
        raise
    except payments.PaymentError as exc:  # a late payment's refund: Stripe delivers again
        db.session.rollback()
        raise _unreachable(exc) from exc
    return outcome


def _apply_again_if_cancelled(event_type: str, obj: dict, intent_id: str | None) -> str:
    """_apply; once more when the order was cancelled between the late payment's look and
    the row lock (its refund is then asked of Stripe before the lock, not under it)."""
    try:
        return _apply(event_type, obj, intent_id)
    except payment_outcome.CancelledMeanwhile:
        db.session.rollback()  # nothing written yet: the event is not recorded before
        return _apply(event_type, obj, intent_id)


def _apply(event_type: str, obj: dict, intent_id: str | None) -> str:
    if event_type not in HANDLED:
        return "ignored"
    if event_type in refund_status.UPDATES:  # by the refund's id, booked or not yet
        return refund_status.apply_update(obj)
    payment = db.session.scalar(sa.select(Payment).where(Payment.intent_id == intent_id))
    if payment is None:
        return "unknown_intent"
    if event_type == "charge.refunded":  # its refunds, asked of Stripe before the lock
        # a refund shows a cancelled order was paid: given back, then booked (False when
        # not cancelled, or when a twin delivery booked it first: this one booked nothing)
        late = payment_outcome.refund_late_payment(payment.order_id)
        # (only when there is news: refunded_fen only grows, so the lock finds no less)
        news = int(obj.get("amount_refunded") or 0) > payment.order.refunded_fen
        listed = charge_refunds.of_charge(obj) if news else None
        outcome = _refunded(payment.order_id, obj, listed)
        return "refunded" if late else outcome
    reported = {
        "payment_intent.succeeded": "succeeded",
        "payment_intent.canceled": "canceled",
        "payment_intent.requires_action": "requires_action",
    }.get(event_type, "requires_payment_method")
    intent = None
    if reported != "succeeded":  # only a cue: Stripe says how the payment stands now
        if _behind(payment.status, reported) or _own_cancel(payment.order, reported):
            return "stale"
        intent = _current(intent_id)  # outside the order's row lock
    status = intent.status if intent else reported
    if status == "succeeded":  # a late payment is refunded at Stripe before the lock
        payment_outcome.refund_late_payment(payment.order_id)
    order = lock_order(payment.order_id)
    if _behind(order.payment.status, status) or _own_cancel(order, reported):
        return "stale"
    error = None
    if status == "requires_payment_method":  # Stripe's reason, else the one lithloop knows
        error = (intent and intent.error) or order.payment.last_error
        error = error or ("payment failed" if reported == status else None)
    before, unseen = order.status, order.payment.status in UNSEEN
    action = intent.next_action if intent else obj.get("next_action")
    payment_outcome.apply_intent(order.id, status, next_action=action, error=error)
    if error and unseen and order.status is OrderStatus.PENDING_PAYMENT:
        order_letters.payment_failed(order, reason(_decline_code(obj)))
    if order.status is not before:
        return "applied"
    return "stale" if status != reported else "no_change"


def _current(intent_id: str) -> payments.Intent:
    """The PaymentIntent as Stripe has it now (StripeUnreachable: deliver the event again)."""
    try:
        return payments.gateway().retrieve(intent_id)
    except payments.PaymentError as exc:
        raise _unreachable(exc) from exc


def _unreachable(exc: payments.PaymentError) -> StripeUnreachable:
    """Stripe did not answer: the event is refused with 503, to be delivered again."""
    return StripeUnreachable(_l("The payment service did not answer (%(m)s).", m=reason(exc)))


def _decline_code(intent: dict) -> str:
    """Stripe's decline or error code of a failed PaymentIntent ("" when none is given)."""
    error = intent.get("last_payment_error") or {}
    code = error.get("decline_code") or error.get("code")
    return code if isinstance(code, str) else ""


def _own_cancel(order, reported: str) -> bool:
    """True for a cancellation reported while lithloop confirms a pending order's payment."""
    # Paying again after a decline cancels the spent PaymentIntent, and Stripe may say so
    # before the new one is stored; the confirmation's answer (a stale one: the sweep) decides.
    pending = order.status is OrderStatus.PENDING_PAYMENT
    return pending and order.payment.status == "confirming" and reported == "canceled"


def _behind(known: str, reported: str) -> bool:
    """True when a report would move the payment backwards (succeeded is final)."""
    return known == "succeeded" and reported != "succeeded"


def _refunded(order_id: int, charge: dict, listed: list | None) -> str:
    order = lock_order(order_id)
    if order.status is OrderStatus.PENDING_PAYMENT:
        payment_outcome.apply_intent(order.id, "succeeded")  # a refund means it was paid
    if order.status is OrderStatus.CANCELLED and order.refunded_fen == 0:
        # cancelled since the look: its payment is given back at Stripe, not under the lock
        raise payment_outcome.CancelledMeanwhile(order.id)
    refunded = int(charge.get("amount_refunded") or 0)
    extra = min(refunded, order.total_fen) - order.refunded_fen
    if extra <= 0 or order.status not in (*PAID_STATUSES, OrderStatus.REFUNDED):
        return "no_change"
    charge_refunds.book(order, extra, listed)
    return "refunded"
