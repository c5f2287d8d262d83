"""Snapshots: seeds, JSON round trip, validation, and exact recomputation of a quote."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from lithloop.pricing import (
    LFP_POINT,
    PRICE_KEYS,
    Chemistry,
    Form,
    IndexSnapshot,
    Material,
    PricePoint,
    PricingError,
    PricingErrorCode,
    ScrapLot,
    SecondLifePack,
    default_snapshots,
    latest_snapshot,
    new_pack_key,
    price_second_life,
    quote_scrap,
    seeded_snapshot,
)

from .support import find_floats


def test_seeded_versions_are_dated_sourced_and_ordered():
    versions = [s.version for s in default_snapshots()]
    assert versions == ["2024-11-29", "2025-10-27", "2026-01-05", "2026-01-26"]
    assert latest_snapshot().version == "2026-01-26"
    lithium = [s.prices["li2co3"].value for s in default_snapshots()]
    assert lithium == [Decimal(78_000), Decimal(75_400), Decimal(119_500), Decimal(181_500)]
    for snap in default_snapshots():
        assert snap.effective_date == date.fromisoformat(snap.version)
        assert snap.prices["li2co3"].as_of == snap.effective_date
        for key in (*PRICE_KEYS.values(), new_pack_key(Chemistry.LFP)):
            assert "http" in snap.prices[key].source, key
        assert set(snap.chemistries) == set(Chemistry)
        for table in snap.chemistries.values():
            assert set(table.fractions) == set(Form)
            assert set(table.recovery) == set(Material)
    assert LFP_POINT not in seeded_snapshot("2024-11-29").prices


def test_recovery_rates_meet_miit_2024_minimums():
    for table in latest_snapshot().chemistries.values():
        rec = table.recovery
        assert rec[Material.LI] >= Decimal("0.90")
        assert min(rec[Material.NI], rec[Material.CO], rec[Material.MN]) >= Decimal("0.98")


def test_lfp_cell_lithium_matches_facts():
    # FACTS §1: Li is about 1.3-1.5% of an LFP cell; black mass 2-4%.
    fr = latest_snapshot().chemistries[Chemistry.LFP].fractions
    assert Decimal("0.013") <= fr[Form.CELL][Material.LI] <= Decimal("0.015")
    assert Decimal("0.02") <= fr[Form.BLACK_MASS][Material.LI] <= Decimal("0.04")


@pytest.mark.parametrize("snap", default_snapshots(), ids=lambda s: s.version)
def test_json_round_trip_is_exact(snap):
    data = snap.to_dict()
    text = json.dumps(data)
    assert find_floats(json.loads(text)) == []
    again = IndexSnapshot.from_dict(json.loads(text))
    assert again == snap
    assert again.to_dict() == data


def test_quote_is_recomputed_exactly_from_the_stored_snapshot():
    snap = seeded_snapshot("2025-10-27")
    lot = ScrapLot("NCM523", "module", "1234.5", "damaged", distance_km="87")
    quote = quote_scrap(lot, snap, quoted_on=date(2026, 3, 1))
    # What the services layer stores: the snapshot JSON and the quote's inputs.
    stored_index = json.dumps(snap.to_dict())
    stored = json.loads(json.dumps(quote.to_dict()))
    rebuilt = IndexSnapshot.from_dict(json.loads(stored_index))
    assert rebuilt.version == stored["index_version"]
    inputs = stored["inputs"]
    again = quote_scrap(
        ScrapLot(**inputs), rebuilt, quoted_on=date.fromisoformat(stored["quoted_on"])
    )
    assert again == quote
    assert again.to_dict() == stored
    pack = SecondLifePack("LFP", "280.5", "78.4", 1650, "B", 18, quantity=3)
    price = price_second_life(pack, snap)
    assert price_second_life(SecondLifePack(**price.to_dict()["inputs"]), rebuilt) == price


def test_api_shapes():
    snap = latest_snapshot()
    q = quote_scrap(ScrapLot("LFP", "pack", 800, "intact", 50), snap, quoted_on=date(2026, 2, 2))
    d = q.to_dict()
    assert {"total_fen", "currency", "lines", "index_version", "valid_until"} <= set(d)
    assert d["currency"] == "CNY" and d["valid_until"] == "2026-02-09"
    assert set(d["lines"][0]) == {"key", "text", "quantity", "unit", "unit_price", "amount_fen"}
    p = price_second_life(SecondLifePack("LFP", 60, 80, 900, "A", 12), snap).to_dict()
    assert {"price_fen", "scrap_floor_fen", "lines", "index_version"} <= set(p)
    json.dumps(d), json.dumps(p)


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.pop("version"), "index.version"),
        (lambda d: d["prices"]["ni"].update(value="-1"), "index.prices.ni.value"),
        (lambda d: d["prices"]["ni"].update(value=1.5), "index.prices.ni.value"),
        (lambda d: d["prices"]["cu"].update(as_of="yesterday"), "index.prices.cu.as_of"),
        (lambda d: d["chemistries"]["LFP"].update(payable="abc"), "index.chemistries.LFP.payable"),
        (
            lambda d: d["chemistries"]["LFP"]["recovery"].update(li="1.2"),
            "index.chemistries.LFP.recovery.li",
        ),
        (
            lambda d: d["chemistries"]["LFP"]["fractions"]["pack"].update(al="0.99"),
            "index.chemistries.LFP.fractions.pack",
        ),
        (lambda d: d["chemistries"].update(XYZ={}), "index.chemistries.XYZ"),
        (
            lambda d: d["costs"].update(volume_tiers=[["500", "0.1"], ["100", "0.2"]]),
            "index.costs.volume_tiers",
        ),
        (lambda d: d["costs"].pop("minimum_charge"), "index.costs.minimum_charge"),
    ],
)
def test_invalid_snapshot_dicts_name_the_path(mutate, path):
    data = latest_snapshot().to_dict()
    mutate(data)
    with pytest.raises(PricingError) as info:
        IndexSnapshot.from_dict(data)
    assert info.value.code is PricingErrorCode.INVALID_INDEX
    assert info.value.field == path


def test_unknown_seed_version():
    with pytest.raises(PricingError) as info:
        seeded_snapshot("1999-01-01")
    assert info.value.field == "index_version"


def test_with_prices_sets_removes_and_keeps_the_rest():
    base = seeded_snapshot("2026-01-26")
    point = PricePoint(Decimal(1), "t", date(2026, 2, 1), "test")
    new = base.with_prices("v2", date(2026, 2, 1), {"cu": point, "co": None, "zz": None})
    assert (new.version, new.effective_date, new.note) == ("v2", date(2026, 2, 1), base.note)
    assert new.prices["cu"] is point and "co" not in new.prices and "zz" not in new.prices
    assert {k: v for k, v in new.prices.items() if k != "cu"} == {
        k: v for k, v in base.prices.items() if k not in ("cu", "co")
    }
    assert base.prices["co"].value == 365_170  # the original is untouched
    noted = base.with_prices("v3", date(2026, 2, 2), {}, note="admin edit")
    assert (noted.note, noted.effective_date, noted.prices) == (
        "admin edit",
        date(2026, 2, 2),
        base.prices,
    )


def test_a_missing_chemistry_table_is_named_exactly():
    data = seeded_snapshot("2026-01-26").to_dict()
    del data["chemistries"]["LMO"]
    data["version"] = "no-lmo"
    with pytest.raises(PricingError) as caught:
        IndexSnapshot.from_dict(data).table(Chemistry.LMO)
    assert caught.value.to_dict() == {
        "field": "chemistry",
        "code": PricingErrorCode.MISSING_TABLE.value,
        "message": "index no-lmo has no table for LMO",
    }
