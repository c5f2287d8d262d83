"""The energy check's exact figures: the tolerance's edge on both sides, the rounded Wh."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from lithloop.batteries.energy_check import EnergyMismatch, mismatch


@pytest.mark.parametrize(
    ("ah", "volts", "found"),
    [
        # 10 kWh rated at 100 % SoH: 15 % either side is allowed, 0.01 % more is not
        ("115", "100", None),  # 11,500 Wh: exactly 15 % over
        ("85", "100", None),  # 8,500 Wh: exactly 15 % under
        ("115.01", "100", EnergyMismatch(D(11501), D(10000), D("15.01"))),
        ("84.99", "100", EnergyMismatch(D(8499), D(10000), D("15.01"))),
        ("20", "100", EnergyMismatch(D(2000), D(10000), D(80))),
    ],
)
def test_the_edge_of_the_tolerance(ah, volts, found):
    assert mismatch(D(ah), D(volts), 10_000, D(100)) == found


def test_the_figures_are_rounded_to_the_watt_hour():
    # 51,200 Wh x 88.5 % = 45,312 Wh expected; 144.83 Ah x 51.2 V = 7,415.296 Wh measured
    found = mismatch(D("144.83"), D("51.2"), 51_200, D("88.5"))
    assert (found.measured_wh, found.expected_wh) == (D(7415), D(45312))
    assert str(found.measured_wh) == "7415"
    # |7,415.296 - 45,312| x 100 / 45,312 = 83.635... %
    assert found.off_pct.quantize(D("0.001")) == D("83.635")
    # 1,234.567 Wh rated at 50 % SoH: 617.2835 expected, shown as 617
    small = mismatch(D(1), D(1000), D("1234.567"), D(50))
    assert (small.measured_wh, small.expected_wh) == (D(1000), D(617))


def test_a_zero_soh_is_not_checked():
    assert mismatch(D(100), D(100), 10_000, D(0)) is None
