"""Fleet CSV import: encodings, headers, each cell error, warnings, limits, the sample file."""

from __future__ import annotations

import codecs
from datetime import date
from decimal import Decimal
from importlib import resources

import pytest

from lithloop.batteries import fleet_csv
from lithloop.batteries.fleet_csv import parse_fleet_csv
from lithloop.batteries.park_codes import make_park_code
from lithloop.batteries.problems import ImportCode

TODAY = date(2026, 11, 26)
HEADER = "vehicle_plate,pack_code,chemistry,rated_kwh,mass_kg,in_service_since,soh_pct\n"
ZH_HEADER = "车牌号,电池编码,化学体系,额定电量kWh,质量kg,投运日期,SOH%\n"
CODE_A = make_park_code(
    11,
    chemistry_letter="B",
    product_type="P",
    produced=date(2019, 3, 2),
    manufacturer="0Q5",
    specification="3A",
    traceability="MDJ0001",
)
CODE_B = make_park_code(
    12,
    chemistry_letter="B",
    product_type="P",
    produced=date(2019, 3, 2),
    manufacturer="0Q5",
    specification="3A",
    traceability="MDJ0001",
)
GOOD = f"黑C·D1234,{CODE_A},LFP,324,2350,2019-05-01,86.5\n黑C·D2345,,LFP,295,2200,2016/7/3,\n"


def parse(text: str, encoding: str = "utf-8"):
    return parse_fleet_csv(text.encode(encoding), today=TODAY)


def only_error(result):
    assert not result.ok
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_good_file_parses_typed_rows():
    result = parse(HEADER + GOOD)
    assert result.ok and result.errors == () and result.encoding == "utf-8"
    first, second = result.rows
    assert (first.row, first.vehicle_plate, first.pack_code) == (2, "黑C·D1234", CODE_A)
    assert (first.rated_kwh, first.mass_kg, first.soh_pct) == (
        Decimal(324),
        Decimal(2350),
        Decimal("86.5"),
    )
    assert first.in_service_since == date(2019, 5, 1)
    assert first.parsed_code.serial == 11
    assert (second.pack_code, second.soh_pct, second.in_service_since) == (
        None,
        None,
        date(2016, 7, 3),
    )


def test_uncoded_pack_is_a_warning_not_an_error():
    result = parse(HEADER + GOOD)
    assert result.ok
    [warning] = result.warnings
    assert (warning.row, warning.column, warning.code) == (3, "pack_code", ImportCode.UNCODED_PACK)


def test_gbk_file_with_chinese_headers():
    result = parse(ZH_HEADER + GOOD.replace("·", ""), encoding="gbk")
    assert result.ok, result.errors
    assert result.encoding == "gb18030"
    assert result.rows[0].vehicle_plate == "黑CD1234"


def test_gb18030_keeps_the_middle_dot():
    result = parse(ZH_HEADER + GOOD, encoding="gb18030")
    assert result.ok and result.rows[0].vehicle_plate == "黑C·D1234"


def test_bom_utf8_file():
    result = parse_fleet_csv(codecs.BOM_UTF8 + (ZH_HEADER + GOOD).encode(), today=TODAY)
    assert result.ok and result.encoding == "utf-8-sig"
    assert len(result.rows) == 2


def test_utf16_tab_separated_excel_unicode_text():
    data = (HEADER + GOOD).replace(",", "\t").encode("utf-16")
    result = parse_fleet_csv(data, today=TODAY)
    assert result.ok and result.encoding == "utf-16" and len(result.rows) == 2


def test_binary_or_undecodable_file_is_refused():
    assert (
        only_error(parse_fleet_csv(b"PK\x03\x04\x00\x00xl/workbook", today=TODAY)).code
        is ImportCode.UNKNOWN_ENCODING
    )
    assert (
        only_error(parse_fleet_csv(b"plate\n\xff\xff\xff", today=TODAY)).code
        is ImportCode.UNKNOWN_ENCODING
    )


def test_empty_file_and_header_only_file():
    assert only_error(parse("")).code is ImportCode.EMPTY_FILE
    assert only_error(parse(" \r\n")).code is ImportCode.EMPTY_FILE
    assert only_error(parse(HEADER + ",,,,,,\n")).code is ImportCode.NO_ROWS


def test_missing_and_unknown_columns_make_one_error_with_the_expected_list():
    header = "车牌号,电池编码,chemistry,rated_kwh,colour,in_service_since\n"
    error = only_error(parse(header + "x,,LFP,1,red,2020-01-01\n"))
    assert (error.code, error.row, error.column) == (ImportCode.BAD_COLUMNS, 1, None)
    assert error.params["missing"] == "mass_kg"
    assert error.params["unknown"] == "colour"
    assert error.params["expected"].startswith("vehicle_plate, pack_code, chemistry")
    assert "mass_kg" in error.message and "colour" in error.message


