"""Public price page helpers and label coverage (purity: tests/test_architecture.py)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import lithloop.pricing as pricing
from lithloop.pricing import (
    LABELS,
    Chemistry,
    Condition,
    Form,
    ScrapLot,
    SecondLifePack,
    formula_description,
    indicative_scrap_table,
    latest_snapshot,
    quote_scrap,
    refurbish_or_recycle,
    seeded_snapshot,
)

from .support import with_price

PACKAGE = Path(pricing.__file__).parent
STDLIB = set(sys.stdlib_module_names)


def test_public_names_exist():
    for name in pricing.__all__:
        assert hasattr(pricing, name), name


def test_indicative_table_covers_every_chemistry_and_condition():
    table = indicative_scrap_table(latest_snapshot())
    assert len(table.rows) == len(Chemistry) * len(Condition)
    lfp = [table.value(Chemistry.LFP, c) for c in Condition]
    assert lfp[0] > lfp[1] > lfp[2]  # intact > damaged > swollen/leaking
    # Equals a 1 t quote at the park.
    one = quote_scrap(
        ScrapLot("NCM811", "pack", 1000, "damaged", 0),
        latest_snapshot(),
        quoted_on=date(2026, 1, 26),
    )
    assert table.value(Chemistry.NCM811, Condition.DAMAGED) == one.total_fen
    d = table.to_dict()
    assert d["values"]["LFP"]["intact"] == lfp[0] and d["form"] == "pack"


def test_indicative_table_marks_missing_prices_instead_of_guessing():
    no_co = with_price(latest_snapshot(), "co", None)
    table = indicative_scrap_table(no_co, Form.BLACK_MASS)
    assert table.value(Chemistry.LCO, Condition.INTACT) is None
    assert table.value(Chemistry.LFP, Condition.INTACT) is not None


def test_formula_description_has_keys_and_text():
    steps = formula_description()
    keys = [s.key for s in steps]
    assert len(set(keys)) == len(keys) and all(k.startswith("formula.") for k in keys)
    assert all(s.text.endswith(".") for s in steps)


def test_every_emitted_line_key_has_a_label():
    seen = set()
    for snap in (seeded_snapshot("2025-10-27"), latest_snapshot()):
        for chem in Chemistry:
            for form in Form:
                for cond in Condition:
                    for lot in (
                        ScrapLot(chem, form, 50, cond, 10),
                        ScrapLot(chem, form, 5000, cond, logistics_cost_fen=1),
                    ):
                        q = quote_scrap(lot, snap, quoted_on=date(2026, 2, 2))
                        seen |= {line.key for line in q.lines}
                        if q.lithium_point:
                            seen |= {line.key for line in q.lithium_point.lines}
        for grade in "ABC":
            d = refurbish_or_recycle(
                SecondLifePack("LFP", 300, 30, 500, grade, 40, quantity=20), snap
            )
            seen |= {line.key for line in (*d.lines, *d.second_life.lines)}
    assert seen <= set(LABELS)
    assert {"sl.volume", "sl.scrap_floor", "cost.minimum_charge", "metal.li_point"} <= seen
