"""Fleet CSV import, exactly: each error's row, column, code and parameters at its boundary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lithloop.batteries.fleet_cells import parse_chemistry, parse_date, parse_decimal
from lithloop.batteries.fleet_csv import MAX_BYTES, FleetImport, parse_fleet_csv
from lithloop.batteries.fleet_rows import CHEMISTRIES, FleetRow
from lithloop.batteries.park_codes import make_park_code
from lithloop.batteries.problems import ImportCode

from .test_fleet_csv import CODE_A, CODE_B, HEADER, TODAY

ALLOWED = ", ".join(CHEMISTRIES)
FIELDS = ("plate", "code", "chem", "kwh", "kg", "since", "soh")
VALUES = ("黑C·D1234", CODE_A, "LFP", "324", "2350", "2019-05-01", "86.5")
BASE = dict(zip(FIELDS, VALUES, strict=True))


def line(**changes) -> str:
    return ",".join((BASE | changes)[f] for f in FIELDS)


def parse(*lines: str) -> FleetImport:
    return parse_fleet_csv((HEADER + "\n".join(lines) + "\n").encode(), today=TODAY)


def issues(found) -> list[tuple]:
    return [(i.row, i.column, i.code, i.params) for i in found]


def test_a_good_row_exactly():
    result = parse(line())
    assert result.ok and result.errors == () and result.warnings == ()
    assert result.encoding == "utf-8"
    [row] = result.rows
    assert row == FleetRow(
        2,
        "黑C·D1234",
        CODE_A,
        "LFP",
        Decimal("324.00"),
        Decimal("2350.00"),
        date(2019, 5, 1),
        Decimal("86.50"),
        row.parsed_code,
    )
    assert row.parsed_code.serial == 11


@pytest.mark.parametrize(
    ("changes", "column", "code", "params"),
    [
        ({"plate": ""}, "vehicle_plate", ImportCode.REQUIRED, {}),
        (
            {"plate": "P" * 21},
            "vehicle_plate",
            ImportCode.TOO_LONG,
            {"value": "P" * 21, "limit": 20},
        ),
        ({"plate": "P\x07"}, "vehicle_plate", ImportCode.CONTROL_CHARACTER, {}),
        ({"plate": "\u202eP1"}, "vehicle_plate", ImportCode.DIRECTION_CONTROL, {}),
        ({"chem": ""}, "chemistry", ImportCode.REQUIRED, {}),
        (
            {"chem": "XYZ"},
            "chemistry",
            ImportCode.UNKNOWN_CHEMISTRY,
            {"value": "XYZ", "allowed": ALLOWED},
        ),
        ({"kwh": ""}, "rated_kwh", ImportCode.REQUIRED, {}),
        ({"kwh": "abc"}, "rated_kwh", ImportCode.BAD_KWH, {"value": "abc"}),
        ({"kwh": "0"}, "rated_kwh", ImportCode.NOT_POSITIVE, {"value": "0"}),
        ({"kwh": "-1"}, "rated_kwh", ImportCode.NOT_POSITIVE, {"value": "-1"}),
        (
            {"kwh": "10000.01"},
            "rated_kwh",
            ImportCode.TOO_LARGE,
            {"value": "10000.01", "limit": "10,000"},
        ),
        (
            {"kg": "5000.01"},
            "mass_kg",
            ImportCode.MASS_OUT_OF_RANGE,
            {"value": "5000.01", "form": "pack", "lo": "5", "hi": "5,000"},
        ),
        (
            {"kg": "4.99"},
            "mass_kg",
            ImportCode.MASS_OUT_OF_RANGE,
            {"value": "4.99", "form": "pack", "lo": "5", "hi": "5,000"},
        ),
        ({"kg": ""}, "mass_kg", ImportCode.REQUIRED, {}),
        ({"soh": "100.01"}, "soh_pct", ImportCode.SOH_OUT_OF_RANGE, {"value": "100.01"}),
        ({"soh": "-1"}, "soh_pct", ImportCode.SOH_OUT_OF_RANGE, {"value": "-1"}),
        ({"soh": "x%"}, "soh_pct", ImportCode.BAD_SOH, {"value": "x%"}),
        ({"since": ""}, "in_service_since", ImportCode.REQUIRED, {}),
        ({"since": "2019-13-01"}, "in_service_since", ImportCode.BAD_DATE, {"value": "2019-13-01"}),
        (
            {"since": "2026-11-27"},
            "in_service_since",
            ImportCode.FUTURE_DATE,
            {"value": "2026-11-27", "today": "2026-11-26"},
        ),
        (  # trace walk: 1900 was imported and forecast as long overdue
            {"since": "1900-04-01", "code": ""},
            "in_service_since",
            ImportCode.TOO_EARLY_DATE,
            {"value": "1900-04-01", "earliest": "2000-01-01"},
        ),
        (
            {"chem": "NCM811"},
            "chemistry",
            ImportCode.CHEMISTRY_MISMATCH,
            {"chemistry": "NCM811", "letter": "B", "expected": "LFP"},
        ),
    ],
)
def test_each_cell_error_exactly(changes, column, code, params):
    result = parse(line(**changes))
    assert issues(result.errors) == [(2, column, code, params)]
    assert result.rows == ()
    assert all(i.message for i in result.errors)


@pytest.mark.parametrize(
    ("changes", "field", "value"),
    [
        ({"plate": "P" * 20}, "vehicle_plate", "P" * 20),
        ({"kwh": "10000"}, "rated_kwh", Decimal("10000.00")),
        ({"kwh": "0.125"}, "rated_kwh", Decimal("0.13")),  # half up (half-even: 0.12)
        ({"kg": "5000"}, "mass_kg", Decimal("5000.00")),
        ({"kg": "5"}, "mass_kg", Decimal("5.00")),
        ({"kg": '"1,234.565"'}, "mass_kg", Decimal("1234.57")),
        ({"soh": "100"}, "soh_pct", Decimal("100.00")),
        ({"soh": "0"}, "soh_pct", Decimal("0.00")),
        ({"soh": "86.5%"}, "soh_pct", Decimal("86.50")),
        ({"soh": ""}, "soh_pct", None),
        ({"since": "2026-11-26"}, "in_service_since", TODAY),  # in service today
        ({"since": "2000-01-01", "code": ""}, "in_service_since", date(2000, 1, 1)),
        ({"chem": "磷酸铁锂"}, "chemistry", "LFP"),
        # lithloop's own labels, as its pages and exports show them
        ({"chem": "磷酸铁锂 LFP"}, "chemistry", "LFP"),
        ({"chem": "三元 NCM523", "code": ""}, "chemistry", "NCM523"),
        ({"chem": "三元NCM811", "code": ""}, "chemistry", "NCM811"),
        ({"chem": "镍钴铝 NCA", "code": ""}, "chemistry", "NCA"),
        ({"chem": "NCM622 (nickel cobalt manganese 622)", "code": ""}, "chemistry", "NCM622"),
        ({"chem": "LFP (lithium iron phosphate)"}, "chemistry", "LFP"),
    ],
)
def test_values_at_their_limits_are_accepted(changes, field, value):
    result = parse(line(**changes))
    assert result.errors == (), issues(result.errors)
    assert getattr(result.rows[0], field) == value


@pytest.mark.parametrize("chem", ["三元锂", "三元", "NCM", "三元 锂电池"])
def test_ternary_without_its_type_is_refused_asking_for_the_ncm_type(chem):
    result = parse(line(chem=chem, code=""))
    assert issues(result.errors) == [(2, "chemistry", ImportCode.UNSPECIFIED_NCM, {"value": chem})]
    assert "NCM523, NCM622 or NCM811" in result.errors[0].message


@pytest.mark.parametrize("chem", ["磷酸铁锂 NCM523", "三元 LFP", "NCM523 (lithium iron phosphate)"])
def test_a_label_naming_two_chemistries_is_refused(chem):
    assert [e.code for e in parse(line(chem=chem, code="")).errors] == [
        ImportCode.UNKNOWN_CHEMISTRY
    ]


@pytest.mark.parametrize(
    ("soh", "warned", "percent"),
    [("1", "1", "100"), ("0.865", "0.865", "86.500"), ("0.01", "0.01", "1.00")],
)
def test_soh_of_one_or_less_looks_like_a_fraction(soh, warned, percent):
    result = parse(line(soh=soh))
    assert not result.ok and result.warnings == ()
    assert issues(result.errors) == [
        (2, "soh_pct", ImportCode.SOH_LOOKS_LIKE_FRACTION, {"value": warned, "percent": percent})
    ]


@pytest.mark.parametrize("soh", ["0", "1.01", "80"])
def test_no_fraction_refusal_for_zero_or_above_one(soh):
    result = parse(line(soh=soh))
    assert result.ok and result.warnings == ()


def test_an_uncoded_pack_warns_and_parses():
    result = parse(line(code=""))
    assert issues(result.warnings) == [(2, "pack_code", ImportCode.UNCODED_PACK, {})]
    assert result.rows[0].pack_code is None and result.rows[0].parsed_code is None


def test_an_invalid_code_carries_its_problem():
    bad = CODE_A[:17] + "0000000"
    [error] = parse(line(code=bad)).errors
    assert (error.row, error.column, error.code) == (2, "pack_code", ImportCode.INVALID_PACK_CODE)
    assert {k: error.params[k] for k in ("value", "reason", "position", "field")} == {
        "value": bad,
        "reason": "zero_serial",
        "position": 18,
        "field": "serial",
    }
    [short] = parse(line(code="ABC")).errors
    assert (short.params["reason"], short.params["position"], short.params["field"]) == (
        "wrong_length",
        4,
        "product_type",
    )


def test_a_duplicate_code_names_the_first_row_and_a_letter_without_chemistries():
    other = CODE_A[:4] + "A" + CODE_A[5:]  # letter A: nickel-metal hydride, none of ours
    result = parse(line(), line(code=CODE_B), line(code=CODE_A.lower()), line(code=other))
    assert issues(result.errors) == [
        (4, "pack_code", ImportCode.DUPLICATE_PACK_CODE, {"value": CODE_A, "first_row": 2}),
        (
            5,
            "chemistry",
            ImportCode.CHEMISTRY_MISMATCH,
            {"chemistry": "LFP", "letter": "A", "expected": "nickel-metal hydride"},
        ),
    ]
    assert [r.row for r in result.rows] == [2, 3]


def test_several_errors_of_one_row_are_all_reported_in_column_order():
    result = parse(line(plate="", kwh="0", since="x"))
    assert [(i.column, i.code) for i in result.errors] == [
        ("vehicle_plate", ImportCode.REQUIRED),
        ("rated_kwh", ImportCode.NOT_POSITIVE),
        ("in_service_since", ImportCode.BAD_DATE),
    ]


def test_extra_and_missing_cells():
    result = parse(line() + ",x,", "黑C·D1,,LFP,324")
    assert issues(result.errors) == [
        (2, None, ImportCode.EXTRA_CELLS, {"count": 9, "expected": 7}),
        (3, "mass_kg", ImportCode.REQUIRED, {}),
        (3, "in_service_since", ImportCode.REQUIRED, {}),
    ]
    assert parse(line() + ",,").ok  # empty surplus cells are not extra


def test_blank_rows_keep_excel_row_numbers_and_the_delimiter_is_the_commonest():
    text = HEADER.replace(",", ";") + "\n ; ;\n" + line().replace(",", ";") + "\n"
    result = parse_fleet_csv(text.encode(), today=TODAY)
    assert [r.row for r in result.rows] == [4]


@pytest.mark.parametrize(
    ("data", "code", "params", "row"),
    [
        (b"", ImportCode.EMPTY_FILE, {}, None),
        (b" \n \n", ImportCode.EMPTY_FILE, {}, None),
        (HEADER.encode(), ImportCode.NO_ROWS, {}, 2),
        ((HEADER + ",,,\n").encode(), ImportCode.NO_ROWS, {}, 2),
        (b"\x00\x01", ImportCode.UNKNOWN_ENCODING, {}, None),
    ],
)
def test_file_errors(data, code, params, row):
    result = parse_fleet_csv(data, today=TODAY)
    assert issues(result.errors) == [(row, None, code, params)]
    assert (result.rows, result.warnings) == ((), ())


def test_file_errors_keep_the_encoding():
    assert parse_fleet_csv(HEADER.encode(), today=TODAY).encoding == "utf-8"
    assert parse_fleet_csv(b"\xef\xbb\xbf", today=TODAY).encoding == "utf-8-sig"


def test_a_file_too_large_by_one_byte():
    result = parse_fleet_csv(b" " * (MAX_BYTES + 1), today=TODAY)
    assert issues(result.errors) == [
        (None, None, ImportCode.FILE_TOO_LARGE, {"size": MAX_BYTES + 1, "limit": MAX_BYTES})
    ]
    assert result.encoding is None


def test_a_file_of_exactly_the_limit_is_read():
    result = parse_fleet_csv(b" " * MAX_BYTES, today=TODAY)
    assert [e.code for e in result.errors] == [ImportCode.EMPTY_FILE]


def test_a_cell_beyond_pythons_default_csv_limit_is_read_and_told_as_a_cell():
    """A 140,000-character cell was refused with the parser's English ("field larger than
    field limit (131072)") on a Chinese page; it is read, and the row's cell is refused."""
    result = parse_fleet_csv((HEADER + '"' + "x" * 140_000 + '"\n').encode(), today=TODAY)
    assert result.errors and all(e.row == 2 for e in result.errors), result.errors
    assert ImportCode.BAD_CSV not in {e.code for e in result.errors}


