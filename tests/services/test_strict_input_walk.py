"""Dispatcher walk 2: a whole number too large is told so, full-width digits typed on a
Chinese keyboard are read, a date the calendar lacks is told so, a changed choice names no
row (services.strict_input, the one place numbers and dates are read)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from lithloop.services.errors import Invalid
from lithloop.services.strict_input import (
    chosen_id,
    int_or_default,
    no_such_day,
    optional_int,
    strict_date,
    strict_int,
)


@pytest.fixture(scope="module", autouse=True)
def _words():
    """Lazy messages need an app for their text; no database is touched."""
    from tests.conftest import make_app

    with make_app("sqlite://").app_context():
        yield


def _told(call, locale: str = "en") -> str:
    with force_locale(locale), pytest.raises(Invalid) as refused:
        call()
    with force_locale(locale):
        return str(refused.value.message)


@pytest.mark.parametrize("typed", ["99999999999999999999", "2147483648", "9" * 5000])
def test_a_whole_number_too_large_is_told_too_large_and_the_most_allowed(typed):
    """`?seed=99999999999999999999` read "请填写整数" (enter a whole number): it is one."""
    assert _told(lambda: strict_int(typed, "seed")) == (
        "This is too large: enter at most 2,147,483,647."
    )
    zh = _told(lambda: strict_int(typed, "seed"), "zh")
    assert "数值过大" in zh and "2,147,483,647" in zh and "整数" not in zh


@pytest.mark.parametrize("typed, read", [("１０", 10), ("　３０　", 30), ("－５", -5), ("＋７", 7)])
def test_full_width_digits_are_read_in_every_whole_number(typed, read):
    """The run form refused １０ in its time limit while the driver's mass took it."""
    assert strict_int(typed, "n", minimum=-10) == read
    assert optional_int(typed, "n", minimum=-10) == read


def test_a_lot_count_typed_on_a_chinese_keyboard_is_read():
    """The booking form's pack count, read outside strict_int, takes full-width digits too."""
    from lithloop.services.booking.draft_lots import whole

    assert whole("１２", "lots.0.count") == 12
    for typed in ("¹²", "١٢"):
        with pytest.raises(Invalid):
            whole(typed, "lots.0.count")


@pytest.mark.parametrize("typed", ["¹⁰", "١٠", "१०", "𝟏𝟎", "⑩", "十"])
def test_superscripts_and_other_scripts_digits_stay_refused(typed):
    assert "digits 0-9" in _told(lambda: strict_int(typed, "n"))
    assert int_or_default(typed, 99) == 99


@pytest.mark.parametrize(
    "typed, words",
    [
        ("2026-02-30", "There is no 2026-02-30: 2026-02 has days 01 to 28."),
        ("2028-02-30", "There is no 2028-02-30: 2028-02 has days 01 to 29."),
        ("2026-04-31", "There is no 2026-04-31: 2026-04 has days 01 to 30."),
        ("2026-01-00", "There is no 2026-01-00: 2026-01 has days 01 to 31."),
        ("2026-13-01", "There is no 2026-13-01: months run from 01 to 12."),
    ],
)
def test_a_date_the_calendar_lacks_is_told_so_not_sent_back_to_the_format(typed, words):
    """2026-02-30 was answered "请按 YYYY-MM-DD 格式…": it has that format."""
    assert _told(lambda: strict_date(typed, "date")) == words
    assert _told(lambda: strict_date(typed, "date", message="custom")) == words
    zh = _told(lambda: strict_date(typed, "date"), "zh")
    assert typed in zh and "YYYY-MM-DD" not in zh


@pytest.mark.parametrize("typed", ["2026-2-3", "2026/02/03", "9999-02-30", "tomorrow"])
def test_what_is_not_of_the_date_shape_still_asks_for_it(typed):
    assert no_such_day(typed) is None
    with pytest.raises(Invalid):
        strict_date(typed, "date")


@pytest.mark.parametrize("typed", ["99999999999", "0", "-3", "abc", "2147483648", "1.5"])
def test_a_changed_choice_names_no_row_never_a_database_limit(typed):
    """A tampered roster driver read "1 至 2,147,483,647", the database's integer."""
    assert _told(lambda: chosen_id(typed, "driver-1", "No such driver.")) == "No such driver."


def test_a_choice_left_empty_is_none_and_a_real_one_its_id():
    assert chosen_id("", "driver-1", "x") is None and chosen_id(None, "driver-1", "x") is None
    assert chosen_id(" 12 ", "driver-1", "x") == 12
