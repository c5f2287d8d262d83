"""Bad inputs and incomplete indexes raise PricingError naming the field."""

from __future__ import annotations

from datetime import date

import pytest

from lithloop.pricing import (
    PricingError,
    PricingErrorCode,
    ScrapLot,
    SecondLifePack,
    price_second_life,
    quote_scrap,
    seeded_snapshot,
)

from .support import with_price

C = PricingErrorCode
INDEX = seeded_snapshot("2026-01-26")
LOT = {
    "chemistry": "LFP",
    "form": "pack",
    "mass_kg": 500,
    "condition": "intact",
    "distance_km": 100,
}
PACK = {
    "chemistry": "LFP",
    "rated_kwh": 60,
    "soh_pct": 75,
    "cycles": 1200,
    "grade": "B",
    "warranty_months": 12,
}


def refused(factory, **changes) -> PricingError:
    with pytest.raises(PricingError) as info:
        factory(**changes)
    return info.value


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"chemistry": "NMC999"}, "chemistry", C.UNKNOWN_CHEMISTRY),
        ({"chemistry": 7}, "chemistry", C.UNKNOWN_CHEMISTRY),
        ({"form": "crate"}, "form", C.UNKNOWN_FORM),
        ({"condition": "on fire"}, "condition", C.UNKNOWN_CONDITION),
        ({"mass_kg": 0}, "mass_kg", C.MASS_OUT_OF_RANGE),
        ({"mass_kg": "-3"}, "mass_kg", C.MASS_OUT_OF_RANGE),
        ({"mass_kg": "40000.001"}, "mass_kg", C.MASS_OUT_OF_RANGE),
        ({"mass_kg": "lots"}, "mass_kg", C.INVALID_NUMBER),
        ({"mass_kg": float("nan")}, "mass_kg", C.INVALID_NUMBER),
        ({"mass_kg": True}, "mass_kg", C.INVALID_NUMBER),
        ({"distance_km": -1}, "distance_km", C.OUT_OF_RANGE),
        ({"distance_km": None}, "distance_km", C.REQUIRED),
        ({"logistics_cost_fen": -5}, "logistics_cost_fen", C.OUT_OF_RANGE),
        ({"logistics_cost_fen": 12.5}, "logistics_cost_fen", C.INVALID_NUMBER),
    ],
)
def test_bad_scrap_lot(changes, field, code):
    error = refused(ScrapLot, **(LOT | changes))
    assert (error.field, error.code) == (field, code)
    assert error.to_dict() == {"field": field, "code": code.value, "message": error.message}


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"chemistry": "lead-acid"}, "chemistry", C.UNKNOWN_CHEMISTRY),
        ({"grade": "D"}, "grade", C.UNKNOWN_GRADE),
        ({"soh_pct": "100.1"}, "soh_pct", C.SOH_OUT_OF_RANGE),
        ({"soh_pct": -1}, "soh_pct", C.SOH_OUT_OF_RANGE),
        ({"cycles": -1}, "cycles", C.NEGATIVE_CYCLES),
        ({"cycles": "12.5"}, "cycles", C.INVALID_NUMBER),
        ({"rated_kwh": 0}, "rated_kwh", C.OUT_OF_RANGE),
        ({"warranty_months": 121}, "warranty_months", C.OUT_OF_RANGE),
        ({"quantity": 0}, "quantity", C.OUT_OF_RANGE),
        ({"mass_kg": 0}, "mass_kg", C.MASS_OUT_OF_RANGE),
    ],
)
def test_bad_second_life_pack(changes, field, code):
    error = refused(SecondLifePack, **(PACK | changes))
    assert (error.field, error.code) == (field, code)


def test_lenient_spellings_are_accepted():
    lot = ScrapLot("ncm-811", "Black Mass", "12.5", "swollen", distance_km=0)
    assert (lot.chemistry.value, lot.form.value, lot.condition.value) == (
        "NCM811",
        "black_mass",
        "swollen_leaking",
    )
    assert ScrapLot("lfp", "pack", 1, "thermal event", 0).condition.value == "swollen_leaking"


