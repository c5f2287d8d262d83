"""The pricing inputs: the vocabulary (from lithloop.vocab) and two dataclasses, lot and pack."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from lithloop.pricing.errors import PricingError, PricingErrorCode
from lithloop.pricing.money import as_decimal, as_int
from lithloop.vocab import Chemistry as Chemistry
from lithloop.vocab import Condition as Condition
from lithloop.vocab import Form as Form
from lithloop.vocab import Material as Material
from lithloop.vocab import PriceGrade as Grade

MAX_LOT_KG = Decimal(40_000)
MAX_DISTANCE_KM = Decimal(3_000)
MAX_PACK_KWH = Decimal(5_000)
MAX_CYCLES = 100_000
MAX_WARRANTY_MONTHS = 120
MAX_QUANTITY = 10_000

E = TypeVar("E", bound=StrEnum)


_ALIASES = {
    "blackmass": "black_mass",
    "swollen": "swollen_leaking",
    "leaking": "swollen_leaking",
    "swollenleaking": "swollen_leaking",
    "thermal": "swollen_leaking",
    "thermalevent": "swollen_leaking",
    "defective": "damaged",
}


def _norm(value: str) -> str:
    return "".join(ch for ch in value.strip().lower() if ch not in " -_/")


def parse_enum(cls: type[E], value: object, field: str, code: PricingErrorCode) -> E:
    """Read an enum member from itself or a string (case, spaces, '-' and '_' ignored)."""
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        key = _norm(value)
        key = _ALIASES.get(key, key)
        for member in cls:
            if _norm(member.value) == _norm(key):
                return member
    allowed = ", ".join(m.value for m in cls)
    raise PricingError(code, field, f"unknown value {value!r}; expected one of {allowed}")


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


def _from_mapping(
    cls, data: Mapping[str, object], required: tuple[str, ...], unknown: tuple[str, ...] = ()
):
    """Build an input dataclass from a JSON body: missing keys -> REQUIRED, extras ignored;
    an `unknown` name missing or null is None (a value nobody read)."""
    if not isinstance(data, Mapping):
        raise PricingError(PricingErrorCode.REQUIRED, "body", "expected a JSON object")
    for name in required:
        if data.get(name) is None:
            raise PricingError(PricingErrorCode.REQUIRED, name, "this field is required")
    names = {f.name for f in fields(cls)}
    given = {k: v for k, v in data.items() if k in names and v is not None}
    return cls(**({name: None for name in unknown} | given))


def _check_range(value: Decimal, field: str, low: Decimal, high: Decimal, code, low_open=False):
    too_low = value <= low if low_open else value < low
    if too_low or value > high:
        bracket = "(" if low_open else "["
        raise PricingError(code, field, f"{value} is outside {bracket}{low}, {high}]")


@dataclass(frozen=True)
class ScrapLot:
    """A lot offered for recycling; transport cost from `logistics_cost_fen` if given, else
    road `distance_km` from the park x the index rate per t-km."""

    chemistry: Chemistry
    form: Form
    mass_kg: Decimal
    condition: Condition = Condition.INTACT
    distance_km: Decimal | None = None
    logistics_cost_fen: int | None = None

    def __post_init__(self) -> None:
        C = PricingErrorCode
        _set(
            self,
            "chemistry",
            parse_enum(Chemistry, self.chemistry, "chemistry", C.UNKNOWN_CHEMISTRY),
        )
        _set(self, "form", parse_enum(Form, self.form, "form", C.UNKNOWN_FORM))
        _set(
            self,
            "condition",
            parse_enum(Condition, self.condition, "condition", C.UNKNOWN_CONDITION),
        )
        mass = as_decimal(self.mass_kg, "mass_kg")
        _check_range(mass, "mass_kg", Decimal(0), MAX_LOT_KG, C.MASS_OUT_OF_RANGE, low_open=True)
        _set(self, "mass_kg", mass)
        if self.distance_km is None and self.logistics_cost_fen is None:
            raise PricingError(
                C.REQUIRED,
                "distance_km",
                "give the distance from the park (0 if delivered) or a cost",
            )
        if self.distance_km is not None:
            km = as_decimal(self.distance_km, "distance_km")
            _check_range(km, "distance_km", Decimal(0), MAX_DISTANCE_KM, C.OUT_OF_RANGE)
            _set(self, "distance_km", km)
        if self.logistics_cost_fen is not None:
            cost = as_int(self.logistics_cost_fen, "logistics_cost_fen")
            if cost < 0:
                raise PricingError(C.OUT_OF_RANGE, "logistics_cost_fen", "must not be negative")
            _set(self, "logistics_cost_fen", cost)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ScrapLot:
        """From an API body {chemistry, form, mass_kg, condition?, distance_km?, ...}."""
        return _from_mapping(cls, data, ("chemistry", "form", "mass_kg"))

    def to_dict(self) -> dict[str, object]:
        """JSON-safe inputs (Decimals as strings)."""
        return {
            "chemistry": self.chemistry.value,
            "form": self.form.value,
            "mass_kg": str(self.mass_kg),
            "condition": self.condition.value,
            "distance_km": None if self.distance_km is None else str(self.distance_km),
            "logistics_cost_fen": self.logistics_cost_fen,
        }


@dataclass(frozen=True)
class SecondLifePack:
    """A graded pack (or `quantity` identical packs in one order); mass estimated if None,
    cycles None when the count is unknown (priced as the most worn, never as new)."""

    chemistry: Chemistry
    rated_kwh: Decimal
    soh_pct: Decimal
    cycles: int | None
    grade: Grade
    warranty_months: int = 0
    mass_kg: Decimal | None = None
    quantity: int = 1

    def __post_init__(self) -> None:
        C = PricingErrorCode
        _set(
            self,
            "chemistry",
            parse_enum(Chemistry, self.chemistry, "chemistry", C.UNKNOWN_CHEMISTRY),
        )
        _set(self, "grade", parse_enum(Grade, self.grade, "grade", C.UNKNOWN_GRADE))
        kwh = as_decimal(self.rated_kwh, "rated_kwh")
        _check_range(kwh, "rated_kwh", Decimal(0), MAX_PACK_KWH, C.OUT_OF_RANGE, low_open=True)
        _set(self, "rated_kwh", kwh)
        soh = as_decimal(self.soh_pct, "soh_pct")
        _check_range(soh, "soh_pct", Decimal(0), Decimal(100), C.SOH_OUT_OF_RANGE)
        _set(self, "soh_pct", soh)
        if self.cycles is not None:  # None: never read (a BMS without a count)
            cycles = as_int(self.cycles, "cycles")
            if cycles < 0:
                raise PricingError(C.NEGATIVE_CYCLES, "cycles", "cycle count must not be negative")
            if cycles > MAX_CYCLES:
                raise PricingError(C.OUT_OF_RANGE, "cycles", f"more than {MAX_CYCLES} cycles")
            _set(self, "cycles", cycles)
        months = as_int(self.warranty_months, "warranty_months")
        if not 0 <= months <= MAX_WARRANTY_MONTHS:
            raise PricingError(
                C.OUT_OF_RANGE, "warranty_months", f"{months} is outside [0, {MAX_WARRANTY_MONTHS}]"
            )
        _set(self, "warranty_months", months)
        if self.mass_kg is not None:
            mass = as_decimal(self.mass_kg, "mass_kg")
            _check_range(
                mass, "mass_kg", Decimal(0), MAX_LOT_KG, C.MASS_OUT_OF_RANGE, low_open=True
            )
            _set(self, "mass_kg", mass)
        quantity = as_int(self.quantity, "quantity")
        if not 1 <= quantity <= MAX_QUANTITY:
            raise PricingError(
                C.OUT_OF_RANGE, "quantity", f"{quantity} is outside [1, {MAX_QUANTITY}]"
            )
        _set(self, "quantity", quantity)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> SecondLifePack:
        """From an API body {chemistry, rated_kwh, soh_pct, cycles?, grade, warranty_months?};
        cycles missing or null: unknown (priced as the most worn)."""
        required = ("chemistry", "rated_kwh", "soh_pct", "grade")
        return _from_mapping(cls, data, required, unknown=("cycles",))

    def to_dict(self) -> dict[str, object]:
        """JSON-safe inputs (Decimals as strings)."""
        return {
            "chemistry": self.chemistry.value,
            "rated_kwh": str(self.rated_kwh),
            "soh_pct": str(self.soh_pct),
            "cycles": self.cycles,
            "grade": self.grade.value,
            "warranty_months": self.warranty_months,
            "mass_kg": None if self.mass_kg is None else str(self.mass_kg),
            "quantity": self.quantity,
        }
