"""Lot and pack inputs at every range boundary, with the exact error, and their JSON round trip."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lithloop.pricing import PricingError, PricingErrorCode, ScrapLot, SecondLifePack
from lithloop.pricing.model import Chemistry, Condition, Form, Grade, parse_enum

C = PricingErrorCode
LOT = {"chemistry": "LFP", "form": "pack", "mass_kg": "500", "distance_km": "100"}
PACK = {"chemistry": "LFP", "rated_kwh": "60", "soh_pct": "75", "cycles": 1200, "grade": "B"}


def error_of(factory, *args, **kwargs) -> dict[str, str]:
    with pytest.raises(PricingError) as caught:
        factory(*args, **kwargs)
    return caught.value.to_dict()


def err(field: str, code: PricingErrorCode, message: str) -> dict[str, str]:
    return {"field": field, "code": code.value, "message": message}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"mass_kg": "0"}, err("mass_kg", C.MASS_OUT_OF_RANGE, "0 is outside (0, 40000]")),
        (
            {"mass_kg": "40000.001"},
            err("mass_kg", C.MASS_OUT_OF_RANGE, "40000.001 is outside (0, 40000]"),
        ),
        ({"distance_km": "-0.1"}, err("distance_km", C.OUT_OF_RANGE, "-0.1 is outside [0, 3000]")),
        (
            {"distance_km": "3000.1"},
            err("distance_km", C.OUT_OF_RANGE, "3000.1 is outside [0, 3000]"),
        ),
        (
            {"distance_km": None},
            err(
                "distance_km",
                C.REQUIRED,
                "give the distance from the park (0 if delivered) or a cost",
            ),
        ),
        (
            {"distance_km": None, "logistics_cost_fen": -1},
            err("logistics_cost_fen", C.OUT_OF_RANGE, "must not be negative"),
        ),
        (
            {"form": "crate"},
            err(
                "form",
                C.UNKNOWN_FORM,
                "unknown value 'crate'; expected one of pack, module, cell, black_mass",
            ),
        ),
        (
            {"condition": "wet"},
            err(
                "condition",
                C.UNKNOWN_CONDITION,
                "unknown value 'wet'; expected one of intact, damaged, swollen_leaking",
            ),
        ),
        (
            {"chemistry": None},
            err(
                "chemistry",
                C.UNKNOWN_CHEMISTRY,
                "unknown value None; expected one of LFP, NCM523, NCM622, NCM811, NCA, LMO, LCO",
            ),
        ),
    ],
)
def test_a_bad_lot_is_refused_exactly(changes, expected):
    assert error_of(ScrapLot, **(LOT | changes)) == expected


@pytest.mark.parametrize(
    ("changes", "field", "value"),
    [
        ({"mass_kg": "0.001"}, "mass_kg", Decimal("0.001")),
        ({"mass_kg": "40000"}, "mass_kg", Decimal(40000)),
        ({"distance_km": "0"}, "distance_km", Decimal(0)),
        ({"distance_km": "3000"}, "distance_km", Decimal(3000)),
        ({"distance_km": None, "logistics_cost_fen": 0}, "logistics_cost_fen", 0),
        ({"distance_km": None, "logistics_cost_fen": "2500"}, "logistics_cost_fen", 2500),
    ],
)
def test_a_lot_at_its_boundary_is_accepted(changes, field, value):
    lot = ScrapLot(**(LOT | changes))
    assert getattr(lot, field) == value
    assert type(getattr(lot, field)) is type(value)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"rated_kwh": "0"}, err("rated_kwh", C.OUT_OF_RANGE, "0 is outside (0, 5000]")),
        (
            {"rated_kwh": "5000.01"},
            err("rated_kwh", C.OUT_OF_RANGE, "5000.01 is outside (0, 5000]"),
        ),
        ({"soh_pct": "-0.1"}, err("soh_pct", C.SOH_OUT_OF_RANGE, "-0.1 is outside [0, 100]")),
        ({"soh_pct": "100.01"}, err("soh_pct", C.SOH_OUT_OF_RANGE, "100.01 is outside [0, 100]")),
        ({"cycles": -1}, err("cycles", C.NEGATIVE_CYCLES, "cycle count must not be negative")),
        ({"cycles": 100_001}, err("cycles", C.OUT_OF_RANGE, "more than 100000 cycles")),
        ({"warranty_months": -1}, err("warranty_months", C.OUT_OF_RANGE, "-1 is outside [0, 120]")),
        (
            {"warranty_months": 121},
            err("warranty_months", C.OUT_OF_RANGE, "121 is outside [0, 120]"),
        ),
        ({"quantity": 0}, err("quantity", C.OUT_OF_RANGE, "0 is outside [1, 10000]")),
        ({"quantity": 10_001}, err("quantity", C.OUT_OF_RANGE, "10001 is outside [1, 10000]")),
        ({"mass_kg": "0"}, err("mass_kg", C.MASS_OUT_OF_RANGE, "0 is outside (0, 40000]")),
        (
            {"mass_kg": "40001"},
            err("mass_kg", C.MASS_OUT_OF_RANGE, "40001 is outside (0, 40000]"),
        ),
        (
            {"grade": "D"},
            err("grade", C.UNKNOWN_GRADE, "unknown value 'D'; expected one of A, B, C"),
        ),
    ],
)
def test_a_bad_pack_is_refused_exactly(changes, expected):
    assert error_of(SecondLifePack, **(PACK | changes)) == expected


@pytest.mark.parametrize(
    ("changes", "field", "value"),
    [
        ({"rated_kwh": "0.001"}, "rated_kwh", Decimal("0.001")),
        ({"rated_kwh": "5000"}, "rated_kwh", Decimal(5000)),
        ({"soh_pct": "0"}, "soh_pct", Decimal(0)),
        ({"soh_pct": "100"}, "soh_pct", Decimal(100)),
        ({"cycles": 0}, "cycles", 0),
        ({"cycles": "100000"}, "cycles", 100_000),
        ({"warranty_months": "0"}, "warranty_months", 0),
        ({"warranty_months": 120}, "warranty_months", 120),
        ({"quantity": "1"}, "quantity", 1),
        ({"quantity": 10_000}, "quantity", 10_000),
        ({"mass_kg": "40000"}, "mass_kg", Decimal(40000)),
        ({"mass_kg": "0.1"}, "mass_kg", Decimal("0.1")),
    ],
)
def test_a_pack_at_its_boundary_is_accepted(changes, field, value):
    pack = SecondLifePack(**(PACK | changes))
    assert getattr(pack, field) == value
    assert type(getattr(pack, field)) is type(value)


def test_pack_defaults():
    pack = SecondLifePack(**PACK)
    assert (pack.warranty_months, pack.mass_kg, pack.quantity) == (0, None, 1)
    assert (pack.chemistry, pack.grade) == (Chemistry.LFP, Grade.B)


@pytest.mark.parametrize(
    ("cls", "text", "member"),
    [
        (Form, "blackmass", Form.BLACK_MASS),
        (Form, " Black-Mass ", Form.BLACK_MASS),
        (Form, "black/mass", Form.BLACK_MASS),
        (Form, "BLACK_MASS", Form.BLACK_MASS),
        (Condition, "swollen", Condition.SWOLLEN_LEAKING),
        (Condition, "Leaking", Condition.SWOLLEN_LEAKING),
        (Condition, "swollen / leaking", Condition.SWOLLEN_LEAKING),
        (Condition, "thermal", Condition.SWOLLEN_LEAKING),
        (Condition, "thermal-event", Condition.SWOLLEN_LEAKING),
        (Condition, "defective", Condition.DAMAGED),
        (Condition, "intact", Condition.INTACT),
        (Chemistry, "ncm_811", Chemistry.NCM811),
        (Chemistry, "nca", Chemistry.NCA),
        (Grade, "a", Grade.A),
    ],
)
def test_parse_enum_ignores_case_spaces_and_separators(cls, text, member):
    assert parse_enum(cls, text, "f", C.UNKNOWN_FORM) is member
    assert parse_enum(cls, member, "f", C.UNKNOWN_FORM) is member


def test_parse_enum_does_not_drop_letters_or_take_other_enums():
    # only " -_/" are ignored: "x" is a letter like any other
    for text in ("xlfp", "lfpx", "LFP.", "L F P X"):
        with pytest.raises(PricingError):
            parse_enum(Chemistry, text, "chemistry", C.UNKNOWN_CHEMISTRY)
    with pytest.raises(PricingError) as caught:
        parse_enum(Grade, Form.PACK, "grade", C.UNKNOWN_GRADE)
    assert caught.value.to_dict() == err(
        "grade", C.UNKNOWN_GRADE, "unknown value <Form.PACK: 'pack'>; expected one of A, B, C"
    )


@pytest.mark.parametrize(
    ("factory", "body", "expected"),
    [
        (ScrapLot.from_dict, [1, 2], err("body", C.REQUIRED, "expected a JSON object")),
        (SecondLifePack.from_dict, "text", err("body", C.REQUIRED, "expected a JSON object")),
        (
            ScrapLot.from_dict,
            {"form": "pack", "mass_kg": 1},
            err("chemistry", C.REQUIRED, "this field is required"),
        ),
        (
            ScrapLot.from_dict,
            {"chemistry": "LFP", "mass_kg": 1, "form": None},
            err("form", C.REQUIRED, "this field is required"),
        ),
        (
            SecondLifePack.from_dict,
            {k: v for k, v in PACK.items() if k != "grade"},
            err("grade", C.REQUIRED, "this field is required"),
        ),
    ],
)
def test_from_dict_refuses_exactly(factory, body, expected):
    assert error_of(factory, body) == expected


@pytest.mark.parametrize("body", [{"cycles": None}, {}])
def test_a_missing_or_null_cycle_count_is_unknown(body):
    pack = SecondLifePack.from_dict({k: v for k, v in PACK.items() if k != "cycles"} | body)
    assert pack.cycles is None


def test_to_dict_round_trips_every_field():
    lot = ScrapLot.from_dict(LOT | {"condition": "damaged", "ignored": "x"})
    assert lot.to_dict() == {
        "chemistry": "LFP",
        "form": "pack",
        "mass_kg": "500",
        "condition": "damaged",
        "distance_km": "100",
        "logistics_cost_fen": None,
    }
    assert ScrapLot.from_dict(lot.to_dict()) == lot
    planned = ScrapLot("NCM811", "cell", "2.5", distance_km=None, logistics_cost_fen=1234)
    assert planned.to_dict() == {
        "chemistry": "NCM811",
        "form": "cell",
        "mass_kg": "2.5",
        "condition": "intact",
        "distance_km": None,
        "logistics_cost_fen": 1234,
    }
    assert ScrapLot.from_dict(planned.to_dict()) == planned
    pack = SecondLifePack.from_dict(
        PACK | {"mass_kg": "612.5", "quantity": 3, "warranty_months": 6}
    )
    assert pack.to_dict() == {
        "chemistry": "LFP",
        "rated_kwh": "60",
        "soh_pct": "75",
        "cycles": 1200,
        "grade": "B",
        "warranty_months": 6,
        "mass_kg": "612.5",
        "quantity": 3,
    }
    assert SecondLifePack.from_dict(pack.to_dict()) == pack
    estimated = SecondLifePack.from_dict(PACK)
    assert estimated.to_dict()["mass_kg"] is None
    assert SecondLifePack.from_dict(estimated.to_dict()) == estimated


@pytest.mark.parametrize(
    ("factory", "base", "field", "message"),
    [
        (ScrapLot, LOT, "mass_kg", "not a number: 'x'"),
        (ScrapLot, LOT, "distance_km", "not a number: 'x'"),
        (ScrapLot, LOT, "logistics_cost_fen", "not a number: 'x'"),
        (SecondLifePack, PACK, "rated_kwh", "not a number: 'x'"),
        (SecondLifePack, PACK, "soh_pct", "not a number: 'x'"),
        (SecondLifePack, PACK, "cycles", "not a number: 'x'"),
        (SecondLifePack, PACK, "warranty_months", "not a number: 'x'"),
        (SecondLifePack, PACK, "mass_kg", "not a number: 'x'"),
        (SecondLifePack, PACK, "quantity", "not a number: 'x'"),
    ],
)
def test_a_number_that_is_not_one_names_its_field(factory, base, field, message):
    assert error_of(factory, **(base | {field: "x"})) == err(field, C.INVALID_NUMBER, message)
