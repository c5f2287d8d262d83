"""Receiving against the driver's record: where the plant's weighing and codes differ from
what the driver recorded at the pickup (PlanStop.picked_kg, picked_codes), a note is due."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop.i18n import listed
from lithloop.models import PlanStop
from lithloop.services.errors import Invalid


def differences(stop: PlanStop | None, measured: Decimal, codes: list[str]) -> list[str]:
    """What differs from the driver's record: mass beyond the tolerance, codes received that
    the driver did not load, codes the driver loaded that did not arrive."""
    if stop is None or stop.picked_kg is None:
        return []
    found = []
    picked = Decimal(stop.picked_kg)
    tolerance = Decimal(current_app.config["INTAKE_MASS_TOLERANCE_PCT"])
    off = abs(measured - picked) * 100 / picked if picked else Decimal(100)
    if off > tolerance:
        found.append(
            str(
                _l(
                    "Weighed %(m)s kg; the driver recorded %(d)s kg (%(p)s%% off).",
                    m=f"{measured:,.2f}",
                    d=f"{picked:,.2f}",
                    p=f"{off:.1f}",
                )
            )
        )
    loaded = set(stop.picked_codes or [])
    if loaded:
        received = set(codes)
        if extra := sorted(received - loaded):
            found.append(str(_l("Received but not loaded by the driver: %(c)s.", c=listed(extra))))
        if missing := sorted(loaded - received):
            found.append(
                str(_l("Loaded by the driver but not received: %(c)s.", c=listed(missing)))
            )
    return found


def check_against_driver(
    stop: PlanStop | None, measured: Decimal, codes: list[str], note: str
) -> None:
    """Refuse a receipt that differs from the driver's record without a note saying why."""
    found = differences(stop, measured, codes)
    if found and not note:
        raise Invalid(
            _l(
                "Differs from the driver's record. %(d)s Please add a note saying why.",
                d=" ".join(found),
            ),
            field="note",
        )
