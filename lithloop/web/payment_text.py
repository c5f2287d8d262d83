"""A payment's state in words: Stripe's PaymentIntent statuses as a buyer or admin reads them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lithloop.services.market.order_letters import AT_STRIPE, PAID_LATE

STATUS = {
    "requires_payment_method": _l("waiting for a card"),
    "requires_confirmation": _l("waiting for confirmation"),
    "requires_action": _l("waiting for the bank's confirmation"),
    "processing": _l("being processed"),
    "requires_capture": _l("authorised, not yet captured"),
    "canceled": _l("cancelled"),
    "succeeded": _l("paid"),
    # the park's own states (services/market/payments.py), between two answers from Stripe
    "confirming": _l("being confirmed with the payment service"),
    "declined": _l("the bank refused the card"),
}


def payment_status(code: str | None) -> str:
    """A PaymentIntent status in words (an unknown status is shown as it is)."""
    return str(STATUS.get(code or "", code or "—"))


#: The refunds the platform books by itself, in words; an administrator's note is shown as typed.
PLATFORM_REFUNDS = {
    AT_STRIPE: _l("refunded at the payment service"),
    PAID_LATE: _l("paid after the order was cancelled: refunded in full"),
}


def refund_reason(reason: str | None) -> str:
    """Why a refund was made: the platform's own reasons in words, a person's note as typed."""
    return str(PLATFORM_REFUNDS.get(reason or "", reason or ""))


def init_templates(app) -> None:
    """Expose payment_status and refund_reason to templates."""
    app.jinja_env.globals["payment_status"] = payment_status
    app.jinja_env.globals["refund_reason"] = refund_reason
