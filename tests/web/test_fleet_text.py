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
        message="Pack code 'X' is invalid: The battery code has 1 characters; it must have 24.",
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
