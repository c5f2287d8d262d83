"""Why a payment or refund did not go through, in the reader's language.

Stripe's own messages are English (and its timeouts are our wording in English); they are
kept for administrators in the payment's `last_error` and the logs, while buyers and
admins read the reason from Stripe's stable error and decline codes.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lithloop import payments

_REASONS = {
    "card_declined": _l("the bank refused the card"),
    "generic_decline": _l("the bank refused the card"),
    "do_not_honor": _l("the bank refused the card"),
    "lost_card": _l("the bank refused the card"),
    "stolen_card": _l("the bank refused the card"),
    "fraudulent": _l("the bank refused the card"),
    "insufficient_funds": _l("the card has not enough funds"),
    "expired_card": _l("the card has expired"),
    "incorrect_cvc": _l("the security code (CVC) is wrong"),
    "invalid_cvc": _l("the security code (CVC) is wrong"),
    "incorrect_number": _l("the card number is wrong"),
    "invalid_number": _l("the card number is wrong"),
    "invalid_expiry_month": _l("the expiry date is wrong"),
    "invalid_expiry_year": _l("the expiry date is wrong"),
    "processing_error": _l("the bank could not process the card"),
    "authentication_required": _l("the bank's confirmation (3-D Secure) is needed"),
    "payment_intent_authentication_failure": _l("the bank's confirmation (3-D Secure) failed"),
    "three_d_secure": _l("the bank's confirmation (3-D Secure) failed"),
    "timeout": _l("no answer in time"),
    "unreachable": _l("the payment service could not be reached"),
    "charge_already_refunded": _l("the payment has already been refunded"),
    "amount_too_large": _l("the amount is more than was paid"),
}


def reason(exc: payments.PaymentError | str):
    """A PaymentError (or a Stripe code) as a short reason a person reads (a lazy string)."""
    code = exc if isinstance(exc, str) else exc.code
    if code in _REASONS:
        return _REASONS[code]
    if not isinstance(exc, str) and exc.declined:
        return _REASONS["card_declined"]
    return _l("the payment service refused the request")
