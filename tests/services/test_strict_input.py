"""The strict parsers every form and query uses: ASCII digits, bounded, the comma rule."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from flask_babel import force_locale

from lithloop.services.errors import Invalid
from lithloop.services.strict_input import (
    int_or_default,
    limited_text,
    money_to_fen,
    parse_amount,
    parse_kilograms,
    phone_number,
    place_name,
    strict_date,
    strict_decimal,
    strict_int,
    strict_time,
)


@pytest.fixture(scope="module", autouse=True)
def _words():
    """Lazy messages need an app for their text; nothing here touches a database, so one app
    for the module, on no database (not the `app` fixture's two per test and backend)."""
    from tests.conftest import make_app

    with make_app("sqlite://").app_context():
        yield


@pytest.mark.parametrize(
    "typed, fen",
    [
        ("1,234.50", 123_450),
        ("1234.5", 123_450),
        ("¥1,234", 123_400),
        ("0.5", 50),
        ("12,345,678.09", 1_234_567_809),
        (" 7 ", 700),
        (".5", 50),
    ],
)
def test_money_reads_thousands_groups_of_three(typed, fen):
    assert money_to_fen(typed, "amount") == fen


@pytest.mark.parametrize(
    "typed",
    [
        "0,5",
        "1,2345",
        "12,34.5",
        ",500",
        "1,,000",
        "1.005",
        "-1",
        "0",
        "NaN",
        "inf",
        "1e3",
        "²",
        "١٢",
        "9" * 20,
        "1" * 5000,
        "",
        "¥",
    ],
)
def test_money_refuses_what_is_not_an_amount(typed):
    with pytest.raises(Invalid) as refused:
        money_to_fen(typed, "amount")
    assert refused.value.field == "amount"


def test_a_decimal_comma_is_explained():
    with pytest.raises(Invalid, match="逗号只用作千位分隔符"):
        money_to_fen("0,5", "amount")


def test_amounts_keep_decimals_and_signs_within_limits():
    assert parse_amount("-1,234.125", "x") == Decimal("-1234.125")
    with pytest.raises(Invalid):
        parse_amount("1.1234567", "x")  # 7 decimals
    with pytest.raises(Invalid):
        parse_amount("5", "x", maximum=4)


@pytest.mark.parametrize(
    "typed", ["²", "٣", "¹²", "𝟏𝟐", "１２²", "1.0", "9" * 19, " ", "0x10", "1_000"]
)
def test_whole_numbers_are_decimal_digits_and_bounded(typed):
    with pytest.raises(Invalid):
        strict_int(typed, "n")
    assert int_or_default(typed, 7) == 7


def test_numbers_typed_on_a_chinese_keyboard_are_read_as_amounts_are():
    """Walk finding: a cycle count of １２ was refused while the mass and the capacity beside
    it read full-width digits; every number parser reads them alike."""
    assert strict_int("１２", "cycle_count") == 12
    assert strict_int("－３", "n", minimum=-5) == -3
    assert strict_decimal("１２．５", "x") == Decimal("12.5")
    assert strict_decimal("１２．５", "x") == parse_amount("１２．５", "x")
    with pytest.raises(Invalid):  # a superscript stays refused, full-width or not
        strict_int("１²", "n")


def test_a_whole_number_of_too_many_digits_is_out_of_range_not_garbled():
    """Twenty digits were refused with "Enter a whole number (digits 0-9)": they are."""
    told = {"9" * 20: "This is too large: enter at most 1,000.", "-" + "9" * 25: "between"}
    for typed, words in told.items():
        with force_locale("en"), pytest.raises(Invalid) as refused:
            strict_int(typed, "n", minimum=1, maximum=1000)
        with force_locale("en"):
            assert words in str(refused.value.message)


def test_a_decimal_of_too_many_digits_is_out_of_range_not_garbled():
    """Walk finding: a catalog filter of twenty digits read "Enter a number such as 12.5"."""
    for typed in ("9" * 20, "9" * 17 + ".5", "-" + "9" * 16):
        with force_locale("en"), pytest.raises(Invalid) as refused:
            strict_decimal(typed, "n", minimum=0, maximum=100)
        with force_locale("en"):
            assert str(refused.value.message) == "Enter a number between 0 and 100.", typed
    with force_locale("en"), pytest.raises(Invalid) as refused:
        strict_decimal("12,5", "n", minimum=0, maximum=100)
    with force_locale("en"):
        assert "12.5" in str(refused.value.message)  # not a number as typed: the example


def test_whole_number_range_and_default():
    assert strict_int(" 42 ", "n") == 42
    assert int_or_default(str(2**63), 1, minimum=1, maximum=100) == 1
    with pytest.raises(Invalid):
        strict_int("-1", "n")


@pytest.mark.parametrize(
    "typed",
    ["9999-12-31", "0001-01-01", "2026-02-30", "2026-1-5", "2026-01-05T00:00", "٢٠٢٦-01-05"],
)
def test_dates_are_iso_and_bounded(typed):
    with pytest.raises(Invalid):
        strict_date(typed, "d")
    assert strict_date("2026-01-05", "d") == date(2026, 1, 5)


@pytest.mark.parametrize("typed", ["09:00+08:00", "09:00Z", "24:00", "9:00", "09:60", "٠٩:٠٠"])
def test_times_are_naive_clock_times(typed):
    with pytest.raises(Invalid):
        strict_time(typed, "t")
    assert strict_time("09:30", "t") == time(9, 30)


@pytest.mark.parametrize("typed", ["０７:００", "０７：００", "07：00"])
def test_times_typed_on_a_chinese_keyboard_are_read(typed):
    """A roster's shift typed with full-width digits was refused, while number boxes read them."""
    assert strict_time(typed, "t") == time(7, 0)


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("13904531234", "13904531234"),
        ("0453-6123456", "0453-6123456"),
        ("+86 139  0453 1234", "+86 139 0453 1234"),
        ("(0453) 612-3456", "(0453) 612-3456"),
        ("１３９０４５３１２３４", "13904531234"),  # a Chinese keyboard's full-width digits
        ("0453-6123456 转 8012", "0453-6123456 转 8012"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_a_phone_number_is_kept_as_typed(typed, kept):
    assert phone_number(typed, "phone") == kept


@pytest.mark.parametrize(
    "typed",
    ["abc", "139", "1" * 16, "13904531234abc", "139-", "+", "٣٣٣٣٣٣٣٣", " - ".join("13904531234")],
)
def test_what_is_no_phone_number_is_refused_naming_the_field(typed):
    with pytest.raises(Invalid) as refused:
        phone_number(typed, "contact_phone")
    assert refused.value.field == "contact_phone" and "7" in str(refused.value.message)


@pytest.mark.parametrize("typed", ["🏙️🌃", "★", "123", "-- --"])
def test_a_place_name_without_a_letter_is_refused_naming_the_field(typed):
    """A new user's walk: a city made only of emoji was accepted at registration."""
    with pytest.raises(Invalid) as refused:
        place_name(typed, "city")
    assert refused.value.field == "city"
    with force_locale("en"):
        assert str(refused.value.message) == "Enter the city's name in letters, such as Mudanjiang."
    assert str(refused.value.message) == "请用文字填写城市名称，例如“牡丹江”。"


@pytest.mark.parametrize("typed", ["牡丹江", "Mudanjiang", " 绥芬河市 ", "Ning'an 🚌", ""])
def test_a_place_name_with_letters_is_kept(typed):
    assert place_name(typed, "city") == typed.strip()


def test_a_required_phone_number_says_it_is_required():
    with pytest.raises(Invalid) as refused:
        phone_number(" ", "phone", required_message="For delivery, enter a phone number.")
    assert str(refused.value.message) == "For delivery, enter a phone number."


@pytest.mark.parametrize(
    ("typed", "read"),
    [("１２６０", "1260"), ("１，２３４．５", "1234.5"), ("－３", "-3"), ("＋０．２５", "0.25")],
)
def test_amounts_typed_on_a_chinese_keyboard_are_read(typed, read):
    """Every amount field reads full-width digits, as the booking form always did."""
    assert parse_amount(typed, "x") == Decimal(read)


@pytest.mark.parametrize("typed", ["²", "٣", "１２²", "１,２３４５"])
def test_other_scripts_digits_stay_refused_in_amounts(typed):
    with pytest.raises(Invalid):
        parse_amount(typed, "x")


def test_a_number_in_exponent_form_is_told_too_large_or_to_be_written_out():
    """Walk finding: 1e12 kg read "enter a number", as if it were not one."""
    with pytest.raises(Invalid) as big:
        parse_amount("1e12", "mass_kg", message="Enter a number.", maximum=Decimal(40000))
    assert "40,000" in str(big.value.message) and "Enter a number." not in str(big.value.message)
    with pytest.raises(Invalid) as told:
        parse_amount("1E+999999", "mass_kg", maximum=Decimal(10), too_large="too heavy")
    assert str(told.value.message) == "too heavy"
    with pytest.raises(Invalid) as small:  # in range, still not taken: written out in digits
        parse_amount("1e3", "mass_kg", message="Enter a number.", maximum=Decimal(40000))
    assert "1000" in str(small.value.message) and small.value.field == "mass_kg"


def test_a_text_over_its_limit_is_refused_with_both_lengths_grouped_never_cut():
    """Typed text was cut to the column's length unseen; now it is refused, naming the field."""
    with force_locale("en"), pytest.raises(Invalid) as refused:
        limited_text("x" * 1001, "note", 1000)
    assert refused.value.field == "note"
    with force_locale("en"):
        assert str(refused.value.message) == "Enter at most 1,000 characters; this has 1,001."
    with force_locale("zh"):
        assert str(refused.value.message) == "最多 1,000 个字符，现在有 1,001 个。"
    assert limited_text("  " + "x" * 1000 + "\n", "note", 1000) == "x" * 1000  # stripped first


@pytest.mark.parametrize(
    ("text", "words"),
    [("\u202e少了一块", "text-direction"), ("磅秤\x1b[31m", "control"), ("a\x07b", "control")],
)
def test_free_text_refuses_direction_and_control_characters_wherever_it_is_kept(text, words):
    """Hostile-input finding: a truck's model, an intake's notes and the park's answer to a
    request for quote stored U+202E, BEL and ESC as sent (other fields refused them)."""
    with force_locale("en"), pytest.raises(Invalid) as refused:
        limited_text(text, "note", 100)
    with force_locale("en"):
        assert refused.value.field == "note" and words in str(refused.value.message)
    assert limited_text("第一行\n\t第二行", "note", 100) == "第一行\n\t第二行"  # breaks, tabs kept


def test_a_line_break_sent_as_two_characters_counts_as_one():
    """A textarea sends CRLF: a note within the field's maxlength is not refused for it."""
    assert limited_text("ab\r\ncd", "note", 5) == "ab\ncd"
    assert limited_text(None, "note", 5) == ""


def test_a_range_names_its_bounds_with_digits_grouped():
    """The cycle count's bound read "between 0 and 100000" beside bounds such as
    "9,999,999" on the same test form."""
    with force_locale("en"), pytest.raises(Invalid) as refused:
        strict_int("-1", "cycle_count", maximum=100_000)
    with force_locale("en"):
        assert str(refused.value.message) == "Enter a number between 0 and 100,000."
    with force_locale("en"), pytest.raises(Invalid) as refused:
        strict_decimal("20000.5", "kwh", minimum=0, maximum=Decimal("10000"))
    with force_locale("en"):
        assert str(refused.value.message) == "Enter a number between 0 and 10,000."


def test_an_amount_of_too_many_digits_is_told_its_range_not_a_digit_count():
    """Walk finding: twenty digits in a pack's capacity (0 to 9,999,999) or a lot's weighed mass
    read "Enter at most 15 digits before the point", a limit the field never shows."""
    for typed in ("9" * 20, "-" + "9" * 20, "9" * 16 + ".5"):
        with force_locale("en"), pytest.raises(Invalid) as refused:
            parse_amount(typed, "capacity_ah", minimum=0, maximum=9_999_999)
        with force_locale("en"):
            assert str(refused.value.message) == "Enter a number between 0 and 9,999,999."
    with force_locale("en"), pytest.raises(Invalid) as told:
        parse_amount("9" * 20, "mass_kg", maximum=Decimal(10), too_large="too heavy")
    assert str(told.value.message) == "too heavy"
    with force_locale("en"), pytest.raises(Invalid) as unbounded:  # no range: the digit count
        parse_amount("9" * 20, "x")
    with force_locale("en"):
        assert "15 digits" in str(unbounded.value.message)


@pytest.mark.parametrize(
    "typed", ["335 kg", "335kg", "335 KG", "335 Kg", "335 千克", "335公斤", "３３５ｋｇ", "335㎏"]
)
def test_a_mass_typed_with_kilograms_after_it_is_read(typed):
    """Walk finding: a lot weighed at "335 kg" was refused at intake."""
    assert parse_kilograms(typed, "mass_kg") == Decimal(335)


@pytest.mark.parametrize("typed", ["0.335 t", "0.335吨", "335000 g", "335000克", "670 斤"])
def test_a_mass_in_another_unit_is_refused_asking_for_kilograms(typed):
    with force_locale("en"), pytest.raises(Invalid) as refused:
        parse_kilograms(typed, "mass_kg")
    assert refused.value.field == "mass_kg"
    with force_locale("en"):
        assert "Enter the mass in kg" in str(refused.value.message)


@pytest.mark.parametrize("typed", ["335 kg kg", "kg", "335 kgx", "1e3 kg"])
def test_a_unit_is_read_only_after_a_number(typed):
    with pytest.raises(Invalid):
        parse_kilograms(typed, "mass_kg")
