"""A stored index that is malformed is refused with the exact path and reason; bounds included."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lithloop.pricing import IndexSnapshot, latest_snapshot
from lithloop.pricing.errors import PricingError, PricingErrorCode
from lithloop.pricing.index import read_decimal


def costs(**changes):
    return lambda d: d["costs"].update(changes)


def lfp(**changes):
    return lambda d: d["chemistries"]["LFP"].update(changes)


BAD = [
    (lambda d: d.clear(), "index.version", "missing"),
    (lambda d: d.update(format=2), "index.format", "unsupported format 2"),
    (lambda d: d.update(version=" "), "index.version", "must not be empty"),
    (lambda d: d.update(version=7), "index.version", "expected a string"),
    (lambda d: d.update(note=None), "index.note", "expected a string"),
    (
        lambda d: d.update(effective_date="2026-13-01"),
        "index.effective_date",
        "not an ISO date: '2026-13-01'",
    ),
    (lambda d: d.update(chemistries=[]), "index.chemistries", "expected an object"),
    (lambda d: d.update(prices=None), "index.prices", "expected an object"),
    (lambda d: d["prices"].update(ni=[]), "index.prices.ni", "expected an object"),
    (lambda d: d["prices"]["ni"].pop("unit"), "index.prices.ni.unit", "missing"),
    (lambda d: d["prices"]["ni"].update(source=1), "index.prices.ni.source", "expected a string"),
    (
        lambda d: d["prices"]["ni"].update(value=True),
        "index.prices.ni.value",
        "expected a decimal string",
    ),
    (lambda d: d["prices"]["ni"].update(value="x"), "index.prices.ni.value", "not a decimal: 'x'"),
    (
        lambda d: d["prices"]["ni"].update(value="Infinity"),
        "index.prices.ni.value",
        "must be finite",
    ),
    (
        lambda d: d["prices"]["ni"].update(value="-0.01"),
        "index.prices.ni.value",
        "-0.01 is below 0",
    ),
    (lfp(payable="1.51"), "index.chemistries.LFP.payable", "1.51 is above 1.5"),
    (lfp(pack_wh_per_kg="0.9"), "index.chemistries.LFP.pack_wh_per_kg", "0.9 is below 1"),
    (lfp(source=None), "index.chemistries.LFP.source", "expected a string"),
    (
        lambda d: d["chemistries"]["LFP"].pop("recovery"),
        "index.chemistries.LFP.recovery",
        "missing",
    ),
    (
        lambda d: d["chemistries"]["LFP"]["fractions"].update(slab={}),
        "index.chemistries.LFP.fractions.slab",
        "unknown form 'slab'",
    ),
    (
        lambda d: d["chemistries"]["LFP"]["fractions"]["pack"].update(al="0.99"),
        "index.chemistries.LFP.fractions.pack",
        "mass fractions add up to more than 1",
    ),
    (
        lambda d: d["chemistries"]["LFP"]["recovery"].update(zn="0.5"),
        "index.chemistries.LFP.recovery.zn",
        "unknown material 'zn'",
    ),
    (lambda d: d["chemistries"].update(XYZ={}), "index.chemistries.XYZ", "unknown chemistry 'XYZ'"),
    (
        costs(quote_valid_days=366),
        "index.costs.quote_valid_days",
        "expected a whole number in [0, 365]",
    ),
    (
        costs(quote_valid_days=-1),
        "index.costs.quote_valid_days",
        "expected a whole number in [0, 365]",
    ),
    (
        costs(quote_valid_days=True),
        "index.costs.quote_valid_days",
        "expected a whole number in [0, 365]",
    ),
    (
        costs(quote_valid_days="7"),
        "index.costs.quote_valid_days",
        "expected a whole number in [0, 365]",
    ),
    (
        costs(warranty_cap_months=121),
        "index.costs.warranty_cap_months",
        "expected a whole number in [0, 120]",
    ),
    (costs(lce_per_li="0.99"), "index.costs.lce_per_li", "0.99 is below 1"),
    (costs(lce_per_li="10.01"), "index.costs.lce_per_li", "10.01 is above 10"),
    (costs(max_share_of_new="1.0"), "index.costs.max_share_of_new", "1.0 is above 0.99"),
    (costs(warranty_per_month="0.11"), "index.costs.warranty_per_month", "0.11 is above 0.1"),
    (costs(cycle_factor_floor="1.1"), "index.costs.cycle_factor_floor", "1.1 is above 1"),
    (costs(cycle_discount_per_1000="1.1"), "index.costs.cycle_discount_per_1000", "1.1 is above 1"),
    (costs(grade_factor={"A": "2.01"}), "index.costs.grade_factor.A", "2.01 is above 2"),
    (costs(grade_factor={"Q": "1"}), "index.costs.grade_factor.Q", "unknown grade 'Q'"),
    (costs(hazard_per_kg={"wet": "1"}), "index.costs.hazard_per_kg.wet", "unknown condition 'wet'"),
    (costs(processing_per_t=[]), "index.costs.processing_per_t", "expected an object"),
    (costs(source=3), "index.costs.source", "expected a string"),
    (
        costs(volume_tiers="200:0.03"),
        "index.costs.volume_tiers",
        "expected a list of [min_kwh, discount] pairs",
    ),
    (
        costs(volume_tiers=[["200", "0.03", "x"]]),
        "index.costs.volume_tiers.0",
        "expected [min_kwh, discount]",
    ),
    (
        costs(volume_tiers=[["200", "0.03"], "1000"]),
        "index.costs.volume_tiers.1",
        "expected [min_kwh, discount]",
    ),
    (costs(volume_tiers=[["-1", "0.03"]]), "index.costs.volume_tiers.0.0", "-1 is below 0"),
    (costs(volume_tiers=[["200", "0.91"]]), "index.costs.volume_tiers.0.1", "0.91 is above 0.9"),
    (
        costs(volume_tiers=[["500", "0.1"], ["100", "0.2"]]),
        "index.costs.volume_tiers",
        "tiers must be in ascending order of kWh",
    ),
    (lambda d: d.update(costs=None), "index.costs", "expected an object"),
    (lambda d: d["costs"].pop("aging_test_per_pack"), "index.costs.aging_test_per_pack", "missing"),
]


@pytest.mark.parametrize(("mutate", "field", "message"), BAD)
def test_a_malformed_index_names_the_path_and_the_reason(mutate, field, message):
    data = latest_snapshot().to_dict()
    mutate(data)
    with pytest.raises(PricingError) as caught:
        IndexSnapshot.from_dict(data)
    assert (caught.value.code, caught.value.field, caught.value.message) == (
        PricingErrorCode.INVALID_INDEX,
        field,
        message,
    )
    assert str(caught.value) == f"{field}: {message}"


def test_a_non_mapping_is_refused_at_the_top():
    with pytest.raises(PricingError) as caught:
        IndexSnapshot.from_dict([])
    assert (caught.value.field, caught.value.message) == ("index.", "expected an object")


GOOD = [
    costs(quote_valid_days=0),
    costs(quote_valid_days=365),
    costs(warranty_cap_months=120),
    costs(lce_per_li="1"),
    costs(lce_per_li="10"),
    costs(max_share_of_new="0.99"),
    costs(grade_factor={"A": "2"}),
    costs(volume_tiers=[]),
    costs(volume_tiers=[["200", "0.9"], ["200", "0.9"]]),  # equal thresholds are in order
    costs(volume_tiers=(("0", "0"),)),
    lfp(payable="1.5"),
    lfp(pack_wh_per_kg="1"),
    lambda d: d.pop("note"),
    lambda d: d.update(format=1),
    lambda d: d.pop("format"),
    lambda d: d["prices"]["ni"].update(value=0),
    lambda d: d["prices"]["ni"].pop("source"),
    lambda d: d["chemistries"]["LFP"]["fractions"]["pack"].update(al="0.9", cu="0.09043"),
]


@pytest.mark.parametrize("mutate", GOOD)
def test_values_at_their_bounds_are_accepted(mutate):
    data = latest_snapshot().to_dict()
    mutate(data)
    rebuilt = IndexSnapshot.from_dict(data)
    assert rebuilt.version == data["version"]


def test_sources_and_notes_are_kept_and_default_to_empty():
    data = latest_snapshot().to_dict()
    data["prices"]["ni"].pop("source")
    data["chemistries"]["LFP"].pop("source")
    data["costs"].pop("source")
    data.pop("note")
    snap = IndexSnapshot.from_dict(data)
    assert (snap.prices["ni"].source, snap.chemistries["LFP"].source) == ("", "")
    assert (snap.costs.source, snap.note) == ("", "")
    assert snap.costs.volume_tiers == (
        (Decimal(200), Decimal("0.03")),
        (Decimal(1000), Decimal("0.06")),
        (Decimal(5000), Decimal("0.10")),
    )


def test_read_decimal_bounds_are_inclusive_and_optional():
    assert read_decimal("0", "x") == 0
    assert read_decimal(5, "x", low=Decimal(5), high=Decimal(5)) == 5
    assert read_decimal("-3", "x", low=None) == Decimal(-3)
    assert read_decimal(Decimal("1e6"), "x") == Decimal(1_000_000)
