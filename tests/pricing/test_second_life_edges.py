"""Second-life prices at their edges, by hand: tier thresholds, floor and cap, ties, rounding.

Index 2026-01-26: new LFP 298 CNY/kWh; grade A 0.60; cycles -0.04 per 1,000 down to 0.80;
warranty +0.005 a month up to 36; volume tiers 200 / 1,000 / 5,000 kWh at 3 / 6 / 10 %;
cap 0.90 of a new pack and always 1 fen below it. One LFP pack is estimated at 8 kg per
kWh (125 Wh/kg). A 100 kWh pack at 100 % SoH, grade A, no cycles: 29,800.00 CNY of energy,
-11,920.00 for the grade, 17,880.00 CNY per pack before any volume discount.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from lithloop.pricing import (
    Choice,
    IndexSnapshot,
    SecondLifePack,
    price_second_life,
    refurbish_or_recycle,
    seeded_snapshot,
)
from lithloop.pricing.errors import PricingError, PricingErrorCode
from lithloop.pricing.second_life import pack_mass_kg

from . import support
from .support import with_price

INDEX = seeded_snapshot("2026-01-26")
KEYS = ["sl.energy", "sl.grade.a", "sl.cycles", "sl.warranty"]


def index_with(**costs: object) -> IndexSnapshot:
    """The seeded index with some cost entries replaced."""
    return support.costs_changed(INDEX, **costs)


def amounts(price) -> dict[str, int]:
    return {line.key: line.amount_fen for line in price.lines}


@pytest.mark.parametrize(
    ("quantity", "rated", "volume_fen"),
    [
        (1, "100", None),  # 100 kWh: no tier
        (2, "99.99", None),  # 199.98 kWh: just below the first tier
        (2, "100", -107_280),  # 200 kWh exactly: 3 % of 35,760.00
        (10, "100", -1_072_800),  # 1,000 kWh: 6 % of 178,800.00
        (50, "100", -8_940_000),  # 5,000 kWh: 10 % of 894,000.00
    ],
)
def test_volume_tiers_start_at_their_threshold(quantity, rated, volume_fen):
    pack = SecondLifePack("LFP", rated, 100, 0, "A", 0, quantity=quantity)
    price = price_second_life(pack, INDEX)
    lines = amounts(price)
    assert lines.get("sl.volume") == volume_fen
    assert [line.key for line in price.lines] == KEYS + (["sl.volume"] if volume_fen else [])
    if rated == "100":
        running = quantity * 1_788_000
        assert price.price_fen == running + (volume_fen or 0)
        assert lines["sl.energy"] == quantity * 2_980_000
        assert lines["sl.grade.a"] == quantity * -1_192_000


def test_a_discount_lowers_the_price_never_raises_it():
    pack = SecondLifePack("LFP", 100, 100, 0, "A", 0, quantity=2)
    price = price_second_life(pack, INDEX)
    assert price.price_fen == 3_576_000 - 107_280
    line = price.lines[-1]
    assert (line.key, line.quantity, line.unit_price) == (
        "sl.volume",
        Decimal("-0.03"),
        Decimal("35760.00"),
    )


@pytest.mark.parametrize(
    ("cycles", "months", "cycle_fen", "warranty_fen"),
    [
        (1000, 0, -71_520, 0),  # 0.96: -0.04 x 17,880.00
        (5000, 0, -357_600, 0),  # 0.80 exactly the floor
        (9000, 0, -357_600, 0),  # 0.64 raised to the floor 0.80
        (0, 36, 0, 321_840),  # 1.18: +0.18 x 17,880.00
        (0, 60, 0, 321_840),  # capped at 36 months
        (0, 1, 0, 8_940),  # +0.005 x 17,880.00
    ],
)
def test_cycle_floor_and_warranty_cap(cycles, months, cycle_fen, warranty_fen):
    price = price_second_life(SecondLifePack("LFP", 100, 100, cycles, "A", months), INDEX)
    lines = amounts(price)
    assert (lines["sl.cycles"], lines["sl.warranty"]) == (cycle_fen, warranty_fen)


def test_the_cap_is_one_fen_below_a_new_pack_when_the_share_rounds_up_to_it():
    # 0.0001 kWh x 298 = 0.0298 CNY -> a new pack costs 3 fen, and 0.99 x 2.98 fen rounds
    # to 3 fen too: the cap is 1 fen below, 2 fen. Grade 1.5: 3 + 0.5 x 3 = 1.5 -> 2: 5 fen.
    index = index_with(grade_factor={"A": "1.5"}, max_share_of_new="0.99")
    pack = SecondLifePack("LFP", "0.0001", 100, 0, "A", 0, mass_kg=1)
    price = price_second_life(pack, index)
    assert price.new_price_fen == 3
    assert amounts(price) == {
        "sl.energy": 3,
        "sl.grade.a": 2,
        "sl.cycles": 0,
        "sl.warranty": 0,
        "sl.new_cap": -3,
    }
    assert price.price_fen == 2
    assert price.cap_applied and not price.floor_applied
    assert price.scrap_floor_fen == 0  # 1 kg of scrap is all minimum charge


def test_a_price_exactly_at_the_cap_is_not_capped():
    # grade factor 0.90: 17,880.00 - 1,788.00 = 16,092.00 = 0.90 x a new pack
    index = index_with(grade_factor={"A": "0.90"})
    price = price_second_life(SecondLifePack("LFP", 60, 100, 0, "A", 0), index)
    assert price.price_fen == 1_609_200
    assert not price.cap_applied and "sl.new_cap" not in amounts(price)
    over = index_with(grade_factor={"A": "0.9001"})  # +1.788 CNY -> 1 fen over after rounding
    capped = price_second_life(SecondLifePack("LFP", 60, 100, 0, "A", 0), over)
    assert capped.cap_applied and capped.price_fen == 1_609_200
    assert amounts(capped)["sl.new_cap"] == -179


def zero_metals(index: IndexSnapshot) -> IndexSnapshot:
    for key in ("li2co3", "cu", "al"):
        index = with_price(index, key, 0, version="zero-metals")
    return index


def test_a_negative_scrap_value_is_a_floor_of_zero_and_a_price_at_the_floor_is_not_raised():
    # no metal value: the pack's scrap quote is only costs (800 kg: 2,800 + 240 CNY)
    index = zero_metals(INDEX)
    price = price_second_life(SecondLifePack("LFP", 100, 0, 0, "A", 0), index)
    assert price.scrap_quote.total_fen == -304_000
    assert price.scrap_floor_fen == 0
    assert price.price_fen == 0
    assert not price.floor_applied and "sl.scrap_floor" not in amounts(price)


def test_the_floor_is_the_scrap_value_of_every_pack():
    pack = SecondLifePack("LFP", 100, 40, 3000, "C", 0, quantity=3)
    price = price_second_life(pack, INDEX)
    assert price.scrap_floor_fen == 3 * 695_221
    assert price.floor_applied and price.price_fen == 3 * 695_221


def test_not_sellable_when_the_scrap_value_is_above_the_cap():
    pack = SecondLifePack("LFP", 1, 100, 0, "A", 0, mass_kg=800)
    with pytest.raises(PricingError) as caught:
        price_second_life(pack, INDEX)
    assert caught.value.to_dict() == {
        "field": "chemistry",
        "code": PricingErrorCode.NOT_SELLABLE.value,
        "message": "scrap value 6,952.21 CNY is not below the new-pack cap 268.20 CNY: "
        "recycle rather than sell",
    }


def test_a_tie_recycles():
    # floor applied: the price is the scrap value; with no refurbish or test cost, a tie
    index = index_with(refurbish_per_kwh="0", aging_test_per_pack="0")
    decision = refurbish_or_recycle(SecondLifePack("LFP", 100, 40, 3000, "C", 0), index)
    assert decision.total_fen == 0
    assert decision.choice is Choice.RECYCLE
    assert decision.explanation.key == "decision.tie"
    assert decision.explanation.text == (
        "Recycle: second life earns nothing more than the scrap value."
    )
    assert dict(decision.explanation.params) == {"margin": "0.00 CNY"}


def test_one_fen_either_side_of_a_tie():
    pack = SecondLifePack("LFP", 100, 40, 3000, "C", 0)
    loses = refurbish_or_recycle(
        pack, index_with(refurbish_per_kwh="0", aging_test_per_pack="0.01")
    )
    assert (loses.choice, loses.total_fen, loses.explanation.key) == (
        Choice.RECYCLE,
        -1,
        "decision.recycle",
    )
    assert (
        loses.explanation.text == "Recycle: the scrap value beats the second-life net by 0.01 CNY."
    )
    cheap = zero_metals(INDEX)  # scrap 0 (floor), price 0 at SoH 0: net -0.01 vs 0
    wins = refurbish_or_recycle(
        SecondLifePack("LFP", 100, 100, 0, "A", 0),
        index_with(refurbish_per_kwh="0", aging_test_per_pack="0"),
    )
    assert wins.choice is Choice.REFURBISH and wins.explanation.key == "decision.refurbish"
    assert cheap.version == "zero-metals"


def test_decision_lines_and_figures():
    decision = refurbish_or_recycle(SecondLifePack("LFP", 100, 85, 800, "A", 24, quantity=2), INDEX)
    keys = [line.key for line in decision.lines]
    assert keys == [
        "decision.second_life_price",
        "cost.refurbish",
        "cost.aging_test",
        "decision.scrap_value",
    ]
    lines = {line.key: line.amount_fen for line in decision.lines}
    assert lines["cost.refurbish"] == -400_000  # 200 kWh x 20
    assert lines["cost.aging_test"] == -80_000  # 2 packs x 400
    assert lines["decision.scrap_value"] == -2 * 695_221
    assert decision.scrap_value_fen == 2 * 695_221
    assert decision.second_life_net_fen == decision.second_life.price_fen - 480_000
    assert decision.total_fen == sum(lines.values())
    assert decision.index_version == "2026-01-26"


def test_pack_mass_rounds_half_a_tenth_up():
    # 12.50625 kWh x 1000 / 125 Wh/kg = 100.05 kg -> 100.1 (half-even would give 100.0)
    assert pack_mass_kg(SecondLifePack("LFP", "12.50625", 100, 0, "A"), INDEX) == Decimal("100.1")
    assert pack_mass_kg(SecondLifePack("LFP", "12.50", 100, 0, "A"), INDEX) == Decimal("100.0")
    given = SecondLifePack("LFP", 100, 100, 0, "A", mass_kg="612.345")
    assert pack_mass_kg(given, INDEX) == Decimal("612.345")


def test_an_estimated_mass_out_of_range_blames_the_rated_energy():
    with pytest.raises(PricingError) as caught:
        price_second_life(SecondLifePack("LFP", "0.001", 100, 0, "A"), INDEX)  # 0.0 kg
    assert caught.value.field == "rated_kwh"
    assert caught.value.message.startswith("estimated mass: ")
    assert caught.value.code is PricingErrorCode.MASS_OUT_OF_RANGE
