"""The retirement forecast's settings as typed: the SoH threshold and the months ahead, each
refused beside its box when it is not a number in range (the default is used meanwhile)."""

from __future__ import annotations

from decimal import Decimal

from flask import request

from lithloop.services.booking import bus_fleet, fleet_proposals
from lithloop.services.errors import Invalid
from lithloop.services.strict_input import optional_decimal, optional_int

THRESHOLD_MIN, THRESHOLD_MAX = Decimal(50), Decimal("99.5")
MONTHS_MAX = 12


def forecast_settings() -> tuple[Decimal, int, dict[str, str]]:
    """(SoH threshold, months ahead, {field: why it was refused}) from the request."""
    problems: dict[str, str] = {}
    threshold = months = None
    try:
        threshold = optional_decimal(
            request.values.get("threshold"),
            "threshold",
            minimum=THRESHOLD_MIN,
            maximum=THRESHOLD_MAX,
        )
    except Invalid as exc:
        problems["threshold"] = str(exc.message)
    try:
        months = optional_int(request.values.get("months"), "months", minimum=1, maximum=MONTHS_MAX)
    except Invalid as exc:
        problems["months"] = str(exc.message)
    if threshold is None:
        threshold = bus_fleet.soh_threshold()
    if months is None:
        months = fleet_proposals.DEFAULT_PROPOSAL_MONTHS
    return threshold, months, problems
