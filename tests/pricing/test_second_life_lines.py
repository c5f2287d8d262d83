"""Second-life lines by hand: units, the scrap quote's date, a margin of one fen, no grade.

Index 2026-01-26. One 100 kWh LFP pack at 100 % SoH, grade A, no cycles, no warranty: a
price of 17,880.00 CNY (29,800.00 of energy, -11,920.00 for grade A); its scrap value at
the park is 6,952.21 CNY (800 kg, delivered, intact).
"""

from __future__ import annotations

from datetime import date, timedelta
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

from . import support

INDEX = seeded_snapshot("2026-01-26")
PACK = SecondLifePack("LFP", 100, 100, 0, "A", 0)


def costs_changed(**costs: object) -> IndexSnapshot:
    """The seeded index with some cost entries replaced."""
    return support.costs_changed(INDEX, **costs)


def rows(lines) -> list[tuple[str, Decimal, str, Decimal, int]]:
    return [(x.key, x.quantity, x.unit, x.unit_price, x.amount_fen) for x in lines]


def test_price_lines_with_their_units():
    price = price_second_life(SecondLifePack("LFP", 100, 100, 0, "A", 0, quantity=2), INDEX)
    assert rows(price.lines) == [
        ("sl.energy", Decimal(200), "kWh", Decimal(298), 5_960_000),
        ("sl.grade.a", Decimal("-0.40"), "x subtotal", Decimal("59600"), -2_384_000),
        ("sl.cycles", Decimal(0), "x subtotal", Decimal("35760"), 0),
        ("sl.warranty", Decimal(0), "x subtotal", Decimal("35760"), 0),
        ("sl.volume", Decimal("-0.03"), "x subtotal", Decimal("35760"), -107_280),
    ]


def test_decision_lines_with_their_units():
    decision = refurbish_or_recycle(SecondLifePack("LFP", 100, 100, 0, "A", 0, quantity=3), INDEX)
    assert rows(decision.lines) == [
        ("decision.second_life_price", Decimal(1), "order", Decimal("52030.80"), 5_203_080),
        ("cost.refurbish", Decimal(300), "kWh", Decimal(-20), -600_000),
        ("cost.aging_test", Decimal(3), "pack", Decimal(-400), -120_000),
        ("decision.scrap_value", Decimal(3), "pack", Decimal("-6952.21"), -2_085_663),
    ]
    # 3 x 17,880.00 = 53,640.00, less 3 % for 300 kWh: 52,030.80
    assert decision.total_fen == 5_203_080 - 600_000 - 120_000 - 2_085_663


def test_the_packs_scrap_quote_is_dated_at_the_index_not_today():
    price = price_second_life(PACK, INDEX)
    quote = price.scrap_quote
    assert quote.quoted_on == date(2026, 1, 26)
    assert quote.valid_until == date(2026, 1, 26) + timedelta(days=7)
    assert quote.lot.condition.value == "intact"
    assert quote.lot.form.value == "pack"
    assert quote.lot.distance_km == 0
    assert quote.total_fen == 695_221


@pytest.mark.parametrize(
    ("aging", "total", "choice", "key", "margin"),
    [
        # 17,880.00 - aging - 6,952.21: the aging and test cost set the margin to the fen
        ("10927.78", 1, Choice.REFURBISH, "decision.refurbish", "0.01 CNY"),
        ("10927.79", 0, Choice.RECYCLE, "decision.tie", "0.00 CNY"),
        ("10927.80", -1, Choice.RECYCLE, "decision.recycle", "0.01 CNY"),
    ],
)
def test_a_margin_of_one_fen_decides(aging, total, choice, key, margin):
    index = costs_changed(refurbish_per_kwh="0", aging_test_per_pack=aging)
    decision = refurbish_or_recycle(PACK, index)
    assert (decision.total_fen, decision.choice, decision.explanation.key) == (total, choice, key)
    assert dict(decision.explanation.params) == {"margin": margin}


def test_a_grade_without_a_factor_is_refused_naming_the_grade():
    data = INDEX.to_dict()
    del data["costs"]["grade_factor"]["B"]
    data["version"] = "no-grade-b"
    index = IndexSnapshot.from_dict(data)
    with pytest.raises(PricingError) as caught:
        price_second_life(SecondLifePack("LFP", 100, 100, 0, "B", 0), index)
    assert caught.value.to_dict() == {
        "field": "grade",
        "code": PricingErrorCode.MISSING_TABLE.value,
        "message": "index no-grade-b has no factor for grade B",
    }
    assert price_second_life(PACK, index).price_fen == 1_788_000  # grade A still priced


def test_the_floor_and_cap_lines_with_their_units():
    floored = price_second_life(SecondLifePack("LFP", 100, 40, 3000, "C", 0), INDEX)
    assert rows(floored.lines)[-1] == (
        "sl.scrap_floor",
        Decimal(1),
        "order",
        Decimal("2966.16"),
        296_616,
    )
    assert floored.price_fen == 695_221  # 40 kWh x 298 x 0.38 x 0.88 = 3,986.05, raised by 2,966.16
    capped = price_second_life(PACK, costs_changed(max_share_of_new="0.5"))
    assert rows(capped.lines)[-1] == ("sl.new_cap", Decimal(1), "order", Decimal("-2980"), -298_000)
    assert capped.price_fen == 1_490_000  # half of 29,800.00


@pytest.mark.parametrize(
    ("share", "cap_fen"),
    [("0.2332955", 695_221), ("0.2332953", 695_220)],  # x 29,800.00 CNY of new packs
)
def test_a_floor_equal_to_the_cap_still_sells(share, cap_fen):
    index = costs_changed(max_share_of_new=share)
    if cap_fen < 695_221:
        with pytest.raises(PricingError) as caught:
            price_second_life(PACK, index)
        assert caught.value.code is PricingErrorCode.NOT_SELLABLE
        assert caught.value.message == (
            "scrap value 6,952.21 CNY is not below the new-pack cap 6,952.20 CNY: "
            "recycle rather than sell"
        )
        return
    price = price_second_life(PACK, index)
    assert (price.scrap_floor_fen, price.price_fen) == (695_221, cap_fen)
    assert price.cap_applied and not price.floor_applied
