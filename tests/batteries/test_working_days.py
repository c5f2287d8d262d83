"""Chinese working days: weekends, public holidays and adjusted weekend working days."""

from datetime import date

import pytest

from lithloop.batteries.working_days import (
    WorkCalendar,
    calendar_of_years,
    expand_days,
    load_calendar,
    parse_calendar,
)


@pytest.fixture
def cal() -> WorkCalendar:
    """The shipped calendar, loaded by each test (the loading code is under test too)."""
    return load_calendar()


def test_2025_spring_festival_and_adjusted_sunday(cal):
    assert not cal.is_working_day(date(2025, 1, 28))  # New Year's Eve, Tuesday, off
    assert not cal.is_working_day(date(2025, 2, 4))
    assert cal.is_working_day(date(2025, 1, 26))  # Sunday worked (调休)
    assert cal.is_working_day(date(2025, 2, 8))  # Saturday worked
    assert not cal.is_working_day(date(2025, 2, 9))  # an ordinary Sunday


def test_fifteen_working_days_across_the_2025_national_day_week(cal):
    # Friday 26 Sep 2025: Sun 28 Sep is worked, 1-8 Oct off, Sat 11 Oct worked.
    due = cal.add_working_days(date(2025, 9, 26), 15)
    assert due == date(2025, 10, 23)
    assert cal.working_days_between(date(2025, 9, 26), due) == 15


def test_2026_spring_festival_nine_days_off(cal):
    start = date(2026, 2, 13)  # Friday before; Sat 14 Feb is worked
    assert cal.add_working_days(start, 1) == date(2026, 2, 14)
    assert cal.add_working_days(start, 2) == date(2026, 2, 24)


def test_outside_covered_years_counts_weekdays_only(cal):
    assert not cal.covers(date(2030, 1, 1))
    assert cal.add_working_days(date(2030, 1, 4), 1) == date(2030, 1, 7)  # Fri -> Mon


def test_working_days_between_is_signed(cal):
    assert cal.working_days_between(date(2026, 3, 9), date(2026, 3, 2)) == -5


def test_bad_calendars_are_refused(cal):
    with pytest.raises(ValueError):
        parse_calendar({"2027": {"off": ["2027-01-03/2027-01-01"]}})
    with pytest.raises(ValueError):
        parse_calendar({"2027": {"off": ["2027-01-02"], "work": ["2027-01-02"]}})
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 1, 1), -1)


def test_shipped_calendar_covers_2025_and_2026_only(cal):
    assert cal.years == frozenset({2025, 2026})
    assert cal.covers(date(2025, 1, 1)) and cal.covers(date(2026, 12, 31))
    assert not cal.covers(date(2024, 12, 31)) and not cal.covers(date(2027, 1, 1))
    assert date(2026, 10, 7) in cal.off and date(2026, 10, 10) in cal.work
    assert date(2025, 1, 28) in cal.off and date(2025, 1, 26) in cal.work  # both years kept
    assert len(cal.off) == 3 + 9 + 3 + 5 + 3 + 3 + 7 + sum(1 for d in cal.off if d.year == 2025)


def test_covers_span_needs_every_year_in_either_order(cal):
    assert cal.covers_span(date(2025, 12, 31), date(2026, 1, 1))
    assert cal.covers_span(date(2026, 1, 1), date(2025, 12, 31))
    assert cal.covers_span(date(2026, 5, 5), date(2026, 5, 5))
    assert not cal.covers_span(date(2026, 12, 31), date(2027, 1, 1))
    assert not cal.covers_span(date(2027, 1, 1), date(2026, 12, 31))
    assert not cal.covers_span(date(2024, 6, 1), date(2026, 1, 1))


def test_zero_working_days_after_a_day_is_that_day(cal):
    for day in (date(2026, 2, 13), date(2026, 2, 15), date(2026, 3, 7)):  # Fri, holiday, Sat
        assert cal.add_working_days(day, 0) == day