def test_a_header_error_omits_the_lists_that_are_empty():
    error = only_error(parse("序号,vehicle_plate,chemistry,rated_kwh,mass_kg\n1,x,LFP,1,1\n"))
    assert error.message == (
        "The columns do not match. Missing: pack_code, in_service_since. Unknown: 序号. "
        "Expected: vehicle_plate, pack_code, chemistry, rated_kwh, mass_kg, in_service_since, "
        "soh_pct."
    )


def test_columns_lithloop_does_not_read_are_ignored_with_a_warning():
    result = parse("序号," + HEADER.strip() + ",备注\n1,黑C·D1,,LFP,324,2350,2019-05-01,80,x\n")
    assert result.ok and result.rows[0].vehicle_plate == "黑C·D1"
    ignored = [w for w in result.warnings if w.code is ImportCode.IGNORED_COLUMN]
    assert [(w.row, w.params) for w in ignored] == [(1, {"name": "序号"}), (1, {"name": "备注"})]


def test_duplicated_column_is_a_column_error():
    error = only_error(parse(HEADER.strip() + ",SOH%\n"))
    assert error.params["duplicated"] == "SOH%"


def test_soh_column_is_optional_and_columns_may_be_reordered():
    text = (
        "mass_kg,vehicle_plate,in_service_since,chemistry,rated_kwh,pack_code\n"
        "2300,黑C·D1,2018-01-01,磷酸铁锂,300,\n"
    )
    result = parse(text)
    assert result.ok and result.rows[0].chemistry == "LFP" and result.rows[0].soh_pct is None


@pytest.mark.parametrize(
    ("line", "column", "code"),
    [
        ("黑C·D1,,LFP,abc,2350,2019-05-01,80", "rated_kwh", ImportCode.BAD_KWH),
        ("黑C·D1,,LFP,NaN,2350,2019-05-01,80", "rated_kwh", ImportCode.BAD_KWH),
        ("黑C·D1,,LFP,0,2350,2019-05-01,80", "rated_kwh", ImportCode.NOT_POSITIVE),
        ("黑C·D1,,LFP,324,-5,2019-05-01,80", "mass_kg", ImportCode.NOT_POSITIVE),
        ("黑C·D1,,LFP,324,0,2019-05-01,80", "mass_kg", ImportCode.NOT_POSITIVE),
        ("黑C·D1,,LFP,324,2350,2019-05-01,100.5", "soh_pct", ImportCode.SOH_OUT_OF_RANGE),
        ("黑C·D1,,LFP,324,2350,2019-05-01,-1", "soh_pct", ImportCode.SOH_OUT_OF_RANGE),
        ("黑C·D1,,LFP,324,2350,2019-05-01,high", "soh_pct", ImportCode.BAD_SOH),
        ("黑C·D1,,LFP,324,2350,2019-02-30,80", "in_service_since", ImportCode.BAD_DATE),
        ("黑C·D1,,LFP,324,2350,May 2019,80", "in_service_since", ImportCode.BAD_DATE),
        ("黑C·D1,,LFP,324,2350,2026-11-27,80", "in_service_since", ImportCode.FUTURE_DATE),
        ("黑C·D1,,三元,324,2350,2019-05-01,80", "chemistry", ImportCode.UNSPECIFIED_NCM),
        ("黑C·D1,,三元 LFP,324,2350,2019-05-01,80", "chemistry", ImportCode.UNKNOWN_CHEMISTRY),
        (",,LFP,324,2350,2019-05-01,80", "vehicle_plate", ImportCode.REQUIRED),
        ("黑C·D1,,LFP,,2350,2019-05-01,80", "rated_kwh", ImportCode.REQUIRED),
        (
            "黑C·D1,LLPPB00000000,LFP,324,2350,2019-05-01,80",
            "pack_code",
            ImportCode.INVALID_PACK_CODE,
        ),
        (
            f"黑C·D1,{CODE_B},NCM811,324,2350,2019-05-01,80",
            "chemistry",
            ImportCode.CHEMISTRY_MISMATCH,
        ),
        ("黑C·D1,,LFP,324,2350,2019-05-01,80,surplus", None, ImportCode.EXTRA_CELLS),
    ],
)
def test_cell_errors_name_excel_row_and_column(line, column, code):
    result = parse(HEADER + GOOD + "\n" + line + "\n")  # blank row 4 still counts in Excel
    error = only_error(result)
    assert (error.row, error.column, error.code) == (5, column, code)
    assert error.message
    assert [r.row for r in result.rows] == [2, 3]  # rows stay for a preview; ok is False


def test_invalid_pack_code_carries_the_code_problem():
    error = only_error(parse(HEADER + f"黑C·D1,{CODE_A[:4]}X{CODE_A[5:]},LFP,1,300,2019-05-01,\n"))
    assert (error.params["reason"], error.params["position"]) == ("unknown_chemistry", 5)
    assert error.params["field"] == "chemistry"
    assert "Character 5" in error.message


