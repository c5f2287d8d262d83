"""The fleet import's words: the CSV columns' labels and names, each import problem as a
catalogue message, and a problem in the page's language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lithloop import labels
from lithloop.batteries import problems
from lithloop.batteries.problems import column_details
from lithloop.i18n import current_language, listed
from lithloop.services.booking import bus_fleet

COLUMN_LABELS = {
    "vehicle_plate": _l("Vehicle plate"),
    "pack_code": _l("Pack code"),
    "chemistry": _l("Chemistry"),
    "rated_kwh": _l("Rated kWh"),
    "mass_kg": _l("Mass (kg)"),
    "in_service_since": _l("In service since"),
    "soh_pct": _l("SoH"),
}
#: Each import problem as a catalogue message (the English of batteries/problems.py, kept in
#: step by tests/web/test_fleet_text.py); `{name}` placeholders are the issue's params.
ISSUES = {
    "file_too_large": _l("The file is {size} bytes; the limit is {limit} bytes (5 MB)."),
    "empty_file": _l("The file is empty."),
    "no_rows": _l("The file has a header row but no packs."),
    "unknown_encoding": _l(
        "The file is not CSV text in UTF-8 or GBK/GB18030 (an Excel workbook?); save it as CSV UTF-8 and retry."  # noqa: E501 (one message)
    ),
    "bad_csv": _l("The file is not readable as CSV. Save it again as CSV and upload it."),
    "bad_columns": _l("The columns do not match. {details} Expected: {expected}."),
    "too_many_rows": _l("The file has more than {limit} data rows; split it."),
    "required": _l("This cell is required."),
    "bad_kwh": _l(
        "'{value}' is not a number lithloop reads: write the rated energy in kWh as a plain number, like 258."  # noqa: E501 (one message)
    ),
    "bad_mass": _l(
        "'{value}' is not a number lithloop reads: write the mass in kg as a plain number, like 420."  # noqa: E501 (one message)
    ),
    "bad_soh": _l(
        "'{value}' is not a number lithloop reads: write the state of health as a plain percentage, like 86.5."  # noqa: E501 (one message)
    ),
    "decimal_comma": _l(
        "'{value}' has a decimal comma; write {suggested} (a point for decimals, a comma only between thousands)."  # noqa: E501 (one message)
    ),
    "not_positive": _l("'{value}' must be greater than 0."),
    "soh_out_of_range": _l("SoH '{value}' must be between 0 and 100 (%)."),
    "bad_date": _l("'{value}' is not a date; write it as YYYY-MM-DD."),
    "future_date": _l("The date {value} is after today ({today})."),
    "too_early_date": _l(
        "The date {value} is before {earliest}, when no bus ran on lithium packs; check the year."
    ),
    "unknown_chemistry": _l("'{value}' is not a known chemistry (allowed: {allowed})."),
    "unspecified_ncm": _l(
        "'{value}' does not say which ternary (NCM) type the pack is: write NCM523, NCM622 or NCM811."  # noqa: E501 (one message)
    ),
    "invalid_pack_code": _l("Pack code '{value}' is invalid. {detail}"),
    "duplicate_pack_code": _l("Pack code {value} already appears in row {first_row}."),
    "chemistry_mismatch": _l(
        "The chemistry {chemistry} does not match the pack code's battery type '{letter}' ({expected})."  # noqa: E501 (one message)
    ),
    "extra_cells": _l("This row has {count} cells but the header has {expected}."),
    "too_long": _l("'{value}' is longer than {limit} characters."),
    "too_large": _l("'{value}' is more than {limit}."),
    "mass_out_of_range": _l(
        "'{value}' kg is not what one {form} weighs: one {form} weighs {lo} to {hi} kg; write the mass of one {form}."  # noqa: E501 (one message)
    ),
    "control_character": _l(
        "This cell contains invisible control characters: delete them and try again."
    ),
    "direction_control": _l(
        "This cell contains an invisible text-direction character that makes it read backwards; remove it."  # noqa: E501 (one message)
    ),
    "plate_without_letters": _l(
        "'{value}' is not a vehicle plate: a plate holds letters or digits, as on the bus."
    ),
    "uncoded_pack": _l(
        "No pack code: accepted as an uncoded pack; the park will code it at intake."
    ),
    "soh_looks_like_fraction": _l(
        "SoH '{value}' was read as {value}%; if you meant a fraction, write {percent}."
    ),
    "ignored_column": _l("The column '{name}' is not one lithloop reads; it was ignored."),
    bus_fleet.ALREADY_REGISTERED: _l("Pack code {value} is already in your register."),
    bus_fleet.PACK_BOOKED: _l(
        "Pack code {value} is on booking {booking}: a pack on an open booking is not updated (its lots and quote were made from it)."  # noqa: E501 (one message)
    ),
    bus_fleet.ALREADY_AT_PARK: _l(
        "Pack code {value} belongs to a pack the park has already received; check the code."
    ),
    "looks_registered": _l(
        "Your register already has an uncoded pack on {plate} with the same chemistry, rated kWh and in-service date: importing this row adds a second pack. Remove the row if it is the same pack."  # noqa: E501 (one message)
    ),
}

#: The parts of the header error's {details} (batteries/problems.py COLUMN_PARTS).
COLUMN_PARTS = {
    "missing": _l("Missing: {columns}."),
    "unknown": _l("Unknown: {columns}."),
    "duplicated": _l("Duplicated: {columns}."),
}


#: Each CSV column's name in a sentence (the header error): the import page's own words,
#: each one accepted as a header too (COLUMN_LABELS' "Rated kWh" has brackets in Chinese,
#: which read badly before the code's own).
COLUMN_NAMES = {
    "vehicle_plate": _l("Vehicle plate"),
    "pack_code": _l("Pack code"),
    "chemistry": _l("Chemistry"),
    "rated_kwh": _l("Rated energy in kWh"),
    "mass_kg": _l("Mass in kg"),
    "in_service_since": _l("In service since"),
    "soh_pct": _l("State of health"),
}


def column_list(codes: object) -> str:
    """Column codes ("vehicle_plate, mass_kg") each with its name in the page's language:
    "Vehicle plate (vehicle_plate), Mass in kg (mass_kg)"."""
    named = [
        _("%(name)s (%(code)s)", name=COLUMN_NAMES[code], code=code)
        if code in COLUMN_NAMES
        else code
        for code in str(codes or "").split(", ")
        if code
    ]
    return str(listed(named))


def _format(template: str, params: dict) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def issue_text(issue) -> str:
    """An import problem in the page's language: the catalogue's text by code, else its English."""
    code = str(issue.code)
    if current_language() != "zh_CN" or code not in ISSUES:
        return issue.message
    params = problems.grouped(issue.params)
    if "reason" in params:  # why the pack code was refused: the one table of code reasons
        params["detail"] = labels.code_reason(str(params["reason"]), params)
    if code == "unknown_chemistry":  # "LFP、NCM523…", not an English list on a Chinese page
        params["allowed"] = str(
            listed(c for c in str(params.get("allowed") or "").split(", ") if c)
        )
    # The Chinese counts packs with its own measure word, not "pack".
    if code == "mass_out_of_range":
        params["form"] = labels.label(labels.FORM_ONE, params.get("form"))
    if code == "bad_columns":  # only the lists that are not empty; our columns by name
        params["missing"] = column_list(params.get("missing"))
        for key in ("unknown", "duplicated"):  # headers as typed, listed the reader's way
            if typed := [c for c in str(params.get(key) or "").split(", ") if c]:
                params[key] = str(listed(typed))
        params["expected"] = column_list(params.get("expected"))
        params["details"] = column_details(params, COLUMN_PARTS, "")
    return _format(str(ISSUES[code]), params)
