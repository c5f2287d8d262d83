"""CO2 avoided by recycling and second life: the method and its factors, stated as estimates.

Pure: no Flask, no database. The factors are rough placeholders (estimate, no source): the
platform has no sourced, chemistry-specific life-cycle figures yet. They are configurable
(CO2_KG_PER_KG_RECYCLED, CO2_KG_PER_KWH_SECOND_LIFE) and shown on the dashboard with the method.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Co2Factors:
    """kg CO2e avoided per kg dismantled and recycled, and per kWh of second-life capacity."""

    per_kg_recycled: Decimal
    per_kwh_second_life: Decimal
    source: str = "estimate, no source"


@dataclass(frozen=True)
class Co2Avoided:
    """The estimate in kg CO2e, split by where it comes from."""

    recycling_kg: Decimal
    second_life_kg: Decimal

    @property
    def total_kg(self) -> Decimal:
        """Both parts together."""
        return self.recycling_kg + self.second_life_kg

    @property
    def total_t(self) -> Decimal:
        """The total in tonnes, to one decimal."""
        return (self.total_kg / 1000).quantize(Decimal("0.1"))


def co2_avoided(recycled_kg: Decimal, second_life_kwh: Decimal, factors: Co2Factors) -> Co2Avoided:
    """Recycled mass × factor (primary material not mined and refined) plus second-life
    usable kWh × factor (a new pack not manufactured)."""
    if recycled_kg < 0 or second_life_kwh < 0:
        raise ValueError("masses and energies must not be negative")
    return Co2Avoided(
        recycling_kg=(Decimal(recycled_kg) * factors.per_kg_recycled).quantize(Decimal("0.1")),
        second_life_kg=(Decimal(second_life_kwh) * factors.per_kwh_second_life).quantize(
            Decimal("0.1")
        ),
    )
