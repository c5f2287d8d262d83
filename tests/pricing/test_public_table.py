"""The public indicative table: its JSON exactly, and the refusal it shows for a missing price."""

from __future__ import annotations

from datetime import date

import pytest

from lithloop.pricing import latest_snapshot
from lithloop.pricing.model import Chemistry, Condition, Form
from lithloop.pricing.public import IndicativeRow, IndicativeTable, indicative_scrap_table

from .support import with_price


def test_to_dict_exactly():
    rows = (
        IndicativeRow(Chemistry.LFP, Condition.INTACT, 123),
        IndicativeRow(Chemistry.LFP, Condition.DAMAGED, None, "no price"),
        IndicativeRow(Chemistry.LCO, Condition.INTACT, -5),
    )
    table = IndicativeTable("v1", date(2026, 1, 26), Form.MODULE, rows)
    assert table.to_dict() == {
        "index_version": "v1",
        "effective_date": "2026-01-26",
        "form": "module",
        "currency": "CNY",
        "unit": "fen per tonne delivered to the park",
        "values": {"LFP": {"intact": 123, "damaged": None}, "LCO": {"intact": -5}},
    }
    with pytest.raises(KeyError) as caught:
        table.value(Chemistry.NCA, Condition.INTACT)
    assert caught.value.args == ((Chemistry.NCA, Condition.INTACT),)


def test_a_missing_price_shows_its_refusal():
    no_co = with_price(latest_snapshot(), "co", None, version="no-co")
    table = indicative_scrap_table(no_co, Form.BLACK_MASS)
    assert (table.index_version, table.effective_date, table.form) == (
        "no-co",
        no_co.effective_date,
        Form.BLACK_MASS,
    )
    [lco] = [
        r for r in table.rows if r.chemistry is Chemistry.LCO and r.condition is Condition.INTACT
    ]
    assert lco.fen_per_tonne is None
    assert lco.missing == "index no-co has no price for 'co'; refusing to quote without it"
    [lfp] = [
        r for r in table.rows if r.chemistry is Chemistry.LFP and r.condition is Condition.INTACT
    ]
    assert lfp.missing == "" and lfp.fen_per_tonne is not None