def test_missing_metal_price_is_refused_only_where_needed():
    no_cobalt = with_price(INDEX, "co", None)
    error = refused(quote_scrap, lot=ScrapLot("NCM811", "pack", 500, "intact", 0), index=no_cobalt)
    assert (error.field, error.code) == ("chemistry", C.MISSING_PRICE)
    assert "'co'" in error.message and no_cobalt.version in error.message
    # LFP contains no cobalt: still quotable from the same index.
    assert (
        quote_scrap(
            ScrapLot("LFP", "pack", 500, "intact", 0), no_cobalt, quoted_on=date(2026, 2, 2)
        ).total_fen
        > 0
    )


def test_missing_lithium_price_is_never_treated_as_zero():
    no_li = with_price(INDEX, "li2co3", None)
    for chem in ("LFP", "NCM523", "LMO", "LCO"):
        error = refused(quote_scrap, lot=ScrapLot(chem, "cell", 100, "intact", 0), index=no_li)
        assert error.code is C.MISSING_PRICE


def test_missing_new_pack_price_refuses_second_life():
    error = refused(
        price_second_life, pack=SecondLifePack(**(PACK | {"chemistry": "NCM622"})), index=INDEX
    )
    assert (error.field, error.code) == ("chemistry", C.MISSING_PRICE)
    assert "new_pack.NCM622" in error.message


def test_missing_chemistry_table_and_form():
    data = INDEX.to_dict()
    del data["chemistries"]["LMO"]
    del data["chemistries"]["LFP"]["fractions"]["module"]
    partial = type(INDEX).from_dict(data)
    error = refused(quote_scrap, lot=ScrapLot("LMO", "pack", 100, "intact", 0), index=partial)
    assert (error.field, error.code) == ("chemistry", C.MISSING_TABLE)
    error = refused(quote_scrap, lot=ScrapLot("LFP", "module", 100, "intact", 0), index=partial)
    assert (error.field, error.code) == ("form", C.MISSING_TABLE)


def test_estimated_mass_over_the_lot_limit_blames_rated_kwh():
    data = INDEX.to_dict()
    data["chemistries"]["LFP"]["pack_wh_per_kg"] = "100"  # 5,000 kWh -> 50,000 kg
    heavy = type(INDEX).from_dict(data)
    error = refused(
        price_second_life, pack=SecondLifePack(**(PACK | {"rated_kwh": 5000})), index=heavy
    )
    assert (error.field, error.code) == ("rated_kwh", C.MASS_OUT_OF_RANGE)


def test_scrap_worth_more_than_a_new_pack_is_not_sellable():
    cheap_new = with_price(INDEX, "new_pack.LFP", 20)
    error = refused(price_second_life, pack=SecondLifePack(**PACK), index=cheap_new)
    assert error.code is C.NOT_SELLABLE


def test_from_dict_reads_api_bodies_and_names_missing_fields():
    lot = ScrapLot.from_dict(LOT | {"mass_kg": 812.5, "currency": "CNY"})  # float via repr
    assert str(lot.mass_kg) == "812.5"
    pack = SecondLifePack.from_dict(PACK | {"warranty_months": None})
    assert pack.warranty_months == 0
    for body, factory, field in (
        ({k: v for k, v in LOT.items() if k != "mass_kg"}, ScrapLot.from_dict, "mass_kg"),
        (LOT | {"distance_km": None}, ScrapLot.from_dict, "distance_km"),
        ({k: v for k, v in PACK.items() if k != "grade"}, SecondLifePack.from_dict, "grade"),
        ([1, 2], ScrapLot.from_dict, "body"),
    ):
        error = refused(factory, data=body)
        assert (error.field, error.code) == (field, C.REQUIRED)
