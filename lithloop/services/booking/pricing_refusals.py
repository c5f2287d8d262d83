"""The pricing engine's refusals (English, for developers) as errors a person can act on.

The pure engine names each refusal by a stable code and field; pages and the API show the
code's message in the reader's language, never the engine's own wording.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from lithloop import pricing, vocab
from lithloop.i18n import listed
from lithloop.services.errors import Invalid

C = pricing.PricingErrorCode

_CHOICES = {
    C.UNKNOWN_CHEMISTRY: vocab.Chemistry,
    C.UNKNOWN_FORM: vocab.Form,
    C.UNKNOWN_CONDITION: vocab.Condition,
    C.UNKNOWN_GRADE: vocab.PriceGrade,
}


def _message(exc: pricing.PricingError):
    """The refusal in the reader's language (a lazy string)."""
    code = exc.code
    if code in _CHOICES:
        return _l("Choose one of: %(choices)s.", choices=listed(list(vocab.values(_CHOICES[code]))))
    if code == C.REQUIRED and exc.field == "distance_km":
        return _l(
            "Give the distance from the park in km (0 when the lot is brought to the park), "
            "or the site it is picked up from."
        )
    if code == C.REQUIRED:
        return _l("Required: it is missing.")
    if code == C.INVALID_NUMBER:
        return _l("Give a number.")
    if code in (C.MASS_OUT_OF_RANGE, C.SOH_OUT_OF_RANGE, C.NEGATIVE_CYCLES, C.OUT_OF_RANGE):
        return _l("The value is outside what a quote can price.")
    if code == C.NOT_SELLABLE:
        return _l(
            "This pack is worth more as scrap than a second-life pack may cost (always less "
            "than a new pack): recycle it rather than sell it."
        )
    key = re.search(r"'([^']+)'", exc.message) if code == C.MISSING_PRICE else None
    if key:
        return _l(
            "The price index in force has no price for %(key)s; an administrator must add "
            "it in a new version.",
            key=key.group(1),
        )
    return _l(
        "The price index in force cannot price this (a price or table is missing); "
        "an administrator must add a complete version."
    )


def refusal(exc: pricing.PricingError, field: str | None = None) -> Invalid:
    """`exc` as an Invalid naming `field` (default: the engine's field), code kept."""
    return Invalid(_message(exc), field=field or exc.field, code=str(exc.code))
