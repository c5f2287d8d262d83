"""Public price page helpers: indicative scrap value per tonne, and the formula in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lithloop.pricing.errors import PricingError
from lithloop.pricing.index import IndexSnapshot
from lithloop.pricing.model import Chemistry, Condition, Form, ScrapLot
from lithloop.pricing.scrap import quote_scrap

ONE_TONNE_KG = Decimal(1000)


@dataclass(frozen=True)
class IndicativeRow:
    """Value of one tonne delivered to the park; None when the index lacks a needed price."""

    chemistry: Chemistry
    condition: Condition
    fen_per_tonne: int | None
    missing: str = ""  # the refusal message when fen_per_tonne is None


@dataclass(frozen=True)
class IndicativeTable:
    """Indicative scrap value per tonne by chemistry and condition, for one form."""

    index_version: str
    effective_date: date
    form: Form
    rows: tuple[IndicativeRow, ...]

    def value(self, chemistry: Chemistry, condition: Condition) -> int | None:
        """The fen-per-tonne cell for a chemistry and condition."""
        for row in self.rows:
            if row.chemistry is chemistry and row.condition is condition:
                return row.fen_per_tonne
        raise KeyError((chemistry, condition))

    def to_dict(self) -> dict[str, object]:
        """JSON-safe table: {chemistry: {condition: fen_per_tonne or None}}."""
        grid: dict[str, dict[str, int | None]] = {}
        for row in self.rows:
            grid.setdefault(row.chemistry.value, {})[row.condition.value] = row.fen_per_tonne
        return {
            "index_version": self.index_version,
            "effective_date": self.effective_date.isoformat(),
            "form": self.form.value,
            "currency": "CNY",
            "unit": "fen per tonne delivered to the park",
            "values": grid,
        }


def indicative_scrap_table(index: IndexSnapshot, form: Form = Form.PACK) -> IndicativeTable:
    """Value of 1 t of each chemistry and condition, delivered to the park (no transport)."""
    rows = []
    for chem in Chemistry:
        for condition in Condition:
            lot = ScrapLot(chem, form, ONE_TONNE_KG, condition, distance_km=Decimal(0))
            try:
                total = quote_scrap(lot, index, quoted_on=index.effective_date).total_fen
                rows.append(IndicativeRow(chem, condition, total))
            except PricingError as exc:
                rows.append(IndicativeRow(chem, condition, None, exc.message))
    return IndicativeTable(index.version, index.effective_date, form, tuple(rows))


@dataclass(frozen=True)
class FormulaStep:
    """One sentence of the formula in plain words (translate by key)."""

    key: str
    text: str


FORMULA: tuple[FormulaStep, ...] = (
    FormulaStep(
        "formula.scrap.materials",
        "For each recoverable material (lithium counted as lithium carbonate, nickel, "
        "cobalt, manganese, copper, aluminium) we take the lot's mass, times the share "
        "of that material for the chemistry and form, times the recovery rate (at "
        "least the 2024 national minimums: lithium 90%, nickel, cobalt and manganese "
        "98%), times the index price.",
    ),
    FormulaStep(
        "formula.scrap.payable",
        "The sum is multiplied by the chemistry's payable coefficient, the share of "
        "the metal value that the market actually pays.",
    ),
    FormulaStep(
        "formula.scrap.costs",
        "We subtract processing per tonne, hazard handling per kilogram (more for "
        "damaged batteries, most for swollen, leaking or burnt ones) and transport "
        "(distance times weight, or the route plan's cost), with a minimum charge "
        "per lot.",
    ),
    FormulaStep(
        "formula.scrap.negative",
        "If the result is negative the owner pays that amount as a fee, and the "
        "quote says which cost outweighs the material value.",
    ),
    FormulaStep(
        "formula.scrap.lithium_point",
        "LFP is also shown by the market's lithium-point convention: yuan per percent of "
        "lithium per tonne.",
    ),
    FormulaStep(
        "formula.second_life.price",
        "A second-life pack costs its remaining energy (rated kWh times state of "
        "health) at the new-pack price, adjusted for capacity grade, cycle count, "
        "warranty and order volume.",
    ),
    FormulaStep(
        "formula.second_life.bounds",
        "It never costs less than the pack's scrap value and always less than a new pack.",
    ),
    FormulaStep(
        "formula.rounding",
        "Each line is rounded once to the fen (halves away from zero); the total is "
        "the sum of the lines. Every quote names the price index version it used.",
    ),
)


def formula_description() -> tuple[FormulaStep, ...]:
    """The pricing formula in plain English sentences, each with a translation key."""
    return FORMULA
