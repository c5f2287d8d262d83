"""The holiday-schedule upload check and the CO2 estimate, with exact problems and figures."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from lithloop.batteries.co2 import Co2Avoided, Co2Factors, co2_avoided
from lithloop.batteries.holiday_upload import MAX_BYTES, YearUpload, check_upload

SPRING = ["2027-02-06/2027-02-08"]  # three days inside 21 Jan - 20 Feb


CSV = b"date,kind\n"
FEST = b"2027-02-06/2027-02-08,off\n"
NO_FEST = ("no_spring_festival", {})
SHAPE = ("json_shape", {"year": 2027})


def bad_kind(line: int) -> tuple[str, dict]:
    return ("bad_kind", {"line": line})


def as_json(year="2027", off=SPRING, work=(), **extra) -> bytes:
    data = {"_source": "国务院办公厅", year: {"off": off, "work": list(work)}} | extra
    return json.dumps(data, ensure_ascii=False).encode()


def test_a_good_json_year():
    up = check_upload(2027, as_json(work=["2027-02-14 "]), "cal.json")
    assert up == YearUpload(2027, SPRING, ["2027-02-14"], "国务院办公厅", [])
    assert up.ok


def test_a_csv_year_with_lines_ended_by_cr_alone_reads_as_with_lf():
    """Excel's "CSV (Macintosh)" (CR alone) was a csv.Error: a 500 on the upload page."""
    text = "date,kind\n2027-02-06/2027-02-08,off\n2027-02-14,work\n"
    lf = check_upload(2027, text.encode(), "cal.csv")
    cr = check_upload(2027, text.replace("\n", "\r").encode(), "cal.csv")
    assert (
        (cr.off, cr.work, cr.problems)
        == (lf.off, lf.work, lf.problems)
        == (
            ["2027-02-06/2027-02-08"],
            ["2027-02-14"],
            [],
        )
    )


def test_a_range_reaching_far_past_the_year_is_refused_without_listing_its_days(monkeypatch):
    """Hostile-input finding: "2027-01-01/9999-12-31" built three million days (8.7 s for
    two such items; a 64 KB file of them outlived the web worker) before being refused."""
    from lithloop.batteries import holiday_upload

    expanded: list[list[str]] = []
    real = holiday_upload.expand_days
    monkeypatch.setattr(holiday_upload, "expand_days", lambda i: expanded.append(i) or real(i))
    far = ["2027-01-01/9999-12-31", "1900-01-01/2027-01-05"]
    up = check_upload(2027, as_json(off=far + ["2027-10-01/2027-10-03"]), "cal.json")
    assert ("outside_year", {"value": "1900-01-01"}) in up.problems
    assert expanded == [["2027-10-01/2027-10-03"]]  # only the range within the year


def test_a_good_csv_year_with_chinese_kinds_and_a_bom():
    text = "Date,Kind\n2027-02-06/2027-02-08,放假\n,\n2027-02-14,班\n2027-10-01, OFF \n"
    up = check_upload(2027, ("\ufeff" + text).encode(), "cal.csv")
    assert (up.off, up.work, up.problems) == (
        ["2027-02-06/2027-02-08", "2027-10-01"],
        ["2027-02-14"],
        [],
    )