@pytest.mark.parametrize(
    "data", [b"\xef\xbb\xbf\xef\xbb\xbf", b"\xff\xfe\xff\xfe", b"\xef\xbb\xbf \r\n"]
)
def test_byte_order_marks_alone_are_an_empty_file(data):
    """Two byte-order marks and nothing else were an IndexError (a 500)."""
    result = parse_fleet_csv(data, today=TODAY)
    assert [e.code for e in result.errors] == [ImportCode.EMPTY_FILE]


def test_lines_ended_by_cr_alone_are_read_as_lines():
    """Excel's "CSV (Macintosh)" ends lines with CR alone: rows, not one unreadable line."""
    text = HEADER + line() + "\n" + line(code=CODE_B) + "\n"
    lf = parse_fleet_csv(text.encode(), today=TODAY)
    cr = parse_fleet_csv(text.replace("\n", "\r").encode(), today=TODAY)
    assert (cr.rows, cr.errors) == (lf.rows, lf.errors) and lf.rows


def test_header_problems_in_one_error():
    result = parse_fleet_csv(b"plate,Plate,colour,,mass_kg\n1,2,3,4,5\n", today=TODAY)
    assert issues(result.errors) == [
        (
            1,
            None,
            ImportCode.BAD_COLUMNS,
            {
                "missing": "pack_code, chemistry, rated_kwh, in_service_since",
                "unknown": "colour",
                "duplicated": "Plate",
                "expected": "vehicle_plate, pack_code, chemistry, rated_kwh, mass_kg, "
                "in_service_since, soh_pct",
            },
        )
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234.5", Decimal("1234.5")),
        ("１２", Decimal(12)),
        (" +3 ", Decimal(3)),
        (".5", Decimal("0.5")),
        ("5.", Decimal(5)),
        ("1e3", None),
        ("NaN", None),
        ("1,23", None),
        ("", None),
        ("1" * 16, None),
    ],
)
def test_parse_decimal(text, value):
    assert parse_decimal(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2018-03-05", date(2018, 3, 5)),
        ("2018/3/5", date(2018, 3, 5)),
        ("2018.3.5", date(2018, 3, 5)),
        ("2018年3月5日", date(2018, 3, 5)),
        ("20180305", date(2018, 3, 5)),
        ("2018-03-05 14:30", date(2018, 3, 5)),
        ("2018-02-30", None),
        ("18-03-05", None),
        ("", None),
    ],
)
def test_parse_date(text, value):
    assert parse_date(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("lifepo4", "LFP"),
        ("NMC-811", "NCM811"),
        ("ncm 523", "NCM523"),
        ("镍钴铝", "NCA"),
        ("x", None),
    ],
)
def test_parse_chemistry(text, value):
    assert parse_chemistry(text) == value


