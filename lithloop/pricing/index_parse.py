"""Validation of a snapshot dict (the inverse of IndexSnapshot.to_dict)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from lithloop.pricing.index import (
    FORMAT,
    ChemistryTable,
    CostParams,
    IndexSnapshot,
    PricePoint,
    bad_index,
    read_decimal,
)
from lithloop.pricing.model import Chemistry, Condition, Form, Grade, Material

E = TypeVar("E", bound=StrEnum)
_ONE = Decimal(1)


def _map(value: object, path: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise bad_index(path, "expected an object")
    return value


def _get(data: Mapping[str, object], key: str, path: str) -> object:
    if key not in data:
        raise bad_index(f"{path}.{key}".lstrip("."), "missing")
    return data[key]


def _str(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise bad_index(path, "expected a string")
    return value


def _int(value: object, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad_index(path, f"expected a whole number in [{low}, {high}]")
    return value


def _date(value: object, path: str) -> date:
    try:
        return date.fromisoformat(_str(value, path))
    except ValueError:
        raise bad_index(path, f"not an ISO date: {value!r}") from None


def _enum(cls: type[E], value: str, path: str) -> E:
    try:
        return cls(value)
    except ValueError:
        raise bad_index(path, f"unknown {_noun(cls)} {value!r}") from None


def _noun(cls: type) -> str:
    """What an enum holds, in a word: its class name's last word (PriceGrade → grade)."""
    return re.findall(r"[A-Z][a-z]*", cls.__name__)[-1].lower()


def _enum_map(
    cls: type[E], value: object, path: str, high: Decimal | None = None
) -> dict[E, Decimal]:
    return {
        _enum(cls, k, f"{path}.{k}"): read_decimal(v, f"{path}.{k}", high=high)
        for k, v in _map(value, path).items()
    }


def _prices(value: object) -> dict[str, PricePoint]:
    prices = {}
    for key, raw in _map(value, "prices").items():
        path = f"prices.{key}"
        entry = _map(raw, path)
        prices[key] = PricePoint(
            value=read_decimal(_get(entry, "value", path), f"{path}.value"),
            unit=_str(_get(entry, "unit", path), f"{path}.unit"),
            as_of=_date(_get(entry, "as_of", path), f"{path}.as_of"),
            source=_str(entry.get("source", ""), f"{path}.source"),
        )
    return prices


def _chemistry(key: str, raw: object) -> tuple[Chemistry, ChemistryTable]:
    path = f"chemistries.{key}"
    chem = _enum(Chemistry, key, path)
    entry = _map(raw, path)
    fractions = {}
    for form_key, fr in _map(_get(entry, "fractions", path), f"{path}.fractions").items():
        fpath = f"{path}.fractions.{form_key}"
        form = _enum(Form, form_key, fpath)
        fractions[form] = _enum_map(Material, fr, fpath, high=_ONE)
        if sum(fractions[form].values(), Decimal(0)) > _ONE:
            raise bad_index(fpath, "mass fractions add up to more than 1")
    table = ChemistryTable(
        fractions=fractions,
        recovery=_enum_map(Material, _get(entry, "recovery", path), f"{path}.recovery", high=_ONE),
        payable=read_decimal(_get(entry, "payable", path), f"{path}.payable", high=Decimal("1.5")),
        pack_wh_per_kg=read_decimal(
            _get(entry, "pack_wh_per_kg", path), f"{path}.pack_wh_per_kg", low=_ONE
        ),
        source=_str(entry.get("source", ""), f"{path}.source"),
    )
    return chem, table


def _tiers(value: object, path: str) -> tuple[tuple[Decimal, Decimal], ...]:
    if not isinstance(value, list | tuple):
        raise bad_index(path, "expected a list of [min_kwh, discount] pairs")
    tiers = []
    for i, pair in enumerate(value):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise bad_index(f"{path}.{i}", "expected [min_kwh, discount]")
        tiers.append(
            (
                read_decimal(pair[0], f"{path}.{i}.0"),
                read_decimal(pair[1], f"{path}.{i}.1", high=Decimal("0.9")),
            )
        )
    if [t[0] for t in tiers] != sorted(t[0] for t in tiers):
        raise bad_index(path, "tiers must be in ascending order of kWh")
    return tuple(tiers)


def _costs(value: object) -> CostParams:
    c = _map(value, "costs")

    def dec(key: str, **kw: Decimal | None) -> Decimal:
        return read_decimal(_get(c, key, "costs"), f"costs.{key}", **kw)

    return CostParams(
        processing_per_t=_enum_map(
            Form, _get(c, "processing_per_t", "costs"), "costs.processing_per_t"
        ),
        hazard_per_kg=_enum_map(
            Condition, _get(c, "hazard_per_kg", "costs"), "costs.hazard_per_kg"
        ),
        logistics_per_tkm=dec("logistics_per_tkm"),
        minimum_charge=dec("minimum_charge"),
        quote_valid_days=_int(
            _get(c, "quote_valid_days", "costs"), "costs.quote_valid_days", 0, 365
        ),
        lce_per_li=dec("lce_per_li", low=_ONE, high=Decimal(10)),
        grade_factor=_enum_map(
            Grade, _get(c, "grade_factor", "costs"), "costs.grade_factor", high=Decimal(2)
        ),
        cycle_discount_per_1000=dec("cycle_discount_per_1000", high=_ONE),
        cycle_factor_floor=dec("cycle_factor_floor", high=_ONE),
        warranty_per_month=dec("warranty_per_month", high=Decimal("0.1")),
        warranty_cap_months=_int(
            _get(c, "warranty_cap_months", "costs"), "costs.warranty_cap_months", 0, 120
        ),
        volume_tiers=_tiers(_get(c, "volume_tiers", "costs"), "costs.volume_tiers"),
        max_share_of_new=dec("max_share_of_new", high=Decimal("0.99")),
        refurbish_per_kwh=dec("refurbish_per_kwh"),
        aging_test_per_pack=dec("aging_test_per_pack"),
        source=_str(c.get("source", ""), "costs.source"),
    )


def parse_snapshot(data: Mapping[str, object]) -> IndexSnapshot:
    """Validate a snapshot dict and build the IndexSnapshot."""
    data = _map(data, "")
    if data.get("format", FORMAT) != FORMAT:
        raise bad_index("format", f"unsupported format {data.get('format')!r}")
    version = _str(_get(data, "version", ""), "version")
    if not version.strip():
        raise bad_index("version", "must not be empty")
    chemistries = dict(
        _chemistry(key, raw)
        for key, raw in _map(_get(data, "chemistries", ""), "chemistries").items()
    )
    return IndexSnapshot(
        version=version,
        effective_date=_date(_get(data, "effective_date", ""), "effective_date"),
        prices=_prices(_get(data, "prices", "")),
        chemistries=chemistries,
        costs=_costs(_get(data, "costs", "")),
        note=_str(data.get("note", ""), "note"),
    )
