"""Retirement forecast: hand-computed examples."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from lithloop.batteries.forecast import (
    Method,
    MonthDue,
    Prediction,
    add_months,
    forecast_retirements,
    predict_retirement,
)

TODAY = date(2024, 1, 10)


@dataclass(frozen=True)
class Pack:
    chemistry: str
    in_service_since: date
    soh_pct: Decimal | None
    mass_kg: Decimal = Decimal(2000)
    rated_kwh: Decimal = Decimal(300)


def test_soh_linear_fade_to_threshold():
    # 730 days in service, 100 -> 85 %: 15/730 % a day; 5 points left = 243.3 -> 244 days
    p = predict_retirement(Pack("LFP", date(2022, 1, 1), Decimal(85)), date(2024, 1, 1))
    assert (p.retires_on, p.method, p.already_due) == (date(2024, 9, 1), Method.SOH, False)


def test_threshold_is_configurable():
    # threshold 70: 15 points left at 15/730 a day = 730 days
    p = predict_retirement(
        Pack("LFP", date(2022, 1, 1), Decimal(85)), date(2024, 1, 1), soh_threshold=Decimal(70)
    )
    assert p.retires_on == date(2025, 12, 31)


def test_at_or_past_threshold_is_due_now():
    for soh in (Decimal(80), Decimal("79.9"), Decimal(0)):
        p = predict_retirement(Pack("LFP", date(2018, 1, 1), soh), TODAY)
        assert (p.retires_on, p.method, p.already_due) == (TODAY, Method.SOH, True)


def test_age_when_soh_unknown():
    p = predict_retirement(Pack("LFP", date(2016, 3, 15), None), TODAY)
    assert (p.retires_on, p.method) == (date(2024, 3, 15), Method.AGE)  # 8 years
    p = predict_retirement(Pack("NCM811", date(2017, 6, 30), None), TODAY)
    assert (p.retires_on, p.already_due) == (TODAY, True)  # 6 years -> 2023-06-30, past


def test_age_when_soh_cannot_be_extrapolated():
    assert (
        predict_retirement(Pack("LFP", date(2020, 5, 1), Decimal(100)), TODAY).method is Method.AGE
    )
    assert predict_retirement(Pack("LFP", TODAY, Decimal(95)), TODAY).method is Method.AGE


def test_life_years_configurable_and_unknown_chemistry_falls_back_to_8():
    life = {"LFP": Decimal("7.5")}
    p = predict_retirement(Pack("LFP", date(2017, 1, 31), None), TODAY, life_years=life)
    assert p.retires_on == date(2024, 7, 31)  # 90 months
    assert predict_retirement(Pack("LTO", date(2016, 2, 1), None), TODAY).retires_on == date(
        2024, 2, 1
    )


def test_add_months_clamps_the_day():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 12, 15), 1) == date(2024, 1, 15)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)


def test_forecast_by_month():
    packs = [
        Pack("LFP", date(2018, 1, 1), Decimal(79), Decimal(2000), Decimal(300)),  # now (Jan)
        Pack("LFP", date(2016, 3, 15), None, Decimal(2500), Decimal(350)),  # age: Mar 2024
        Pack("LFP", date(2022, 1, 10), Decimal(85), Decimal(2200), Decimal(324)),  # soh: Sep
        Pack("LFP", date(2023, 1, 10), Decimal(90), Decimal(2100), Decimal(281)),  # 2025-01-09
        Pack("LFP", date(2020, 1, 1), None),  # age: 2028, beyond the horizon
        Pack("NCM523", date(2017, 1, 1), None, Decimal(2400), Decimal(258)),  # age, past: now
    ]
    months = forecast_retirements(packs, TODAY)
    assert [m.month for m in months] == [date(2024, i, 1) for i in range(1, 13)]
    by_month = {m.month.month: m for m in months if m.packs}
    assert by_month == {
        1: MonthDue(date(2024, 1, 1), 2, Decimal(4400), Decimal(558), 1, 1),
        3: MonthDue(date(2024, 3, 1), 1, Decimal(2500), Decimal(350), 0, 1),
        9: MonthDue(date(2024, 9, 1), 1, Decimal(2200), Decimal(324), 1, 0),
    }
    # a 13-month horizon reaches the 4th pack (2025-01-09)
    longer = forecast_retirements(packs, TODAY, horizon_months=13)
    assert longer[-1] == MonthDue(date(2025, 1, 1), 1, Decimal(2100), Decimal(281), 1, 0)


def test_forecast_accepts_fleet_rows_and_rejects_bad_arguments():
    from lithloop.batteries.fleet_csv import parse_fleet_csv

    data = (
        "vehicle_plate,pack_code,chemistry,rated_kwh,mass_kg,in_service_since,soh_pct\n"
        "黑C·D1,,LFP,324,2350,2016-01-05,\n"
    ).encode()
    rows = parse_fleet_csv(data, today=TODAY).rows
    [first] = [m for m in forecast_retirements(rows, TODAY) if m.packs]
    assert (first.month, first.mass_kg, first.kwh) == (
        date(2024, 1, 1),
        Decimal(2350),
        Decimal(324),
    )
    with pytest.raises(ValueError):
        forecast_retirements(rows, TODAY, horizon_months=0)
    with pytest.raises(ValueError):
        forecast_retirements(rows, TODAY, soh_threshold=Decimal(100))


def test_soh_in_service_since_today_falls_back_to_age_and_one_day_extrapolates():
    fresh = Pack("LFP", TODAY, Decimal(90))  # 0 days: no fade to extrapolate from
    assert predict_retirement(fresh, TODAY) == Prediction(date(2032, 1, 10), Method.AGE, False)
    # one day in service lost 1 % -> 10 more points take 10 days
    day_old = Pack("LFP", date(2024, 1, 9), Decimal(99))
    assert predict_retirement(day_old, TODAY) == Prediction(date(2024, 1, 29), Method.SOH, False)


def test_age_reached_today_is_due_today_and_tomorrow_is_not():
    today = Pack("NCM811", date(2018, 1, 10), None)  # 6 years to the day
    assert predict_retirement(today, TODAY) == Prediction(TODAY, Method.AGE, True)
    tomorrow = Pack("NCM811", date(2018, 1, 11), None)
    assert predict_retirement(tomorrow, TODAY) == Prediction(date(2024, 1, 11), Method.AGE, False)


def test_forecast_bounds_of_its_arguments():
    rows = [Pack("LFP", date(2016, 1, 5), None)]
    assert len(forecast_retirements(rows, TODAY, horizon_months=1)) == 1
    assert len(forecast_retirements(rows, TODAY, soh_threshold=Decimal("0.5"))) == 12
    assert len(forecast_retirements(rows, TODAY, soh_threshold=Decimal("99.9"))) == 12
    with pytest.raises(ValueError, match="^horizon_months must be at least 1$"):
        forecast_retirements(rows, TODAY, horizon_months=0)
    for bad in (Decimal(0), Decimal(100)):
        with pytest.raises(ValueError, match="^soh_threshold must be between 0 and 100$"):
            forecast_retirements(rows, TODAY, soh_threshold=bad)


def test_forecast_passes_its_threshold_and_lives_on_and_counts_methods():
    rows = [
        Pack("LFP", date(2023, 1, 10), Decimal(95)),  # 5 points in 365 days
        Pack("LFP", date(2023, 1, 10), Decimal(95)),
        Pack("LFP", date(2020, 3, 1), None),
        Pack("LFP", date(2020, 3, 1), None),
    ]
    # threshold 94: 1 point at 5/365 a day = 73 days -> 2024-03-23; life 4 years -> 2024-03-01
    months = forecast_retirements(
        rows, TODAY, soh_threshold=Decimal(94), life_years={"LFP": Decimal(4)}
    )
    march = months[2]
    assert march == MonthDue(date(2024, 3, 1), 4, Decimal(8000), Decimal(1200), 2, 2)