@pytest.mark.parametrize(
    ("changes", "column", "code", "params"),
    [
        (
            {"kwh": "12345678901234567890"},
            "rated_kwh",
            ImportCode.TOO_LARGE,
            {"value": "12345678901234567890", "limit": "10,000"},
        ),
        (
            {"kg": "１２３４５６７８９０１２３４５６７８９０.5"},
            "mass_kg",
            ImportCode.MASS_OUT_OF_RANGE,
            {
                "value": "１２３４５６７８９０１２３４５６７８９０.5",
                "form": "pack",
                "lo": "5",
                "hi": "5,000",
            },
        ),
        (
            {"kg": "-12345678901234567890"},
            "mass_kg",
            ImportCode.NOT_POSITIVE,
            {"value": "-12345678901234567890"},
        ),
        (
            {"soh": "12345678901234567890"},
            "soh_pct",
            ImportCode.SOH_OUT_OF_RANGE,
            {"value": "12345678901234567890"},
        ),
    ],
)
def test_a_twenty_digit_number_is_refused_as_out_of_range_not_as_no_number(
    changes, column, code, params
):
    """Walk finding: a 20-digit rated energy was refused as "'…' is not a number"."""
    assert issues(parse(line(**changes)).errors) == [(2, column, code, params)]


def _coded(product_type: str) -> str:
    return make_park_code(
        21, chemistry_letter="B", product_type=product_type, produced=date(2019, 3, 2)
    )


@pytest.mark.parametrize(
    ("product_type", "kg", "form", "lo", "hi"),
    [
        ("P", "100000", "pack", "5", "5,000"),  # walk finding: a 100 t bus pack was taken
        ("P", "2", "pack", "5", "5,000"),
        ("M", "1200", "module", "0.5", "1,000"),
        ("C", "60", "cell", "0.01", "50"),
        ("C", "0.001", "cell", "0.01", "50"),
    ],
)
def test_a_mass_is_bounded_by_the_form_its_code_names(product_type, kg, form, lo, hi):
    result = parse(line(code=_coded(product_type), kg=kg))
    assert issues(result.errors) == [
        (
            2,
            "mass_kg",
            ImportCode.MASS_OUT_OF_RANGE,
            {"value": kg, "form": form, "lo": lo, "hi": hi},
        )
    ]
    assert f"one {form} weighs {lo} to {hi} kg" in result.errors[0].message


@pytest.mark.parametrize(("product_type", "kg"), [("M", "300"), ("C", "0.5"), ("P", "2500")])
def test_a_mass_its_form_can_weigh_is_kept(product_type, kg):
    result = parse(line(code=_coded(product_type), kg=kg))
    assert result.ok and result.rows[0].mass_kg == Decimal(kg)
