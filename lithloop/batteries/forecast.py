"""Retirement forecast: which month each pack of a fleet reaches retirement, summed by month.

Two methods, both estimates:
- from SoH (when known, taken as measured `today`): linear fade from 100 % on the in-service
  date, extrapolated to the threshold (default 80 % SoH: FACTS.md section 3);
- from age (no SoH): in-service date + expected life of the chemistry. The default lives
  (LFP bus packs 8 years, the others 6) are ESTIMATES, not sourced; pass your own.
A pack already at or past its retirement date counts in the current month.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

DEFAULT_THRESHOLD = Decimal("80")
DEFAULT_LIFE_YEARS: Mapping[str, Decimal] = {
    "LFP": Decimal(8),
    "NCM523": Decimal(6),
    "NCM622": Decimal(6),
    "NCM811": Decimal(6),
    "NCA": Decimal(6),
    "LMO": Decimal(6),
    "LCO": Decimal(6),
}
FALLBACK_LIFE_YEARS = Decimal(8)


class PackLike(Protocol):
    """What the forecast reads from a pack (FleetRow satisfies it)."""

    chemistry: str
    rated_kwh: Decimal
    mass_kg: Decimal
    in_service_since: date
    soh_pct: Decimal | None


class Method(StrEnum):
    """How a retirement date was predicted."""

    SOH = "soh"
    AGE = "age"


@dataclass(frozen=True)
class Prediction:
    """One pack's predicted retirement date and how it was obtained."""

    retires_on: date
    method: Method
    already_due: bool


@dataclass(frozen=True)
class MonthDue:
    """Packs due in one month (first day of the month): count, mass kg, kWh, by method."""

    month: date
    packs: int = 0
    mass_kg: Decimal = Decimal(0)
    kwh: Decimal = Decimal(0)
    from_soh: int = 0
    from_age: int = 0


def month_start(day: date) -> date:
    """The first day of the month of `day`."""
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, the day clamped to the target month's length."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def _by_age(pack: PackLike, life: Mapping[str, Decimal]) -> date:
    years = Decimal(life.get(pack.chemistry, FALLBACK_LIFE_YEARS))
    return add_months(pack.in_service_since, int((years * 12).to_integral_value()))


def predict_retirement(
    pack: PackLike,
    today: date,
    *,
    soh_threshold: Decimal = DEFAULT_THRESHOLD,
    life_years: Mapping[str, Decimal] | None = None,
) -> Prediction:
    """One pack's retirement date: SoH extrapolation when possible, else expected life."""
    life = DEFAULT_LIFE_YEARS if life_years is None else life_years
    soh = pack.soh_pct
    if soh is not None and soh <= soh_threshold:
        return Prediction(today, Method.SOH, True)
    days_in_service = (today - pack.in_service_since).days
    if soh is not None and soh < 100 and days_in_service > 0:
        # fade per day = (100 - soh) / days; days left = (soh - threshold) / fade
        days_left = (soh - soh_threshold) * days_in_service / (100 - soh)
        return Prediction(today + timedelta(days=math.ceil(days_left)), Method.SOH, False)
    retires = _by_age(pack, life)
    if retires <= today:
        return Prediction(today, Method.AGE, True)
    return Prediction(retires, Method.AGE, False)


def forecast_retirements(
    rows: Iterable[PackLike],
    today: date,
    *,
    soh_threshold: Decimal = DEFAULT_THRESHOLD,
    horizon_months: int = 12,
    life_years: Mapping[str, Decimal] | None = None,
) -> list[MonthDue]:
    """Packs due per month, from today's month for `horizon_months` months (zeros included)."""
    if horizon_months < 1:
        raise ValueError("horizon_months must be at least 1")
    if not Decimal(0) < soh_threshold < Decimal(100):
        raise ValueError("soh_threshold must be between 0 and 100")
    first = month_start(today)
    months = [add_months(first, i) for i in range(horizon_months)]
    totals: dict[date, list] = {m: [0, Decimal(0), Decimal(0), 0, 0] for m in months}
    for pack in rows:
        p = predict_retirement(pack, today, soh_threshold=soh_threshold, life_years=life_years)
        bucket = totals.get(month_start(p.retires_on))
        if bucket is None:
            continue  # beyond the horizon
        bucket[0] += 1
        bucket[1] += pack.mass_kg
        bucket[2] += pack.rated_kwh
        bucket[3 if p.method is Method.SOH else 4] += 1
    return [MonthDue(m, *totals[m]) for m in months]
