"""GB/T 34014 codes: valid and invalid examples, each failure position, round-trip property."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lithloop.batteries.codes import (
    ProductType,
    chemistries_for_letter,
    letter_for_chemistry,
    validate_code,
)
from lithloop.batteries.park_codes import CodeError, encode_date, make_park_code
from lithloop.batteries.problems import CodeField, CodeReason

# manufacturer 'CAT', pack, LFP, spec '1A', trace 'X7K20B1', 2020-10-31 ('AAV'), serial 42
VALID = "CATPB1AX7K20B1AAV0000042"


def _with(pos: int, chars: str) -> str:
    return VALID[: pos - 1] + chars + VALID[pos - 1 + len(chars) :]


def test_valid_code_parses_every_field():
    check = validate_code(VALID)
    assert check.ok and check.problem is None and check.position is None
    p = check.parsed
    assert (p.manufacturer, p.product_type, p.chemistry_letter) == ("CAT", ProductType.PACK, "B")
    assert (p.specification, p.traceability, p.serial) == ("1A", "X7K20B1", 42)
    assert p.produced == date(2020, 10, 31)
    assert p.chemistries == ("LFP",)


def test_normalises_case_whitespace_and_full_width():
    spaced = " cat pb1a x7k20b1 aav 0000042\t"
    assert validate_code(spaced).parsed.code == VALID
    full_width = "ＣＡＴＰＢ１ＡＸ７Ｋ２０Ｂ１ＡＡＶ００００　０４２"
    assert validate_code(full_width).text == VALID


@pytest.mark.parametrize("mark", ["\u200b", "\ufeff", "\u200d", "\u2060"])
def test_invisible_format_characters_pasted_with_a_code_are_dropped(mark):
    """walk: a code pasted with a zero-width space (or a spreadsheet's byte-order mark) was
    refused as "25 characters" while it read as the 24 it has; one alone was quoted as a
    code: "编码  无效。该编码有 1 位"."""
    assert validate_code(mark + VALID[:8] + mark + VALID[8:] + mark).text == VALID
    assert validate_code(mark).problem.reason is CodeReason.EMPTY


@pytest.mark.parametrize(
    ("text", "position", "field", "reason"),
    [
        ("", None, None, CodeReason.EMPTY),
        ("   ", None, None, CodeReason.EMPTY),
        (VALID[:23], 24, CodeField.SERIAL, CodeReason.WRONG_LENGTH),
        (VALID[:10], 11, CodeField.TRACEABILITY, CodeReason.WRONG_LENGTH),
        (VALID + "1", 25, None, CodeReason.WRONG_LENGTH),
        (_with(2, "-"), 2, CodeField.MANUFACTURER, CodeReason.BAD_CHARACTER),
        (_with(4, "X"), 4, CodeField.PRODUCT_TYPE, CodeReason.UNKNOWN_PRODUCT_TYPE),
        (_with(5, "H"), 5, CodeField.CHEMISTRY, CodeReason.UNKNOWN_CHEMISTRY),
        (_with(7, "_"), 7, CodeField.SPECIFICATION, CodeReason.BAD_CHARACTER),
        (_with(12, "."), 12, CodeField.TRACEABILITY, CodeReason.BAD_CHARACTER),
        (_with(15, "W"), 15, CodeField.PRODUCTION_DATE, CodeReason.IMPOSSIBLE_DATE),  # no year
        (_with(16, "0"), 16, CodeField.PRODUCTION_DATE, CodeReason.IMPOSSIBLE_DATE),  # month 0
        (_with(16, "D"), 16, CodeField.PRODUCTION_DATE, CodeReason.IMPOSSIBLE_DATE),  # month 13
        (_with(15, "92U"), 17, CodeField.PRODUCTION_DATE, CodeReason.IMPOSSIBLE_DATE),  # day 30
        (_with(15, "B2T"), 17, CodeField.PRODUCTION_DATE, CodeReason.IMPOSSIBLE_DATE),  # 2/29 '21
        (_with(15, "A40"), 17, CodeField.PRODUCTION_DATE, CodeReason.IMPOSSIBLE_DATE),  # day 0
        (_with(20, "Z"), 20, CodeField.SERIAL, CodeReason.BAD_CHARACTER),
        (_with(18, "0000000"), 18, CodeField.SERIAL, CodeReason.ZERO_SERIAL),
    ],
)
def test_failures_report_the_first_failing_position(text, position, field, reason):
    check = validate_code(text)
    assert not check.ok and check.parsed is None
    assert (check.position, check.field, check.reason) == (position, field, reason)
    assert check.problem.message  # English text, never empty
    if position is not None and position <= 24 and reason is not CodeReason.WRONG_LENGTH:
        assert check.problem.params["position"] == position


def test_first_failure_wins_when_several_positions_are_bad():
    text = _with(4, "X")[:14] + "JD0" + "ABCDEFG"
    assert validate_code(text).position == 4


def test_leap_day_is_possible_in_a_leap_year():
    assert validate_code(_with(15, "A2T")).parsed.produced == date(2020, 2, 29)


def test_future_production_date_refused_only_when_today_given():
    code = _with(15, "G91")  # 2026-09-01
    assert validate_code(code).ok
    check = validate_code(code, today=date(2026, 8, 31))
    assert (check.reason, check.position) == (CodeReason.FUTURE_DATE, 15)
    assert "2026-09-01" in check.problem.message


def test_messages_carry_their_parameters():
    check = validate_code(_with(5, "h"))
    assert check.problem.params["char"] == "H"
    assert "'H'" in check.problem.message


def test_chemistry_mapping():
    assert chemistries_for_letter("e") == ("NCM523", "NCM622", "NCM811", "NCA")
    assert chemistries_for_letter("A") == ()
    assert letter_for_chemistry("lfp") == "B"
    assert letter_for_chemistry("NCA") == "E"
    assert letter_for_chemistry("LMO") == "C" and letter_for_chemistry("LCO") == "D"
    assert letter_for_chemistry("sodium") is None


def test_date_encoding_table():
    assert encode_date(date(2016, 1, 1)) == "611"
    assert encode_date(date(2021, 12, 31)) == "BCV"
    assert encode_date(date(2027, 10, 10)) == "HAA"


@pytest.mark.parametrize(
    ("produced", "chars"),
    [
        (date(2028, 3, 1), "I31"),
        (date(2040, 1, 1), "U11"),
        (date(2041, 12, 31), "VCV"),
        (date(2042, 1, 1), "011"),
        (date(2070, 6, 15), "S6F"),
    ],
)
def test_years_after_2027_are_coded_by_the_parks_rule(produced, chars):
    code = make_park_code(9, chemistry_letter="B", product_type="P", produced=produced)
    assert code[14:17] == chars
    assert validate_code(code, today=produced).parsed.produced == produced


def test_codes_of_the_agreed_years_decode_as_before_until_the_cycle_turns():
    # 2020-10-31; read in 2026, 2041 and without a day: 2020. Read in 2052: 2052 (the cycle).
    for today in (date(2026, 1, 1), date(2041, 12, 31), None):
        assert validate_code(VALID, today=today).parsed.produced == date(2020, 10, 31)
    assert validate_code(VALID, today=date(2052, 11, 1)).parsed.produced == date(2052, 10, 31)


def test_a_year_character_not_yet_reached_is_a_future_date():
    check = validate_code(_with(15, "I"), today=date(2027, 12, 31))  # I = 2028
    assert check.reason is CodeReason.FUTURE_DATE


def test_make_park_code_defaults():
    code = make_park_code(
        7, chemistry_letter="B", product_type=ProductType.PACK, produced=date(2026, 11, 26)
    )
    assert code == "LLPPB000000000GBQ0000007"
    assert validate_code(code).parsed.manufacturer == "LLP"


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"serial": 0}, CodeReason.SERIAL_OUT_OF_RANGE),
        ({"serial": 10_000_000}, CodeReason.SERIAL_OUT_OF_RANGE),
        ({"produced": date(2009, 12, 31)}, CodeReason.YEAR_UNSUPPORTED),
        ({"manufacturer": "LL"}, CodeReason.FIELD_LENGTH),
        ({"traceability": "ABC"}, CodeReason.FIELD_LENGTH),
        ({"chemistry_letter": "Q"}, CodeReason.UNKNOWN_CHEMISTRY),
        ({"product_type": "X"}, CodeReason.UNKNOWN_PRODUCT_TYPE),
        ({"specification": "#1"}, CodeReason.BAD_CHARACTER),
    ],
)
def test_make_park_code_refuses_bad_inputs(kwargs, reason):
    args = {
        "serial": 1,
        "chemistry_letter": "B",
        "product_type": "P",
        "produced": date(2024, 5, 6),
    } | kwargs
    serial = args.pop("serial")
    with pytest.raises(CodeError) as info:
        make_park_code(serial, **args)
    assert info.value.problem.reason is reason


ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@given(
    serial=st.integers(1, 9_999_999),
    letter=st.sampled_from("ABCDEFGZ"),
    ptype=st.sampled_from(list(ProductType)),
    produced=st.dates(date(2010, 1, 1), date(2041, 12, 31)),
    manufacturer=st.text(ALNUM, min_size=3, max_size=3),
    spec=st.text(ALNUM, min_size=2, max_size=2),
    trace=st.text(ALNUM, min_size=7, max_size=7),
)
def test_every_generated_code_validates_and_parses_back(
    serial, letter, ptype, produced, manufacturer, spec, trace
):
    code = make_park_code(
        serial,
        chemistry_letter=letter,
        product_type=ptype,
        produced=produced,
        manufacturer=manufacturer,
        specification=spec,
        traceability=trace,
    )
    parsed = validate_code(code).parsed
    assert parsed is not None and len(code) == 24
    assert (parsed.serial, parsed.chemistry_letter, parsed.product_type) == (serial, letter, ptype)
    assert (parsed.produced, parsed.manufacturer) == (produced, manufacturer)
    assert (parsed.specification, parsed.traceability) == (spec, trace)


@pytest.mark.parametrize(
    ("field", "value", "position", "name", "expected", "length"),
    [
        ("manufacturer", "LL", 1, "manufacturer", 3, 2),
        ("product_type", "PM", 4, "product_type", 1, 2),
        ("chemistry_letter", "", 5, "chemistry", 1, 0),
        ("specification", "123", 6, "specification", 2, 3),
        ("traceability", "12345678", 8, "traceability", 7, 8),
    ],
)
def test_make_park_code_names_a_wrong_length_exactly(
    field, value, position, name, expected, length
):
    args = {"chemistry_letter": "B", "product_type": "P", "produced": date(2024, 5, 6)}
    with pytest.raises(CodeError) as info:
        make_park_code(5, **(args | {field: value}))
    problem = info.value.problem
    assert (problem.reason, problem.position, problem.field) == (
        CodeReason.FIELD_LENGTH,
        position,
        CodeField(name),
    )
    assert problem.params == {
        "field": name,
        "expected": expected,
        "length": length,
        "position": position,
    }
    assert problem.message == f"The {name} field needs {expected} characters, not {length}."
    assert str(info.value) == problem.message


@pytest.mark.parametrize(
    ("typed", "text", "reason"),
    [
        (" \u3000\t", "", CodeReason.EMPTY),
        ("catpb 1ax7", "CATPB1AX7", CodeReason.WRONG_LENGTH),
        (" " + VALID.lower() + "9", VALID + "9", CodeReason.WRONG_LENGTH),
        (
            "ｃａｔ" + VALID[3:13] + "#" + VALID[14:],
            "CAT" + VALID[3:13] + "#" + VALID[14:],
            CodeReason.BAD_CHARACTER,
        ),
        (VALID[:15] + "d" + VALID[16:], VALID[:15] + "D" + VALID[16:], CodeReason.IMPOSSIBLE_DATE),
        (VALID[:17] + " 0000 000", VALID[:17] + "0000000", CodeReason.ZERO_SERIAL),
    ],
)
def test_a_refused_code_keeps_the_normalised_text(typed, text, reason):
    check = validate_code(typed)
    assert check.reason is reason and check.parsed is None
    assert check.text == text
