"""Result dataclasses: priced lines, scrap quotes, second-life prices, decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lithloop.pricing.labels import label
from lithloop.pricing.model import ScrapLot, SecondLifePack
from lithloop.pricing.money import to_fen
from lithloop.vocab import Choice

CURRENCY = "CNY"


@dataclass(frozen=True)
class Line:
    """One priced line: amount_fen == to_fen(quantity * unit_price); costs have unit_price < 0."""

    key: str
    text: str
    quantity: Decimal
    unit: str
    unit_price: Decimal  # CNY per unit, exact
    amount_fen: int

    def to_dict(self) -> dict[str, object]:
        """JSON-safe line (Decimals as strings, amount in integer fen)."""
        return {
            "key": self.key,
            "text": self.text,
            "quantity": str(self.quantity),
            "unit": self.unit,
            "unit_price": str(self.unit_price),
            "amount_fen": self.amount_fen,
        }


def make_line(key: str, quantity: Decimal, unit: str, unit_price: Decimal) -> Line:
    """Build a line, rounding its amount once (ROUND_HALF_UP to the fen)."""
    return Line(key, label(key), quantity, unit, unit_price, to_fen(quantity * unit_price))


def lines_total(lines: tuple[Line, ...]) -> int:
    """Exact integer sum of the line amounts."""
    return sum(line.amount_fen for line in lines)


@dataclass(frozen=True)
class Explanation:
    """A sentence by key, with its English text and the parameters the text used."""

    key: str
    text: str
    params: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-safe explanation."""
        return {"key": self.key, "text": self.text, "params": dict(self.params)}


@dataclass(frozen=True)
class LithiumPointView:
    """The same LFP lot priced by the lithium-point convention instead of the metal lines."""

    point_price: Decimal  # CNY per 1% Li per tonne
    li_pct: Decimal  # Li content of the lot, percent of its mass
    tonnes: Decimal
    lines: tuple[Line, ...]  # the lithium-point line, then the same cost lines as the quote
    total_fen: int
    difference_fen: int  # this total minus the quote's total

    def to_dict(self) -> dict[str, object]:
        """JSON-safe view."""
        return {
            "point_price": str(self.point_price),
            "li_pct": str(self.li_pct),
            "tonnes": str(self.tonnes),
            "lines": [line.to_dict() for line in self.lines],
            "total_fen": self.total_fen,
            "difference_fen": self.difference_fen,
        }


@dataclass(frozen=True)
class ScrapQuote:
    """What the park pays for a lot (total_fen > 0) or charges its owner (total_fen < 0)."""

    lot: ScrapLot
    index_version: str
    quoted_on: date
    valid_until: date
    lines: tuple[Line, ...]
    total_fen: int
    materials_fen: int  # metal lines plus the payable adjustment
    costs_fen: int  # sum of cost lines (<= 0)
    explanation: Explanation
    lithium_point: LithiumPointView | None = None

    @property
    def owner_pays(self) -> bool:
        """True when the value is negative and the owner pays a fee."""
        return self.total_fen < 0

    @property
    def fee_fen(self) -> int:
        """Fee the owner pays (0 unless the value is negative)."""
        return max(0, -self.total_fen)

    def to_dict(self) -> dict[str, object]:
        """Shape of POST /api/v1/quotes/scrap (plus explanation and inputs)."""
        return {
            "total_fen": self.total_fen,
            "currency": CURRENCY,
            "lines": [line.to_dict() for line in self.lines],
            "index_version": self.index_version,
            "valid_until": self.valid_until.isoformat(),
            "quoted_on": self.quoted_on.isoformat(),
            "owner_pays": self.owner_pays,
            "fee_fen": self.fee_fen,
            "materials_fen": self.materials_fen,
            "costs_fen": self.costs_fen,
            "explanation": self.explanation.to_dict(),
            "lithium_point": None if self.lithium_point is None else self.lithium_point.to_dict(),
            "inputs": self.lot.to_dict(),
        }


@dataclass(frozen=True)
class SecondLifePrice:
    """What a buyer pays for a graded pack (or `quantity` identical packs)."""

    pack: SecondLifePack
    index_version: str
    lines: tuple[Line, ...]
    price_fen: int
    scrap_floor_fen: int  # max(0, quantity x the pack's scrap value at the park)
    new_price_fen: int  # quantity x rated kWh x new-pack price; price_fen stays below it
    mass_kg: Decimal  # per pack, given or estimated from rated kWh
    floor_applied: bool
    cap_applied: bool
    scrap_quote: ScrapQuote = field(repr=False)  # one pack, intact, at the park

    def to_dict(self) -> dict[str, object]:
        """Shape of POST /api/v1/quotes/second-life (plus inputs and bounds)."""
        return {
            "price_fen": self.price_fen,
            "scrap_floor_fen": self.scrap_floor_fen,
            "currency": CURRENCY,
            "lines": [line.to_dict() for line in self.lines],
            "index_version": self.index_version,
            "new_price_fen": self.new_price_fen,
            "floor_applied": self.floor_applied,
            "cap_applied": self.cap_applied,
            "mass_kg": str(self.mass_kg),
            "inputs": self.pack.to_dict(),
        }


@dataclass(frozen=True)
class Decision:
    """Second-life net minus scrap value: total_fen > 0 means refurbish wins by that much."""

    pack: SecondLifePack
    index_version: str
    choice: Choice
    lines: tuple[Line, ...]
    total_fen: int  # second-life net - scrap value
    second_life_net_fen: int
    scrap_value_fen: int
    explanation: Explanation
    second_life: SecondLifePrice = field(repr=False)

    @property
    def margin_fen(self) -> int:
        """By how much the winning option wins."""
        return abs(self.total_fen)

    def to_dict(self) -> dict[str, object]:
        """JSON-safe decision."""
        return {
            "choice": self.choice.value,
            "margin_fen": self.margin_fen,
            "total_fen": self.total_fen,
            "second_life_net_fen": self.second_life_net_fen,
            "scrap_value_fen": self.scrap_value_fen,
            "currency": CURRENCY,
            "lines": [line.to_dict() for line in self.lines],
            "index_version": self.index_version,
            "explanation": self.explanation.to_dict(),
            "inputs": self.pack.to_dict(),
        }
