"""Shared helpers for the pricing tests: a float detector and small index tweaks."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from lithloop.pricing import IndexSnapshot, PricePoint


def find_floats(value: object, path: str = "root") -> list[str]:
    """Paths of every float reachable from a result (dataclass fields, tuples, dicts)."""
    if isinstance(value, float):
        return [path]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found = []
        for f in dataclasses.fields(value):
            found += find_floats(getattr(value, f.name), f"{path}.{f.name}")
        return found
    if isinstance(value, dict):
        found = []
        for k, v in value.items():
            found += find_floats(k, f"{path}[key]") + find_floats(v, f"{path}[{k!r}]")
        return found
    if isinstance(value, list | tuple | set | frozenset):
        found = []
        for i, v in enumerate(value):
            found += find_floats(v, f"{path}[{i}]")
        return found
    return []


def with_price(
    index: IndexSnapshot, key: str, value: Decimal | int | str | None, version: str | None = None
) -> IndexSnapshot:
    """A copy of `index` with one price changed (None removes it)."""
    changes: dict[str, PricePoint | None] = {key: None}
    if value is not None:
        old = index.prices.get(key)
        unit = old.unit if old else "t"
        changes[key] = PricePoint(Decimal(value), unit, index.effective_date, "test")
    return index.with_prices(
        version or f"{index.version}+{key}={value}", index.effective_date, changes
    )


STRESS_DAY = date(2025, 10, 27)


def costs_changed(index: IndexSnapshot, **costs: object) -> IndexSnapshot:
    """`index` with some cost entries replaced (a dict value updates that entry's fields)."""
    data = index.to_dict()
    for key, value in costs.items():
        if isinstance(value, dict):
            data["costs"][key].update(value)
        else:
            data["costs"][key] = value
    data["version"] = "test-" + "-".join(costs)
    return IndexSnapshot.from_dict(data)
