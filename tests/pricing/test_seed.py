"""The seeded index: fractions worked out by hand from the cathode formulae, fresh copies.

default_snapshots() is cached for the life of the process, so these tests call
snapshot_dict() (never cached) and compare it with what the cache holds.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from lithloop.pricing import IndexSnapshot
from lithloop.pricing.errors import PricingError, PricingErrorCode
from lithloop.pricing.seed import (
    PRICES,
    _q,
    default_snapshots,
    latest_snapshot,
    seeded_snapshot,
    snapshot_dict,
)

VERSIONS = ["2024-11-29", "2025-10-27", "2026-01-05", "2026-01-26"]


def test_versions_oldest_first_and_the_latest():
    assert sorted(PRICES) == VERSIONS
    assert [s.version for s in default_snapshots()] == VERSIONS
    assert latest_snapshot().version == "2026-01-26"


def test_lfp_fractions_by_hand():
    # Li 0.044 of the cathode; cathode 0.32 of an LFP cell; cells 0.90 of a module, 0.68 of
    # a pack; cathode 0.75 of LFP black mass. Rounded half up to 5 decimals.
    fractions = snapshot_dict("2024-11-29")["chemistries"]["LFP"]["fractions"]
    assert fractions == {
        "cell": {"li": "0.01408", "cu": "0.08", "al": "0.12"},  # 0.044 x 0.32
        "module": {"li": "0.01267", "cu": "0.077", "al": "0.138"},  # x 0.90 = 0.012672
        "pack": {"li": "0.00957", "cu": "0.0644", "al": "0.1316"},  # x 0.68 = 0.0095744
        "black_mass": {"li": "0.03300", "cu": "0.015", "al": "0.015"},  # 0.044 x 0.75
    }


def test_ncm523_fractions_by_hand():
    # cathode 0.30 of an NCM cell, 0.60 of NCM black mass
    chem = snapshot_dict("2024-11-29")["chemistries"]["NCM523"]
    assert chem["fractions"]["pack"] == {
        "li": "0.01469",  # 0.072 x 0.30 x 0.68 = 0.014688
        "ni": "0.06202",  # 0.304 x 0.204 = 0.062016
        "co": "0.02489",  # 0.122 x 0.204 = 0.024888
        "mn": "0.03488",  # 0.171 x 0.204 = 0.034884
        "cu": "0.0644",
        "al": "0.1316",
    }
    assert chem["fractions"]["black_mass"]["ni"] == "0.18240"  # 0.304 x 0.60
    assert chem["payable"] == "0.78" and chem["pack_wh_per_kg"] == "150"
    assert chem["recovery"] == {
        "li": "0.90",
        "ni": "0.98",
        "co": "0.98",
        "mn": "0.98",
        "cu": "0.90",
        "al": "0.80",
    }
    assert chem["source"].startswith(
        "fractions: cathode formulae x form shares (/work/shared/domain/FACTS.md §1, "
    )
    assert "payable: SMM 2025-11-13 NCM" in chem["source"]
    assert "recovery: Li, Ni, Co, Mn: MIIT 2024 minimums" in chem["source"]


def test_payable_per_family():
    chems = snapshot_dict("2026-01-26")["chemistries"]
    assert {c: chems[c]["payable"] for c in chems} == {
        "LFP": "0.78",
        "NCM523": "0.78",
        "NCM622": "0.78",
        "NCM811": "0.78",
        "NCA": "0.78",  # an NC* family member
        "LMO": "0.60",
        "LCO": "0.80",
    }


@pytest.mark.parametrize("version", VERSIONS)
def test_a_fresh_snapshot_dict_rebuilds_the_cached_snapshot(version):
    data = snapshot_dict(version)
    assert (data["format"], data["version"], data["effective_date"]) == (1, version, version)
    assert data["note"] == f"Seeded from FACTS.md; lithium carbonate as of {version}."
    assert IndexSnapshot.from_dict(data).to_dict() == seeded_snapshot(version).to_dict()


def test_snapshot_dicts_are_fresh_copies():
    first = snapshot_dict("2026-01-26")
    first["prices"]["ni"]["value"] = "1"
    first["costs"]["grade_factor"]["A"] = "9"
    first["costs"]["volume_tiers"].append(["1", "1"])
    again = snapshot_dict("2026-01-26")
    assert again["prices"]["ni"]["value"] != "1"
    assert again["costs"]["grade_factor"]["A"] == "0.60"
    assert again["costs"]["volume_tiers"] == [["200", "0.03"], ["1000", "0.06"], ["5000", "0.10"]]


def test_an_unknown_version_names_the_known_ones():
    for call in (snapshot_dict, seeded_snapshot):
        with pytest.raises(PricingError) as caught:
            call("2023-01-01")
        assert caught.value.to_dict() == {
            "field": "index_version",
            "code": PricingErrorCode.MISSING_TABLE.value,
            "message": "no seeded index '2023-01-01'; have " + ", ".join(PRICES),
        }


def test_seeded_prices_are_decimals_with_their_dates():
    snap = seeded_snapshot("2024-11-29")
    assert all(isinstance(p.value, Decimal) for p in snap.prices.values())
    assert snap.effective_date.isoformat() == "2024-11-29"


def test_seeded_fractions_round_half_up_at_the_fifth_decimal():
    # No seeded fraction lands on a half at the sixth decimal, so the rule is checked here.
    assert _q(Decimal("0.000005")) == "0.00001"  # half-even would give 0.00000
    assert _q(Decimal("0.000015")) == "0.00002"
    assert _q(Decimal("0.0000249")) == "0.00002"
    assert _q(Decimal("0.044")) == "0.04400"


def test_a_price_entry_is_copied_with_its_four_fields():
    prices = snapshot_dict("2025-10-27")["prices"]
    assert prices["mn"] == {
        "value": "13900",
        "unit": "t",
        "as_of": "2025-10-21",
        "source": "electrolytic Mn 13,800-14,000, mid: https://news.metal.com/newscontent/103579533/",
    }
    assert prices["lfp_point"] == {
        "value": "2825",
        "unit": "point",
        "as_of": "2025-09-12",
        "source": "SMM LFP 2,700-2,950 CNY/point, mid: https://news.metal.com/newscontent/103528728/",
    }
    assert sorted(prices) == ["al", "co", "cu", "lfp_point", "li2co3", "mn", "new_pack.LFP", "ni"]
    assert prices["mn"] is not PRICES["2025-10-27"]["mn"]


def test_the_late_snapshots_differ_only_in_lithium():
    jan5 = snapshot_dict("2026-01-05")["prices"]
    jan26 = snapshot_dict("2026-01-26")["prices"]
    assert {k for k in jan5 if jan5[k] != jan26[k]} == {"li2co3"}
    assert (jan5["li2co3"]["value"], jan26["li2co3"]["value"]) == ("119500", "181500")
    assert jan26["new_pack.LFP"]["value"] == "298" and jan26["ni"]["as_of"] == "2025-12-08"


@pytest.mark.parametrize("version", ["2026-01-27", "", "latest"])
def test_both_lookups_refuse_an_unknown_version_alike(version):
    errors = []
    for call in (snapshot_dict, seeded_snapshot):
        with pytest.raises(PricingError) as caught:
            call(version)
        errors.append(caught.value.to_dict())
    assert (
        errors[0]
        == errors[1]
        == {
            "field": "index_version",
            "code": "missing_table",
            "message": f"no seeded index {version!r}; have 2024-11-29, 2025-10-27, 2026-01-05, "
            "2026-01-26",
        }
    )
