"""The price index: a dated snapshot of metal prices, chemistry tables and cost parameters.

A snapshot round-trips through `to_dict`/`from_dict` (JSON-safe; Decimals as strings,
dates as ISO strings), so the services layer can store it and rebuild it exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property

from lithloop.pricing.errors import PricingError, PricingErrorCode
from lithloop.pricing.model import Chemistry, Condition, Form, Grade, Material

FORMAT = 1
PRICE_KEYS: dict[Material, str] = {
    Material.LI: "li2co3",
    Material.NI: "ni",
    Material.CO: "co",
    Material.MN: "mn",
    Material.CU: "cu",
    Material.AL: "al",
}
LFP_POINT = "lfp_point"  # CNY per 1% Li per tonne (LFP black mass)


def new_pack_key(chemistry: Chemistry) -> str:
    """Index key of the new-pack price (CNY/kWh) for a chemistry, e.g. 'new_pack.LFP'."""
    return f"new_pack.{chemistry.value}"


@dataclass(frozen=True)
class PricePoint:
    """One index price (CNY per `unit`) with the date it was observed and its source."""

    value: Decimal
    unit: str  # "t", "kWh" or "point"
    as_of: date
    source: str


@dataclass(frozen=True)
class ChemistryTable:
    """Mass fractions per form (Li as element), recovery rates and payable coefficient."""

    fractions: Mapping[Form, Mapping[Material, Decimal]] = field(hash=False)
    recovery: Mapping[Material, Decimal] = field(hash=False)
    payable: Decimal
    pack_wh_per_kg: Decimal
    source: str = ""


@dataclass(frozen=True)
class CostParams:
    """Cost and second-life parameters (CNY amounts; factors as fractions of 1)."""

    processing_per_t: Mapping[Form, Decimal] = field(hash=False)
    hazard_per_kg: Mapping[Condition, Decimal] = field(hash=False)
    logistics_per_tkm: Decimal
    minimum_charge: Decimal
    quote_valid_days: int
    lce_per_li: Decimal
    grade_factor: Mapping[Grade, Decimal] = field(hash=False)
    cycle_discount_per_1000: Decimal
    cycle_factor_floor: Decimal
    warranty_per_month: Decimal
    warranty_cap_months: int
    volume_tiers: tuple[tuple[Decimal, Decimal], ...]  # (min order kWh, discount), ascending
    max_share_of_new: Decimal
    refurbish_per_kwh: Decimal
    aging_test_per_pack: Decimal
    source: str = ""


@dataclass(frozen=True)
class IndexSnapshot:
    """A versioned, dated price index; quotes name its `version`."""

    version: str
    effective_date: date
    prices: Mapping[str, PricePoint] = field(hash=False)
    chemistries: Mapping[Chemistry, ChemistryTable] = field(hash=False)
    costs: CostParams
    note: str = ""

    @cached_property
    def memo(self) -> dict[object, object]:
        """Per-snapshot cache of derived tables (filled lazily by the pricing modules)."""
        return {}

    def price(self, key: str, field_name: str) -> Decimal:
        """An index price by key; PricingError(MISSING_PRICE) naming `field_name` if absent."""
        point = self.prices.get(key)
        if point is None:
            raise PricingError(
                PricingErrorCode.MISSING_PRICE,
                field_name,
                f"index {self.version} has no price for {key!r}; refusing to quote without it",
            )
        return point.value

    def table(self, chemistry: Chemistry) -> ChemistryTable:
        """The chemistry's table; PricingError(MISSING_TABLE) if the index lacks it."""
        table = self.chemistries.get(chemistry)
        if table is None:
            raise PricingError(
                PricingErrorCode.MISSING_TABLE,
                "chemistry",
                f"index {self.version} has no table for {chemistry.value}",
            )
        return table

    def with_prices(
        self,
        version: str,
        effective_date: date,
        changes: Mapping[str, PricePoint | None],
        note: str = "",
    ) -> IndexSnapshot:
        """A new snapshot with some prices replaced (None removes a price)."""
        prices = dict(self.prices)
        for key, point in changes.items():
            if point is None:
                prices.pop(key, None)
            else:
                prices[key] = point
        return replace(
            self,
            version=version,
            effective_date=effective_date,
            prices=prices,
            note=note or self.note,
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dict (Decimals as strings, dates ISO) that `from_dict` rebuilds exactly."""
        c = self.costs
        return {
            "format": FORMAT,
            "version": self.version,
            "effective_date": self.effective_date.isoformat(),
            "note": self.note,
            "prices": {
                key: {
                    "value": str(p.value),
                    "unit": p.unit,
                    "as_of": p.as_of.isoformat(),
                    "source": p.source,
                }
                for key, p in self.prices.items()
            },
            "chemistries": {
                chem.value: {
                    "payable": str(t.payable),
                    "pack_wh_per_kg": str(t.pack_wh_per_kg),
                    "source": t.source,
                    "recovery": {m.value: str(v) for m, v in t.recovery.items()},
                    "fractions": {
                        form.value: {m.value: str(v) for m, v in fr.items()}
                        for form, fr in t.fractions.items()
                    },
                }
                for chem, t in self.chemistries.items()
            },
            "costs": {
                "processing_per_t": {f.value: str(v) for f, v in c.processing_per_t.items()},
                "hazard_per_kg": {k.value: str(v) for k, v in c.hazard_per_kg.items()},
                "logistics_per_tkm": str(c.logistics_per_tkm),
                "minimum_charge": str(c.minimum_charge),
                "quote_valid_days": c.quote_valid_days,
                "lce_per_li": str(c.lce_per_li),
                "grade_factor": {g.value: str(v) for g, v in c.grade_factor.items()},
                "cycle_discount_per_1000": str(c.cycle_discount_per_1000),
                "cycle_factor_floor": str(c.cycle_factor_floor),
                "warranty_per_month": str(c.warranty_per_month),
                "warranty_cap_months": c.warranty_cap_months,
                "volume_tiers": [[str(kwh), str(d)] for kwh, d in c.volume_tiers],
                "max_share_of_new": str(c.max_share_of_new),
                "refurbish_per_kwh": str(c.refurbish_per_kwh),
                "aging_test_per_pack": str(c.aging_test_per_pack),
                "source": c.source,
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> IndexSnapshot:
        """Rebuild and validate a snapshot; PricingError(INVALID_INDEX) naming the bad path."""
        from lithloop.pricing.index_parse import parse_snapshot

        return parse_snapshot(data)


def bad_index(path: str, message: str) -> PricingError:
    """The error for a malformed snapshot dict."""
    return PricingError(PricingErrorCode.INVALID_INDEX, f"index.{path}", message)


def read_decimal(
    value: object, path: str, low: Decimal | None = Decimal(0), high: Decimal | None = None
) -> Decimal:
    """A Decimal from a string or int in a snapshot dict, range-checked."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise bad_index(path, "expected a decimal string")
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise bad_index(path, f"not a decimal: {value!r}") from None
    if not result.is_finite():
        raise bad_index(path, "must be finite")
    if low is not None and result < low:
        raise bad_index(path, f"{result} is below {low}")
    if high is not None and result > high:
        raise bad_index(path, f"{result} is above {high}")
    return result
