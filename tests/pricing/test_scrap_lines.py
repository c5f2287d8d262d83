"""Scrap quotes line by line: units, the minimum charge at its edge, explanations, the
lithium-point view only when it differs, cached rows, missing tables named exactly.

Index 2026-01-26 (Li2CO3 181,500, Cu 92,540, Al 22,160 CNY/t; LFP point 3,175 CNY). An LFP
pack of 1 t from 300 km is the worked example of test_worked_examples.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from lithloop.pricing import IndexSnapshot, ScrapLot, quote_scrap, seeded_snapshot
from lithloop.pricing.errors import PricingError, PricingErrorCode
from lithloop.pricing.scrap import build_material_rows, material_rows

from . import support
from .support import with_price

INDEX = seeded_snapshot("2026-01-26")
DAY = date(2026, 2, 2)
LFP_TONNE = ScrapLot("LFP", "pack", 1000, "intact", distance_km=300)


def changed(**costs: object) -> IndexSnapshot:
    """The seeded index with some cost entries replaced."""
    return support.costs_changed(INDEX, **costs)


def rows(lines) -> list[tuple[str, Decimal, str, Decimal, int]]:
    return [(x.key, x.quantity, x.unit, x.unit_price, x.amount_fen) for x in lines]


def test_every_line_with_its_quantity_unit_and_price():
    quote = quote_scrap(LFP_TONNE, INDEX, quoted_on=DAY)
    assert rows(quote.lines) == [
        ("metal.li", Decimal("45.82116"), "kg", Decimal("181.5"), 831_654),
        ("metal.cu", Decimal("57.96"), "kg", Decimal("92.54"), 536_362),
        ("metal.al", Decimal("105.28"), "kg", Decimal("22.16"), 233_300),
        ("adj.payable", Decimal("-0.22"), "x value", Decimal("16013.16"), -352_290),
        ("cost.processing", Decimal(1), "t", Decimal(-3500), -350_000),
        ("cost.hazard.intact", Decimal(1000), "kg", Decimal("-0.30"), -30_000),
        ("cost.logistics.distance", Decimal(300), "t·km", Decimal("-1.20"), -36_000),
    ]
    assert (quote.materials_fen, quote.costs_fen) == (1_249_026, -416_000)
    assert (quote.quoted_on, quote.valid_until) == (DAY, DAY + timedelta(days=7))
    assert quote.lot is LFP_TONNE
    lp = quote.lithium_point
    assert rows(lp.lines[:1]) == [
        ("metal.li_point", Decimal("0.957"), "point·t", Decimal(3175), 303_848)
    ]
    assert rows(lp.lines[1:]) == rows(quote.lines[4:])
    assert (lp.point_price, lp.tonnes) == (Decimal(3175), Decimal(1))


def test_a_payable_of_one_adds_no_line():
    data = INDEX.to_dict()
    data["chemistries"]["LFP"]["payable"] = "1"
    data["version"] = "payable-1"
    quote = quote_scrap(LFP_TONNE, IndexSnapshot.from_dict(data), quoted_on=DAY)
    assert "adj.payable" not in [line.key for line in quote.lines]
    assert quote.materials_fen == 831_654 + 536_362 + 233_300


def test_a_quote_without_a_date_is_dated_today_in_china(frozen_clock):
    frozen_clock(datetime(2026, 3, 1, 16, 30, tzinfo=UTC))  # 00:30 on 2 March in China
    quote = quote_scrap(LFP_TONNE, INDEX)
    assert (quote.quoted_on, quote.valid_until) == (date(2026, 3, 2), date(2026, 3, 9))


@pytest.mark.parametrize(
    ("plan_fen", "top_up_fen"),
    [
        # 50 kg of LFP packs: processing 0.05 t x 3,500 = 175.00, handling 50 x 0.30 = 15.00
        (11_001, None),  # 301.00 of costs: over the minimum of 300.00
        (11_000, None),  # exactly 300.00: no top-up
        (10_999, -1),  # one fen short
        (0, -11_000),  # 190.00: topped up by 110.00
    ],
)
def test_the_minimum_charge_tops_up_only_below_it(plan_fen, top_up_fen):
    lot = ScrapLot("LFP", "pack", 50, "intact", logistics_cost_fen=plan_fen)
    quote = quote_scrap(lot, INDEX, quoted_on=DAY)
    last = quote.lines[-1]
    if top_up_fen is None:
        assert last.key == "cost.logistics.plan"
        assert quote.costs_fen == -(19_000 + plan_fen)
    else:
        assert rows([last]) == [
            ("cost.minimum_charge", Decimal(1), "lot", Decimal(top_up_fen) / 100, top_up_fen)
        ]
        assert quote.costs_fen == -30_000
    plan = quote.lines[-2] if top_up_fen else last
    assert rows([plan]) == [
        ("cost.logistics.plan", Decimal(1), "lot", -Decimal(plan_fen) / 100, -plan_fen)
    ]


def test_explanations_name_the_figures():
    paid = quote_scrap(LFP_TONNE, INDEX, quoted_on=DAY)
    assert paid.explanation.to_dict() == {
        "key": "quote.owner_paid",
        "text": "The park pays the owner 8,330.26 CNY for this lot.",
        "params": {"total": "8,330.26 CNY"},
    }
    nothing = with_price(with_price(with_price(INDEX, "li2co3", 0), "cu", 0), "al", 0)
    data = nothing.to_dict()
    data["costs"].update(minimum_charge="0", logistics_per_tkm="0")
    data["costs"]["processing_per_t"]["pack"] = "0"
    data["costs"]["hazard_per_kg"]["intact"] = "0"
    zero = quote_scrap(LFP_TONNE, IndexSnapshot.from_dict(data), quoted_on=DAY)
    assert zero.total_fen == 0
    assert zero.explanation.to_dict() == {
        "key": "quote.zero",
        "text": "The lot's value exactly covers the park's costs; nothing is paid.",
        "params": {},
    }
    # 100 kg from 3,000 km, no metal value: costs 350 + 30 + 360 (transport) = 740.00 CNY
    far = quote_scrap(ScrapLot("LFP", "pack", 100, "intact", 3000), nothing, quoted_on=DAY)
    assert far.explanation.to_dict() == {
        "key": "quote.owner_pays_fee",
        "text": "The owner pays a fee of 740.00 CNY: the recovered materials are worth "
        "0.00 CNY after the payable coefficient, less than the park's costs of 740.00 CNY "
        "(largest: transport to the park, by distance and weight).",
        "params": {
            "fee": "740.00 CNY",
            "materials": "0.00 CNY",
            "costs": "740.00 CNY",
            "main_cost": "cost.logistics.distance",
        },
    }


@pytest.mark.parametrize(
    ("point", "shown", "difference"),
    [
        # 0.957 points x 1 t x P against materials of 12,490.26 CNY
        ("13051.47", False, None),  # 12,490.25679 -> 12,490.26: the same total
        ("13051.48", True, 1),  # 12,490.26636 -> 12,490.27
        ("13051.46", True, -1),  # 12,490.24722 -> 12,490.25
    ],
)
def test_the_lithium_point_view_only_when_it_differs(point, shown, difference):
    quote = quote_scrap(LFP_TONNE, with_price(INDEX, "lfp_point", point), quoted_on=DAY)
    assert (quote.lithium_point is not None) is shown
    if shown:
        assert quote.lithium_point.difference_fen == difference
        assert quote.lithium_point.total_fen == quote.total_fen + difference


def test_no_lithium_point_view_without_its_price_or_for_other_chemistries():
    no_point = with_price(INDEX, "lfp_point", None)
    assert quote_scrap(LFP_TONNE, no_point, quoted_on=DAY).lithium_point is None
    ncm = ScrapLot("NCM811", "pack", 1000, "intact", 300)
    assert quote_scrap(ncm, INDEX, quoted_on=DAY).lithium_point is None


def test_material_rows_are_cached_per_chemistry_and_form():
    index = with_price(INDEX, "cu", 90_000, version="fresh-cache")
    lfp = material_rows(index, *(LFP_TONNE.chemistry, LFP_TONNE.form))
    assert material_rows(index, LFP_TONNE.chemistry, LFP_TONNE.form) is lfp
    assert lfp == build_material_rows(index, LFP_TONNE.chemistry, LFP_TONNE.form)
    ncm = ScrapLot("NCM811", "cell", 1, "intact", 0)
    assert material_rows(index, ncm.chemistry, ncm.form) == build_material_rows(
        index, ncm.chemistry, ncm.form
    )
    module = ScrapLot("LFP", "module", 1, "intact", 0)
    assert material_rows(index, module.chemistry, module.form) == build_material_rows(
        index, module.chemistry, module.form
    )
    assert [key for key, _, _ in lfp] == ["metal.li", "metal.cu", "metal.al"]
    assert lfp[1] == ("metal.cu", Decimal("0.05796"), Decimal(90))


def without(*path: str) -> IndexSnapshot:
    data = INDEX.to_dict()
    node = data
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    data["version"] = "gap"
    return IndexSnapshot.from_dict(data)


@pytest.mark.parametrize(
    ("path", "lot", "field", "message"),
    [
        (
            ("chemistries", "LFP", "fractions", "module"),
            ScrapLot("LFP", "module", 10, "intact", 0),
            "form",
            "index gap has no module fractions for LFP",
        ),
        (
            ("chemistries", "NCM811", "recovery", "co"),
            ScrapLot("NCM811", "cell", 10, "intact", 0),
            "chemistry",
            "index gap has no co recovery rate for NCM811",
        ),
        (
            ("costs", "processing_per_t", "black_mass"),
            ScrapLot("LFP", "black_mass", 10, "intact", 0),
            "form",
            "index gap has no processing cost for black_mass",
        ),
        (
            ("costs", "hazard_per_kg", "damaged"),
            ScrapLot("LFP", "pack", 10, "damaged", 0),
            "condition",
            "index gap has no handling cost for damaged",
        ),
    ],
)
def test_a_missing_table_is_named_exactly(path, lot, field, message):
    with pytest.raises(PricingError) as caught:
        quote_scrap(lot, without(*path), quoted_on=DAY)
    assert caught.value.to_dict() == {
        "field": field,
        "code": PricingErrorCode.MISSING_TABLE.value,
        "message": message,
    }


def bare_index(al_per_t: str) -> IndexSnapshot:
    """No costs, payable 1, only aluminium priced: the total is the aluminium line."""
    index = INDEX
    for key in ("li2co3", "cu"):
        index = with_price(index, key, 0)
    data = with_price(index, "al", al_per_t).to_dict()
    data["costs"].update(minimum_charge="0", logistics_per_tkm="0")
    data["costs"]["processing_per_t"]["pack"] = "0"
    data["costs"]["hazard_per_kg"]["intact"] = "0"
    data["chemistries"]["LFP"]["payable"] = "1"
    data["version"] = f"bare-al-{al_per_t}"
    return IndexSnapshot.from_dict(data)


def test_one_fen_is_paid_to_the_owner():
    # Al: 1000 kg x 0.1316 x 0.80 = 105.28 kg x 0.0001 CNY/kg = 0.010528 -> 1 fen
    quote = quote_scrap(LFP_TONNE, bare_index("0.1"), quoted_on=DAY)
    assert quote.total_fen == 1
    assert quote.explanation.to_dict() == {
        "key": "quote.owner_paid",
        "text": "The park pays the owner 0.01 CNY for this lot.",
        "params": {"total": "0.01 CNY"},
    }


def test_the_lithium_point_view_scales_with_the_tonnes():
    # 500 kg: 0.957 points x 0.5 t x 3,175 = 1,519.2375 -> 151,924 fen
    lot = ScrapLot("LFP", "pack", 500, "intact", distance_km=300)
    view = quote_scrap(lot, INDEX, quoted_on=DAY).lithium_point
    assert view.tonnes == Decimal("0.5")
    assert rows(view.lines[:1]) == [
        ("metal.li_point", Decimal("0.4785"), "point·t", Decimal(3175), 151_924)
    ]


def test_an_lfp_form_without_lithium_has_a_point_view_of_costs_only():
    data = INDEX.to_dict()
    del data["chemistries"]["LFP"]["fractions"]["pack"]["li"]
    data["version"] = "no-li"
    quote = quote_scrap(LFP_TONNE, IndexSnapshot.from_dict(data), quoted_on=DAY)
    assert [line.key for line in quote.lines[:2]] == ["metal.cu", "metal.al"]
    view = quote.lithium_point
    assert view.li_pct == 0
    assert view.lines[0].amount_fen == 0
    assert view.total_fen == -416_000  # processing, handling and transport only
