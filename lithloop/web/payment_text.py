"""A payment's state in words: Stripe's PaymentIntent statuses as a buyer or admin reads them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

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


def init_templates(app) -> None:
    """Expose payment_status to templates."""
    app.jinja_env.globals["payment_status"] = payment_status
