"""Ah × V against rated Wh × SoH: typing slips are caught, honest voltage spread is not."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from lithloop.batteries.energy_check import mismatch


@pytest.mark.parametrize(
    ("ah", "volts", "rated_wh", "soh", "caught"),
    [
        ("144.8", "51.2", 51_200, "88", True),  # the demo's slip: 7.4 kWh for 45 kWh
        ("144.8", "332.8", 51_200, "88", False),  # OCV 4 % above nominal: fine
        ("140.8", "320", 51_200, "88", False),  # exact
        ("140.8", "320", 51_200, "60", True),  # 45 kWh measured for 30.7 kWh expected
        ("140.8", "375", 51_200, "88", True),  # 17 % above: past the 15 % tolerance
        ("140.8", None, 51_200, "88", False),  # no voltage: nothing to check
        ("140.8", "320", None, "88", False),  # no rating: nothing to check
    ],
)
def test_mismatch(ah, volts, rated_wh, soh, caught):
    found = mismatch(D(ah), D(volts) if volts else None, rated_wh, D(soh))
    assert (found is not None) is caught
    if found:
        assert found.off_pct > 15


def test_the_tolerance_is_a_parameter():
    assert mismatch(D("140.8"), D("375"), 51_200, D("88"), D("20")) is None
