"""The JSON of quotes, prices and decisions, field by field (the API returns exactly this)."""

from __future__ import annotations

from datetime import date

from lithloop.pricing import (
    ScrapLot,
    SecondLifePack,
    price_second_life,
    quote_scrap,
    refurbish_or_recycle,
    seeded_snapshot,
)

INDEX = seeded_snapshot("2026-01-26")
DAY = date(2026, 2, 2)
PACK = SecondLifePack("LFP", 100, 40, 3000, "C", 0)  # the scrap-floor worked example
PACK_INPUTS = {
    "chemistry": "LFP",
    "rated_kwh": "100",
    "soh_pct": "40",
    "cycles": 3000,
    "grade": "C",
    "warranty_months": 0,
    "mass_kg": None,
    "quantity": 1,
}


def test_a_scrap_quote_as_json():
    lot = ScrapLot("LFP", "pack", 1000, "intact", distance_km=300)
    d = quote_scrap(lot, INDEX, quoted_on=DAY).to_dict()
    assert {k: d[k] for k in d if k not in ("lines", "explanation", "lithium_point")} == {
        "total_fen": 833_026,
        "currency": "CNY",
        "index_version": "2026-01-26",
        "valid_until": "2026-02-09",
        "quoted_on": "2026-02-02",
        "owner_pays": False,
        "fee_fen": 0,
        "materials_fen": 1_601_316 - 352_290,
        "costs_fen": -416_000,
        "inputs": {
            "chemistry": "LFP",
            "form": "pack",
            "mass_kg": "1000",
            "condition": "intact",
            "distance_km": "300",
            "logistics_cost_fen": None,
        },
    }
    assert d["lines"][-1] == {
        "key": "cost.logistics.distance",
        "text": "Transport to the park, by distance and weight",
        "quantity": "300",
        "unit": "t·km",
        "unit_price": "-1.20",
        "amount_fen": -36_000,
    }
    assert d["explanation"]["key"] == "quote.owner_paid"
    assert d["explanation"]["params"] == {"total": "8,330.26 CNY"}
    point = d["lithium_point"]
    assert set(point) == {
        "point_price",
        "li_pct",
        "tonnes",
        "lines",
        "total_fen",
        "difference_fen",
    }
    assert (point["point_price"], point["li_pct"], point["tonnes"]) == ("3175", "0.95700", "1")
    assert point["total_fen"] - 833_026 == point["difference_fen"]


def test_a_fee_quote_as_json():
    lot = ScrapLot("LFP", "pack", 10, "intact", logistics_cost_fen=50_000)
    d = quote_scrap(lot, INDEX, quoted_on=DAY).to_dict()
    assert d["owner_pays"] is True and d["fee_fen"] == -d["total_fen"] > 0
    assert d["inputs"]["distance_km"] is None and d["inputs"]["logistics_cost_fen"] == 50_000


def test_a_second_life_price_as_json():
    d = price_second_life(PACK, INDEX).to_dict()
    assert {k: d[k] for k in d if k != "lines"} == {
        "price_fen": 695_221,
        "scrap_floor_fen": 695_221,
        "currency": "CNY",
        "index_version": "2026-01-26",
        "new_price_fen": 2_980_000,
        "floor_applied": True,
        "cap_applied": False,
        "mass_kg": "800.0",
        "inputs": PACK_INPUTS,
    }
    assert [line["amount_fen"] for line in d["lines"]] == [
        1_192_000,
        -739_040,
        -54_355,
        0,
        296_616,
    ]


def test_a_decision_as_json():
    d = refurbish_or_recycle(PACK, INDEX).to_dict()
    assert {k: d[k] for k in d if k != "lines"} == {
        "choice": "recycle",
        "margin_fen": 240_000,
        "total_fen": -240_000,
        "second_life_net_fen": 695_221 - 200_000 - 40_000,
        "scrap_value_fen": 695_221,
        "currency": "CNY",
        "index_version": "2026-01-26",
        "explanation": {
            "key": "decision.recycle",
            "text": "Recycle: the scrap value beats the second-life net by 2,400.00 CNY.",
            "params": {"margin": "2,400.00 CNY"},
        },
        "inputs": PACK_INPUTS,
    }
    assert [line["key"] for line in d["lines"]] == [
        "decision.second_life_price",
        "cost.refurbish",
        "cost.aging_test",
        "decision.scrap_value",
    ]
    assert [line["amount_fen"] for line in d["lines"]] == [695_221, -200_000, -40_000, -695_221]
