"""GB/T 34014 codes against their grammar: every character class at every position.

A small oracle states the grammar position by position (what each class of character
does there); the parametrised test and the hypothesis strategy check validate_code
against it, with the exact problem (reason, position, field, parameters).
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lithloop.batteries.codes import (
    CHEMISTRY_LETTERS,
    decode_year,
    field_at,
    validate_code,
)
from lithloop.batteries.park_codes import CodeError, encode_date, make_park_code
from lithloop.batteries.problems import CodeField, CodeReason

# 'ABC' | P | B | '12' | 'XYZ0001' | 2016-03-10 ('63A') | serial 42
BASE = "ABCPB12XYZ000163A0000042"
BASE_DATE = date(2016, 3, 10)
DATE_TABLE = "0123456789ABCDEFGHIJKLMNOPQRSTUV"
FIELDS = {
    **dict.fromkeys(range(1, 4), CodeField.MANUFACTURER),
    4: CodeField.PRODUCT_TYPE,
    5: CodeField.CHEMISTRY,
    **dict.fromkeys((6, 7), CodeField.SPECIFICATION),
    **dict.fromkeys(range(8, 15), CodeField.TRACEABILITY),
    **dict.fromkeys(range(15, 18), CodeField.PRODUCTION_DATE),
    **dict.fromkeys(range(18, 25), CodeField.SERIAL),
}
# One character of each class; lower case and full width are normalised to 'K' first.
CLASSES = {
    "digit": "7",
    "zero": "0",
    "letter in the date table": "K",
    "letter after it": "Z",
    "product letter": "M",
    "chemistry letter": "E",
    "lower case": "k",
    "full width": "Ｋ",
    "punctuation": "-",
    "chinese": "中",
}


def put(code: str, position: int, char: str) -> str:
    return code[: position - 1] + char + code[position:]


def expected(position: int, char: str) -> tuple[CodeReason, int, dict] | None:
    """The grammar: None when the code stays valid, else (reason, position, extra params)."""
    ch = {"k": "K", "Ｋ": "K"}.get(char, char)
    alnum = ch.isascii() and ch.isalnum()
    if position >= 18:
        if not ch.isdigit():
            return CodeReason.BAD_CHARACTER, position, {"char": ch, "allowed": "0-9"}
        if int(put(BASE, position, ch)[17:]) == 0:
            return CodeReason.ZERO_SERIAL, 18, {}
        return None
    if not alnum:
        return CodeReason.BAD_CHARACTER, position, {"char": ch, "allowed": "A-Z, 0-9"}
    if position == 4 and ch not in "PMC":
        return CodeReason.UNKNOWN_PRODUCT_TYPE, 4, {"char": ch}
    if position == 5 and ch not in CHEMISTRY_LETTERS:
        return CodeReason.UNKNOWN_CHEMISTRY, 5, {"char": ch, "allowed": "ABCDEFGZ"}
    value = DATE_TABLE.find(ch)
    if position == 15 and value < 0:
        return CodeReason.IMPOSSIBLE_DATE, 15, {"part": "year", "char": ch}
    if position == 16 and not 1 <= value <= 12:
        return CodeReason.IMPOSSIBLE_DATE, 16, {"part": "month", "char": ch}
    if position == 17 and not 1 <= value <= 31:  # March has 31 days
        return CodeReason.IMPOSSIBLE_DATE, 17, {"part": "day", "char": ch}
    return None


@pytest.mark.parametrize("position", range(1, 25))
@pytest.mark.parametrize("kind", CLASSES)
def test_every_character_class_at_every_position(position, kind):
    code = put(BASE, position, CLASSES[kind])
    check = validate_code(code)
    want = expected(position, CLASSES[kind])
    if want is None:
        assert check.ok and check.problem is None, check.problem
        assert check.parsed is not None and check.parsed.code == check.text
        assert (check.position, check.field, check.reason) == (None, None, None)
        return
    reason, where, params = want
    assert check.parsed is None
    assert (check.reason, check.position, check.field) == (reason, where, FIELDS[where])
    assert check.problem.params == {"field": FIELDS[where].value, "position": where} | params
    assert check.problem.message


def test_the_base_code_parses_into_its_fields():
    parsed = validate_code(BASE).parsed
    assert (parsed.manufacturer, parsed.product_type.value, parsed.chemistry_letter) == (
        "ABC",
        "P",
        "B",
    )
    assert (parsed.specification, parsed.traceability) == ("12", "XYZ0001")
    assert (parsed.produced, parsed.serial, parsed.chemistries) == (BASE_DATE, 42, ("LFP",))


def test_fields_span_their_positions():
    assert [field_at(p) for p in range(1, 25)] == [FIELDS[p] for p in range(1, 25)]


@pytest.mark.parametrize(("month", "last"), [("2", "S"), ("4", "U"), ("3", "V"), ("C", "V")])
def test_the_last_day_of_each_month_and_the_day_after(month, last):
    # 2016 is a leap year: 29 Feb ('T' would be 29); April 30 ('U'); March and Dec 31 ('V')
    feb_last = "T" if month == "2" else last
    assert validate_code(BASE[:15] + month + feb_last + BASE[17:]).ok
    after = DATE_TABLE[DATE_TABLE.index(feb_last) + 1] if feb_last != "V" else "W"
    check = validate_code(BASE[:15] + month + after + BASE[17:])
    assert (check.reason, check.position) == (CodeReason.IMPOSSIBLE_DATE, 17)


def test_day_zero_and_month_zero_are_impossible():
    assert validate_code(put(BASE, 17, "0")).reason is CodeReason.IMPOSSIBLE_DATE
    assert validate_code(put(BASE, 16, "0")).position == 16
    assert validate_code(put(BASE, 16, "D")).position == 16  # month 13


def test_a_code_dated_today_is_accepted_and_tomorrow_is_refused():
    assert validate_code(BASE, today=BASE_DATE).ok
    check = validate_code(BASE, today=date(2016, 3, 9))
    assert (check.reason, check.position, check.field) == (
        CodeReason.FUTURE_DATE,
        15,
        CodeField.PRODUCTION_DATE,
    )
    assert check.problem.params == {
        "field": "production_date",
        "position": 15,
        "produced": "2016-03-10",
        "today": "2016-03-09",
    }


@pytest.mark.parametrize(
    ("char", "today", "year"),
    [
        ("0", None, 2010),
        ("V", None, 2041),
        ("0", date(2041, 12, 31), 2010),
        ("0", date(2042, 1, 1), 2042),  # the cycle turns
        ("1", date(2042, 1, 1), 2011),  # 2043 is after today
        ("1", date(2043, 1, 1), 2043),
        ("0", date(2074, 1, 1), 2074),  # two cycles on
        ("5", date(2009, 1, 1), 2015),  # all after today: the first
    ],
)
def test_decode_year_takes_the_latest_year_of_the_cycle_not_after_today(char, today, year):
    assert decode_year(char, today) == year


@pytest.mark.parametrize(
    ("produced", "chars"),
    [
        (date(2010, 1, 1), "011"),
        (date(2016, 3, 10), "63A"),
        (date(2041, 12, 31), "VCV"),
        (date(2042, 1, 1), "011"),
    ],
)
def test_encode_date(produced, chars):
    assert encode_date(produced) == chars


def test_encode_date_refuses_years_before_2010():
    with pytest.raises(CodeError) as caught:
        encode_date(date(2009, 12, 31))
    assert caught.value.problem.params == {
        "field": "production_date",
        "position": 15,
        "year": 2009,
        "first": 2010,
    }
    assert str(caught.value) == caught.value.problem.message


@pytest.mark.parametrize(
    ("text", "reason", "position", "length"),
    [
        ("", CodeReason.EMPTY, None, None),
        ("   ", CodeReason.EMPTY, None, None),
        (BASE[:23], CodeReason.WRONG_LENGTH, 24, 23),
        (BASE[:1], CodeReason.WRONG_LENGTH, 2, 1),
        (BASE + "1", CodeReason.WRONG_LENGTH, 25, 25),
        (BASE + "12", CodeReason.WRONG_LENGTH, 25, 26),
    ],
)
def test_empty_and_wrong_length(text, reason, position, length):
    check = validate_code(text)
    assert (check.reason, check.position) == (reason, position)
    assert check.problem.params.get("length") == length
    assert check.field is (FIELDS[position] if position and position <= 24 else None)


def test_none_is_an_empty_code():
    assert validate_code(None).reason is CodeReason.EMPTY


@pytest.mark.parametrize(
    ("serial", "tail"), [(1, "0000001"), (9_999_999, "9999999"), (1_000_000, "1000000")]
)
def test_make_park_code_serial_bounds(serial, tail):
    code = make_park_code(serial, chemistry_letter="E", product_type="M", produced=BASE_DATE)
    assert code == "LLPME00000000063A" + tail


@pytest.mark.parametrize(
    ("field", "value", "position", "expected_size"),
    [
        ("manufacturer", "ABCD", 1, 3),
        ("product_type", "", 4, 1),
        ("chemistry_letter", "BB", 5, 1),
        ("specification", "1", 6, 2),
        ("traceability", "12345678", 8, 7),
    ],
)
def test_make_park_code_names_the_field_of_the_wrong_length(field, value, position, expected_size):
    args = {"chemistry_letter": "B", "product_type": "P", "produced": BASE_DATE, field: value}
    with pytest.raises(CodeError) as caught:
        make_park_code(5, **args)
    problem = caught.value.problem
    assert (problem.reason, problem.position) == (CodeReason.FIELD_LENGTH, position)
    assert problem.params["expected"] == expected_size
    assert problem.params["length"] == len(value)


def test_make_park_code_normalises_its_parts_and_refuses_a_future_code_never():
    code = make_park_code(
        3,
        chemistry_letter="e",
        product_type="c",
        produced=date(2026, 12, 3),
        manufacturer=" ab c",
        specification="ｘ1",
        traceability="abc1234",
    )
    assert code == "ABCCEX1ABC1234GC30000003"


def test_make_park_code_serial_out_of_range_params():
    with pytest.raises(CodeError) as caught:
        make_park_code(0, chemistry_letter="B", product_type="P", produced=BASE_DATE)
    assert caught.value.problem.params == {
        "field": "serial",
        "position": 18,
        "serial": 0,
        "maximum": 9_999_999,
    }


ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ANY_CHAR = st.sampled_from(list(CLASSES.values()) + list(ALNUM) + list("#/ 中Ａ"))


@st.composite
def codes(draw):
    """A code from the grammar: each field drawn from its own alphabet."""
    produced = draw(st.dates(date(2010, 1, 1), date(2041, 12, 31)))
    return "".join(
        (
            draw(st.text(ALNUM, min_size=3, max_size=3)),
            draw(st.sampled_from("PMC")),
            draw(st.sampled_from(sorted(CHEMISTRY_LETTERS))),
            draw(st.text(ALNUM, min_size=2, max_size=2)),
            draw(st.text(ALNUM, min_size=7, max_size=7)),
            encode_date(produced),
            f"{draw(st.integers(1, 9_999_999)):07d}",
        )
    )


@given(code=codes())
def test_every_code_of_the_grammar_is_valid_and_parses_back_to_its_text(code):
    check = validate_code(code)
    assert check.ok, check.problem
    p = check.parsed
    assert (
        p.manufacturer
        + p.product_type
        + p.chemistry_letter
        + p.specification
        + p.traceability
        + encode_date(p.produced)
        + f"{p.serial:07d}"
    ) == code


@given(code=codes(), position=st.integers(1, 24), char=st.sampled_from(ALNUM + "-中"))
def test_one_character_changed_is_refused_exactly_when_the_grammar_says(code, position, char):
    changed = put(code, position, char)
    check = validate_code(changed)
    if char not in ALNUM or (position >= 18 and not char.isdigit()):
        assert (check.reason, check.position) == (CodeReason.BAD_CHARACTER, position)
    elif position == 4:
        assert check.ok is (char in "PMC")
    elif position == 5:
        assert check.ok is (char in CHEMISTRY_LETTERS)
    elif position < 15 or (position >= 18 and int(changed[17:]) > 0):
        assert check.ok
    elif position >= 18:
        assert check.reason is CodeReason.ZERO_SERIAL
    else:
        assert check.ok or check.reason is CodeReason.IMPOSSIBLE_DATE


def test_serial_zero_is_refused_and_one_is_the_first():
    check = validate_code(BASE[:17] + "0000000")
    assert (check.reason, check.position, check.field) == (
        CodeReason.ZERO_SERIAL,
        18,
        CodeField.SERIAL,
    )
    assert validate_code(BASE[:17] + "0000001").parsed.serial == 1
