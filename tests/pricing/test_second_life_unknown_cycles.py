"""A pack whose cycle count was never read is priced as the most worn pack would be (the
cycle factor's floor), not as a pack with no cycles, and its breakdown says so.

Index 2026-01-26: cycles -0.04 per 1,000 down to 0.80. A 100 kWh LFP pack at 100 % SoH,
grade A: 17,880.00 CNY before the cycle line; the floor takes 20 % of it, -3,576.00.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from lithloop.pricing import (
    SecondLifePack,
    price_second_life,
    refurbish_or_recycle,
    seeded_snapshot,
)
from lithloop.pricing.labels import label
from lithloop.pricing.model import MAX_CYCLES

from . import support

INDEX = seeded_snapshot("2026-01-26")


def _price(cycles, index=INDEX, **change):
    pack = SecondLifePack("LFP", change.pop("rated", 100), 100, cycles, "A", 12, **change)
    return price_second_life(pack, index)


@pytest.mark.parametrize("cycles", [0, 1, 999, 1000, 4999, 5000, 9000, MAX_CYCLES])
@pytest.mark.parametrize("quantity", [1, 3, 60])
def test_an_unknown_count_is_priced_no_higher_than_any_known_count(cycles, quantity):
    assert _price(None, quantity=quantity).price_fen <= _price(cycles, quantity=quantity).price_fen


def test_an_unknown_count_is_priced_at_the_cycle_factor_floor():
    unknown, worn = _price(None), _price(MAX_CYCLES)
    assert unknown.price_fen == worn.price_fen < _price(0).price_fen
    assert [line.amount_fen for line in unknown.lines] == [line.amount_fen for line in worn.lines]
    lower = support.costs_changed(INDEX, cycle_factor_floor="0.70")  # the index's, not fixed
    line = {x.key: x for x in _price(None, lower).lines}["sl.cycles.unknown"]
    assert line.quantity == Decimal("-0.30") and line.amount_fen == -536_400  # of 17,880.00


def test_the_breakdown_says_the_count_was_unknown_and_priced_conservatively():
    price = _price(None)
    keys = [line.key for line in price.lines]
    assert "sl.cycles.unknown" in keys and "sl.cycles" not in keys
    line = price.lines[keys.index("sl.cycles.unknown")]
    assert "unknown" in line.text and "largest cycle discount" in line.text
    assert line.text == label("sl.cycles.unknown")
    assert (line.quantity, line.amount_fen) == (Decimal("-0.20"), -357_600)
    assert price.to_dict()["inputs"]["cycles"] is None
    known = [line.key for line in _price(0).lines]
    assert "sl.cycles" in known and "sl.cycles.unknown" not in known


def test_the_refurbish_decision_of_an_unknown_count_is_the_conservative_one():
    unknown = refurbish_or_recycle(SecondLifePack("LFP", 100, 90, None, "B", 0), INDEX)
    fresh = refurbish_or_recycle(SecondLifePack("LFP", 100, 90, 0, "B", 0), INDEX)
    assert unknown.second_life.price_fen < fresh.second_life.price_fen
    assert unknown.total_fen < fresh.total_fen
