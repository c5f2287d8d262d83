"""Fleet-import problems reach Chinese pages through the catalogue, keyed to the English of
batteries/problems.py."""

from __future__ import annotations

import re

from flask_babel import force_locale

from lithloop.batteries.problems import COLUMN_PARTS, IMPORT_MESSAGES
from lithloop.services.booking import bus_fleet
from lithloop.web import fleet_text

ENGLISH = {code.value: text for code, text in IMPORT_MESSAGES.items()}
ENGLISH[bus_fleet.ALREADY_REGISTERED] = bus_fleet.ALREADY_REGISTERED_EN
ENGLISH[bus_fleet.ALREADY_AT_PARK] = bus_fleet.ALREADY_AT_PARK_EN
ENGLISH[bus_fleet.PACK_BOOKED] = bus_fleet.PACK_BOOKED_EN
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_import_problem_has_its_catalogue_message():
    assert set(fleet_text.ISSUES) == set(ENGLISH)
    for code, message in fleet_text.ISSUES.items():
        assert message._args[0] == ENGLISH[code], code
    assert {k: v._args[0] for k, v in fleet_text.COLUMN_PARTS.items()} == COLUMN_PARTS


def test_a_bad_code_reads_in_chinese_with_its_reason(app):
    from lithloop.batteries.fleet_rows import FleetIssue

    issue = FleetIssue(
        row=3,
        column="pack_code",
        code="invalid_pack_code",
        message="Pack code 'X' is invalid. The battery code has 1 characters; it must have 24.",
        params={"value": "X", "reason": "wrong_length", "length": 1},
    )
    with app.test_request_context("/"), force_locale("zh_CN"):
        shown = fleet_text.issue_text(issue)
    assert CJK.search(shown) and "24" in shown and "{" not in shown, shown


def test_a_short_or_misspelt_code_in_a_file_names_its_length_and_character(app):
    """The parser hands the code check's own parameters to the page (they were dropped)."""
    from lithloop.batteries.fleet_csv import parse_fleet_csv

    header = "plate,pack_code,chemistry,rated_kwh,mass_kg,in_service_since,soh_pct\n"
    rows = "黑C·D1,ABC,LFP,1,1,2019-05-01,\n黑C·D2,BYDPX0000000007217100005,LFP,1,1,2019-05-01,\n"
    result = parse_fleet_csv((header + rows).encode())
    short, letter = [e for e in result.errors if e.column == "pack_code"]
    with app.test_request_context("/"), force_locale("zh_CN"):
        assert "该编码有 3 位" in fleet_text.issue_text(short)
        assert "（'X'）" in fleet_text.issue_text(letter)


def test_an_unknown_chemistry_lists_the_allowed_ones_the_chinese_way(app):
    """The allowed chemistries were "LFP, NCM523, NCM622, ..." on a Chinese page."""
    from lithloop.batteries.fleet_rows import FleetIssue

    issue = FleetIssue(
        row=3,
        column="chemistry",
        code="unknown_chemistry",
        message="'12' is not a known chemistry (allowed: LFP, NCM523, NCA).",
        params={"value": "12", "allowed": "LFP, NCM523, NCA"},
    )
    with app.test_request_context("/"), force_locale("zh_CN"):
        shown = fleet_text.issue_text(issue)
    assert "LFP、NCM523、NCA" in shown and ", " not in shown, shown


def test_a_number_not_read_says_what_to_write_in_every_number_column(app):
    """Walk finding: the preview told "1e9" (Excel's way of writing a large number) that it
    "is not a number". Each number column now says what to write, in words, the same way."""
    from lithloop.batteries.fleet_csv import parse_fleet_csv

    header = "plate,pack_code,chemistry,rated_kwh,mass_kg,in_service_since,soh_pct\n"
    told = {
        "rated_kwh": ("the rated energy in kWh", "额定电量", "258"),
        "mass_kg": ("the mass in kg", "千克", "420"),
        "soh_pct": ("the state of health", "健康度", "86.5"),
    }
    for typed in ("1e9", "1E+09", "4.2e2", "420 kg", "abc"):
        row = f"黑C·D1,,LFP,{typed},{typed},2019-05-01,{typed}\n"
        errors = parse_fleet_csv((header + row).encode()).errors
        assert sorted(e.column for e in errors) == sorted(told), (typed, errors)
        for error in errors:
            english, chinese, example = told[error.column]
            with app.test_request_context("/"), force_locale("en"):
                shown = fleet_text.issue_text(error)
            assert "is not a number." not in shown and english in shown and example in shown
            assert typed in shown, shown
            with app.test_request_context("/"), force_locale("zh_CN"):
                shown = fleet_text.issue_text(error)
            assert chinese in shown and example in shown and typed in shown, shown
            assert not re.search(r"[A-Za-z]{3,}", shown.replace(typed, "")), shown