@pytest.mark.parametrize(
    ("data", "filename", "problems"),
    [
        (b"x" * (MAX_BYTES + 1), "", [("too_large", {"limit": 65536})]),
        (b"\xff\xfe", "", [("not_utf8", {})]),
        (b"date,kind\n\x00", "", [("not_utf8", {})]),
        (b"[1]", "a.JSON", [SHAPE]),
        (b'{"2027": []}', "", [SHAPE]),
        (b'{"2027": {"off": "x"}}', "", [SHAPE]),
        (b'{"2027": {"work": [1]}}', "", [SHAPE]),
        (b"[" * 5000, "deep.json", [SHAPE]),  # deeper than the parser recurses: was a 500
        (b'{"2027": {"off": ' + b"[" * 5000 + b"}}", "", [SHAPE]),
        (b'{"2027": ' + b"9" * 5000 + b"}", "", [SHAPE]),  # beyond int()'s digit limit
        (b'{"_a": 1}', "", [("wrong_years", {"found": "-"})]),
        (b'{"2027": {}, "2028": {}}', "", [("wrong_years", {"found": "2027, 2028"})]),
        (b"when,what\n", "", [("bad_csv_header", {})]),
        (b"", "", [("bad_csv_header", {})]),
        (CSV + b"2027-02-06,holiday\n2027-02-07\n", "", [bad_kind(2), bad_kind(3)]),
        (CSV + b"2027-13-01,off\n", "", [("bad_date", {"value": "2027-13-01"})]),
        (CSV + b"2026-12-31,off\n" + FEST, "", [("outside_year", {"value": "2026-12-31"})]),
        (CSV + FEST + b"2027-02-07,work\n", "", [("off_and_work", {"value": "2027-02-07"})]),
        (CSV + b"2027-02-06/2027-02-07,off\n2027-02-09,off\n", "", [NO_FEST]),
        (CSV + b"2027-01-18/2027-01-21,off\n", "", [NO_FEST]),  # ends on the 21st
        (CSV + b"2027-02-20/2027-02-24,off\n", "", [NO_FEST]),  # starts on the 20th
    ],
)
def test_problems_are_exact(data, filename, problems):
    up = check_upload(2027, data, filename)
    assert up.problems == problems
    assert not up.ok


def test_a_bad_work_day_is_reported_too():
    up = check_upload(2027, CSV + FEST + b"2027-02-30,work\n")
    assert up.problems == [("bad_date", {"value": "2027-02-30"})]


def test_a_bad_json_says_where_not_the_parsers_english():
    up = check_upload(2027, b'{"2027":\n  {not json', "")
    assert up.problems == [("bad_json", {"line": 2, "column": 4})]


def test_the_spring_festival_window_edges_count():
    for days in ("2027-01-19/2027-01-23", "2027-02-18/2027-02-20", "2027-01-21/2027-01-23"):
        assert check_upload(2027, f"date,kind\n{days},off\n".encode()).ok, days


def test_a_year_of_exactly_the_limit_is_read():
    body = as_json()
    padded = body + b" " * (MAX_BYTES - len(body))
    assert len(padded) == MAX_BYTES
    assert check_upload(2027, padded).ok


def test_json_by_content_without_a_name_and_the_source_is_cut_to_500():
    data = as_json(_source="源" * 600)
    up = check_upload(2027, ("  " + data.decode()).encode())
    assert up.ok and up.source == "源" * 500


def test_co2_avoided_exact_and_rounded_to_a_tenth():
    factors = Co2Factors(Decimal("2.5"), Decimal("61.04"))
    result = co2_avoided(Decimal("1000.03"), Decimal("2.5"), factors)
    assert result == Co2Avoided(recycling_kg=Decimal("2500.1"), second_life_kg=Decimal("152.6"))
    assert result.total_kg == Decimal("2652.7")
    assert result.total_t == Decimal("2.7")
    assert co2_avoided(Decimal(0), Decimal(0), factors) == Co2Avoided(Decimal(0), Decimal(0))
    assert factors.source == "estimate, no source"


@pytest.mark.parametrize(("kg", "kwh"), [(Decimal(-1), Decimal(0)), (Decimal(0), Decimal("-0.1"))])
def test_co2_avoided_refuses_negative_inputs(kg, kwh):
    with pytest.raises(ValueError, match="must not be negative"):
        co2_avoided(kg, kwh, Co2Factors(Decimal(1), Decimal(1)))
    with pytest.raises(ValueError, match="^masses and energies must not be negative$"):
        co2_avoided(kg, kwh, Co2Factors(Decimal(1), Decimal(1)))