def test_pack_code_produced_after_today_is_invalid():
    late = make_park_code(1, chemistry_letter="B", product_type="P", produced=date(2027, 1, 1))
    error = only_error(parse(HEADER + f"黑C·D1,{late},LFP,1,300,2019-05-01,\n"))
    assert error.params["reason"] == "future_date"


def test_duplicate_codes_within_the_file_even_in_other_case():
    text = (
        HEADER
        + GOOD
        + f"黑C·D9,{CODE_A.lower()},LFP,1,300,2019-05-01,\n"
        + f"黑C·D8,{CODE_B},LFP,1,300,2019-05-01,\n"
    )
    error = only_error(parse(text))
    assert (error.row, error.code, error.params["first_row"]) == (
        4,
        ImportCode.DUPLICATE_PACK_CODE,
        2,
    )


def test_soh_written_as_fraction_is_an_error_and_percent_sign_is_accepted():
    """Walk: a fraction was a warning, imported as 0.85 %: the pack was due at once, and its
    own form refused to save it until the SoH was put right."""
    result = parse(
        HEADER + '黑C·D1,,LFP,"1,024.5",2350,2019年5月1日,85\n'
        "黑C·D2,,LFP,324,２３５０,20190501,85%\n"
        "黑C·D3,,LFP,324,2350,20190501,0.85\n"
    )
    assert result.rows[0].rated_kwh == Decimal("1024.5")
    assert result.rows[1].soh_pct == Decimal(85) and result.rows[1].mass_kg == Decimal(2350)
    codes = [(e.row, e.code) for e in result.errors if e.column == "soh_pct"]
    assert codes == [(4, ImportCode.SOH_LOOKS_LIKE_FRACTION)] and not result.ok


def test_all_errors_are_reported_not_just_the_first():
    result = parse(HEADER + "黑C·D1,,XYZ,-1,abc,tomorrow,120\n")
    assert {e.column for e in result.errors} == {
        "chemistry",
        "rated_kwh",
        "mass_kg",
        "in_service_since",
        "soh_pct",
    }
    assert result.rows == ()


def test_size_limit():
    error = only_error(parse_fleet_csv(b"x" * (5 * 1024 * 1024 + 1), today=TODAY))
    assert error.code is ImportCode.FILE_TOO_LARGE and error.params["limit"] == 5 * 1024 * 1024


def test_row_limit(monkeypatch):
    monkeypatch.setattr(fleet_csv, "MAX_ROWS", 3)
    line = "黑C·D1,,LFP,324,2350,2019-05-01,80\n"
    assert parse(HEADER + line * 3).ok  # exactly at the limit
    error = only_error(parse(HEADER + line * 4))
    assert error.code is ImportCode.TOO_MANY_ROWS and error.params["limit"] == 3


def test_real_row_limit_is_twenty_thousand():
    assert fleet_csv.MAX_ROWS == 20_000 and fleet_csv.MAX_BYTES == 5 * 1024 * 1024


def test_the_shipped_sample_parses_without_errors():
    data = resources.files("lithloop.data").joinpath("sample_fleet.csv").read_bytes()
    result = parse_fleet_csv(data, today=TODAY)
    assert result.ok, result.errors
    assert len(result.rows) == 40
    assert sum(r.chemistry == "LFP" for r in result.rows) >= 30
    assert any(r.soh_pct is None for r in result.rows)
    assert any(r.pack_code is None for r in result.rows)
    assert all(Decimal(250) <= r.rated_kwh <= Decimal(400) for r in result.rows)
    assert all(Decimal(2000) <= r.mass_kg <= Decimal(3000) for r in result.rows)
    assert all(2016 <= r.in_service_since.year <= 2021 for r in result.rows)


def test_full_width_digits_are_read_but_superscripts_and_other_scripts_are_not():
    from lithloop.batteries.fleet_cells import parse_date, parse_decimal

    assert parse_decimal("２，３５０．５") == Decimal("2350.5")
    assert parse_decimal("⁵⁰⁰") is None  # NFKC folding read it as 500
    assert parse_decimal("٣٠٠") is None
    assert parse_date("²⁰¹⁸-03-05") is None


def test_the_chinese_words_the_page_itself_uses_are_headers_too():
    """Walk finding: the import page explains soh_pct as 健康度 and heads its preview 质量（千克）,
    but a file with those headers lost its SOH column ("系统不读取“健康度”列") or was refused."""
    header = "车牌号,电池编码,化学体系,额定电量（kWh）,质量（千克）,投运日期,健康度（%）\n"
    result = parse(header + "黑C·D1234,,LFP,100,750,2019-03-02,81.5\n", encoding="gb18030")
    assert result.ok, result.errors
    assert result.rows[0].soh_pct == Decimal("81.5") and result.rows[0].mass_kg == Decimal(750)
