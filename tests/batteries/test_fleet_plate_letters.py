"""A fleet CSV's vehicle plate names a bus: it holds letters or digits (fleet walk: a plate
of emoji alone, or of symbols, was imported into the register as a bus)."""

from __future__ import annotations

from datetime import date

import pytest

from lithloop.batteries.fleet_csv import parse_fleet_csv
from lithloop.batteries.problems import ImportCode

HEADER = "vehicle_plate,pack_code,chemistry,rated_kwh,mass_kg,in_service_since,soh_pct\n"


def _parse(plate: str):
    row = f"{plate},,LFP,295,2200,2016-07-03,80\n"
    return parse_fleet_csv((HEADER + row).encode("utf-8"), today=date(2026, 11, 26))


@pytest.mark.parametrize("plate", ["😀😀", "---", "·", "★ ★"])
def test_a_plate_without_letters_or_digits_is_refused_beside_it(plate):
    result = _parse(plate)
    assert not result.ok
    [issue] = result.errors
    assert issue.code is ImportCode.PLATE_WITHOUT_LETTERS
    assert issue.column == "vehicle_plate" and issue.row == 2


@pytest.mark.parametrize("plate", ["黑C·D1234", "黑C D1234", "12345", "吉A-12345"])
def test_a_plate_with_letters_or_digits_is_read(plate):
    result = _parse(plate)
    assert result.ok, result.errors
    assert result.rows[0].vehicle_plate == plate