def test_one_working_day_skips_a_weekend_and_lands_on_an_adjusted_one(cal):
    assert cal.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Fri -> Mon
    assert cal.add_working_days(date(2026, 2, 27), 1) == date(2026, 2, 28)  # Sat 28 Feb worked
    assert cal.add_working_days(date(2026, 3, 9), 5) == date(2026, 3, 16)


def test_working_days_between_a_day_and_itself_is_zero(cal):
    for day in (date(2026, 3, 2), date(2026, 3, 8), date(2026, 10, 1)):
        assert cal.working_days_between(day, day) == 0


def test_working_days_between_counts_the_end_not_the_start(cal):
    assert cal.working_days_between(date(2026, 3, 2), date(2026, 3, 3)) == 1
    assert cal.working_days_between(date(2026, 3, 6), date(2026, 3, 8)) == 0  # Sat, Sun
    assert cal.working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1
    assert cal.working_days_between(date(2026, 3, 9), date(2026, 3, 6)) == -1
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3  # 8, 9, Sat 10


def test_expand_days_single_days_and_inclusive_ranges():
    assert expand_days([]) == set()
    assert expand_days(["2026-10-01"]) == {date(2026, 10, 1)}
    assert expand_days(["2026-10-01/2026-10-01"]) == {date(2026, 10, 1)}
    assert expand_days(["2026-12-30/2027-01-02", "2026-05-01"]) == {
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 1, 2),
        date(2026, 5, 1),
    }
    with pytest.raises(ValueError, match="range 2026-01-02/2026-01-01 ends before it starts"):
        expand_days(["2026-01-02/2026-01-01"])


def test_calendar_of_years_and_parse_calendar_agree():
    made = calendar_of_years({2030: (["2030-01-01/2030-01-02"], ["2030-01-05"])})
    parsed = parse_calendar(
        {"_source": "ignored", "2030": {"off": ["2030-01-01/2030-01-02"], "work": ["2030-01-05"]}}
    )
    assert (
        made
        == parsed
        == WorkCalendar(
            frozenset({date(2030, 1, 1), date(2030, 1, 2)}),
            frozenset({date(2030, 1, 5)}),
            frozenset({2030}),
        )
    )
    assert parse_calendar({"2031": {}}) == WorkCalendar(years=frozenset({2031}))


def test_a_work_day_wins_over_an_off_day_and_the_weekend():
    both = WorkCalendar(off=frozenset({date(2030, 1, 5)}), work=frozenset({date(2030, 1, 5)}))
    assert both.is_working_day(date(2030, 1, 5))
    assert not WorkCalendar().is_working_day(date(2030, 1, 5))  # a Saturday
    assert WorkCalendar().is_working_day(date(2030, 1, 4))  # a Friday
    assert not WorkCalendar().is_working_day(date(2030, 1, 6))  # a Sunday


def test_overlapping_off_and_work_days_name_the_first_three():
    data = {"2030": {"off": ["2030-01-01/2030-01-05"], "work": ["2030-01-01/2030-01-05"]}}
    first = r"days both off and working: \[datetime.date\(2030, 1, 1\)"
    with pytest.raises(ValueError, match=first):
        parse_calendar(data)
    with pytest.raises(ValueError) as caught:
        parse_calendar(data)
    assert str(caught.value).count("datetime.date") == 3


def test_the_overlap_message_names_the_days_both_off_and_working():
    data = {"2030": {"off": ["2030-01-01/2030-01-05"], "work": ["2030-01-04/2030-01-09"]}}
    with pytest.raises(ValueError) as caught:
        parse_calendar(data)
    assert str(caught.value) == (
        "days both off and working: [datetime.date(2030, 1, 4), datetime.date(2030, 1, 5)]"
    )
    with pytest.raises(ValueError, match="^days must not be negative$"):
        WorkCalendar().add_working_days(date(2030, 1, 1), -1)


def test_load_calendar_from_a_file(tmp_path):
    path = tmp_path / "cal.json"
    path.write_text('{"2030": {"off": ["2030-01-01"], "work": []}}', encoding="utf-8")
    assert load_calendar(str(path)) == WorkCalendar(
        frozenset({date(2030, 1, 1)}), frozenset(), frozenset({2030})
    )
