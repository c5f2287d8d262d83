"""Stable problem codes of the battery package, with their English message templates.

The web layer translates by code: each template's `{name}` placeholders are the keys of the
problem's `params`. Codes are stable strings; templates may be reworded.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class CodeField(StrEnum):
    """The seven fields of a GB/T 34014 code."""

    MANUFACTURER = "manufacturer"
    PRODUCT_TYPE = "product_type"
    CHEMISTRY = "chemistry"
    SPECIFICATION = "specification"
    TRACEABILITY = "traceability"
    PRODUCTION_DATE = "production_date"
    SERIAL = "serial"


class CodeReason(StrEnum):
    """Why a battery code was refused."""

    EMPTY = "empty"
    WRONG_LENGTH = "wrong_length"
    BAD_CHARACTER = "bad_character"
    UNKNOWN_PRODUCT_TYPE = "unknown_product_type"
    UNKNOWN_CHEMISTRY = "unknown_chemistry"
    IMPOSSIBLE_DATE = "impossible_date"
    FUTURE_DATE = "future_date"
    ZERO_SERIAL = "zero_serial"
    # only raised by make_park_code
    FIELD_LENGTH = "field_length"
    SERIAL_OUT_OF_RANGE = "serial_out_of_range"
    YEAR_UNSUPPORTED = "year_unsupported"


CODE_MESSAGES: dict[CodeReason, str] = {
    CodeReason.EMPTY: "The battery code is empty.",
    CodeReason.WRONG_LENGTH: "The battery code has {length} characters; it must have 24.",
    CodeReason.BAD_CHARACTER: (
        "Character {position} ('{char}') is not allowed in the {field} field (allowed: {allowed})."
    ),
    CodeReason.UNKNOWN_PRODUCT_TYPE: (
        "Character 4 ('{char}') is not a product type: use P (pack), M (module) or C (cell)."
    ),
    CodeReason.UNKNOWN_CHEMISTRY: (
        "Character 5 ('{char}') is not a battery-type letter (allowed: {allowed})."
    ),
    CodeReason.IMPOSSIBLE_DATE: (
        "Character {position} ('{char}') is not a possible production {part}."
    ),
    CodeReason.FUTURE_DATE: "The production date {produced} is after today ({today}).",
    CodeReason.ZERO_SERIAL: "The serial number (characters 18-24) must not be 0000000.",
    CodeReason.FIELD_LENGTH: "The {field} field needs {expected} characters, not {length}.",
    CodeReason.SERIAL_OUT_OF_RANGE: "The serial {serial} is outside 1-{maximum}.",
    CodeReason.YEAR_UNSUPPORTED: (
        "Production year {year} cannot be coded: the first year coded is {first}."
    ),
}


class ImportCode(StrEnum):
    """Errors and warnings of a fleet CSV import."""

    # file-level errors (row and column are None, or the header row 1)
    FILE_TOO_LARGE = "file_too_large"
    EMPTY_FILE = "empty_file"
    NO_ROWS = "no_rows"
    UNKNOWN_ENCODING = "unknown_encoding"
    BAD_CSV = "bad_csv"
    BAD_COLUMNS = "bad_columns"
    TOO_MANY_ROWS = "too_many_rows"
    # cell errors
    REQUIRED = "required"
    # a number not read (1e9, abc, 420 kg): what to write instead, column by column
    BAD_KWH = "bad_kwh"
    BAD_MASS = "bad_mass"
    BAD_SOH = "bad_soh"
    DECIMAL_COMMA = "decimal_comma"
    NOT_POSITIVE = "not_positive"
    SOH_OUT_OF_RANGE = "soh_out_of_range"
    BAD_DATE = "bad_date"
    FUTURE_DATE = "future_date"
    TOO_EARLY_DATE = "too_early_date"
    UNKNOWN_CHEMISTRY = "unknown_chemistry"
    UNSPECIFIED_NCM = "unspecified_ncm"
    INVALID_PACK_CODE = "invalid_pack_code"
    DUPLICATE_PACK_CODE = "duplicate_pack_code"
    CHEMISTRY_MISMATCH = "chemistry_mismatch"
    EXTRA_CELLS = "extra_cells"
    TOO_LONG = "too_long"
    TOO_LARGE = "too_large"
    MASS_OUT_OF_RANGE = "mass_out_of_range"
    CONTROL_CHARACTER = "control_character"
    DIRECTION_CONTROL = "direction_control"
    PLATE_WITHOUT_LETTERS = "plate_without_letters"
    SOH_LOOKS_LIKE_FRACTION = "soh_looks_like_fraction"
    # warnings
    UNCODED_PACK = "uncoded_pack"
    IGNORED_COLUMN = "ignored_column"
    LOOKS_REGISTERED = "looks_registered"  # found by the service against the register


IMPORT_MESSAGES: dict[ImportCode, str] = {
    ImportCode.FILE_TOO_LARGE: "The file is {size} bytes; the limit is {limit} bytes (5 MB).",
    ImportCode.EMPTY_FILE: "The file is empty.",
    ImportCode.NO_ROWS: "The file has a header row but no packs.",
    ImportCode.UNKNOWN_ENCODING: (
        "The file is not CSV text in UTF-8 or GBK/GB18030 (an Excel workbook?); "
        "save it as CSV UTF-8 and retry."
    ),
    ImportCode.BAD_CSV: "The file is not readable as CSV. Save it again as CSV and upload it.",
    ImportCode.BAD_COLUMNS: "The columns do not match. {details} Expected: {expected}.",
    ImportCode.TOO_MANY_ROWS: "The file has more than {limit} data rows; split it.",
    ImportCode.REQUIRED: "This cell is required.",
    ImportCode.BAD_KWH: (
        "'{value}' is not a number lithloop reads: write the rated energy in kWh as a plain "
        "number, like 258."
    ),
    ImportCode.BAD_MASS: (
        "'{value}' is not a number lithloop reads: write the mass in kg as a plain number, "
        "like 420."
    ),
    ImportCode.BAD_SOH: (
        "'{value}' is not a number lithloop reads: write the state of health as a plain "
        "percentage, like 86.5."
    ),
    ImportCode.DECIMAL_COMMA: (
        "'{value}' has a decimal comma; write {suggested} (a point for decimals, a comma only "
        "between thousands)."
    ),
    ImportCode.NOT_POSITIVE: "'{value}' must be greater than 0.",
    ImportCode.SOH_OUT_OF_RANGE: "SoH '{value}' must be between 0 and 100 (%).",
    ImportCode.BAD_DATE: "'{value}' is not a date; write it as YYYY-MM-DD.",
    ImportCode.FUTURE_DATE: "The date {value} is after today ({today}).",
    ImportCode.TOO_EARLY_DATE: (
        "The date {value} is before {earliest}, when no bus ran on lithium packs; check the year."
    ),
    ImportCode.UNKNOWN_CHEMISTRY: "'{value}' is not a known chemistry (allowed: {allowed}).",
    ImportCode.UNSPECIFIED_NCM: (
        "'{value}' does not say which ternary (NCM) type the pack is: write NCM523, NCM622 or "
        "NCM811."
    ),
    ImportCode.INVALID_PACK_CODE: "Pack code '{value}' is invalid. {detail}",
    ImportCode.DUPLICATE_PACK_CODE: "Pack code {value} already appears in row {first_row}.",
    ImportCode.CHEMISTRY_MISMATCH: (
        "The chemistry {chemistry} does not match the pack code's battery type "
        "'{letter}' ({expected})."
    ),
    ImportCode.EXTRA_CELLS: "This row has {count} cells but the header has {expected}.",
    ImportCode.TOO_LONG: "'{value}' is longer than {limit} characters.",
    ImportCode.TOO_LARGE: "'{value}' is more than {limit}.",
    ImportCode.MASS_OUT_OF_RANGE: (
        "'{value}' kg is not what one {form} weighs: one {form} weighs {lo} to {hi} kg; "
        "write the mass of one {form}."
    ),
    ImportCode.CONTROL_CHARACTER: (
        "This cell contains invisible control characters: delete them and try again."
    ),
    ImportCode.DIRECTION_CONTROL: (
        "This cell contains an invisible text-direction character that makes it read backwards; "
        "remove it."
    ),
    ImportCode.PLATE_WITHOUT_LETTERS: (
        "'{value}' is not a vehicle plate: a plate holds letters or digits, as on the bus."
    ),
    ImportCode.UNCODED_PACK: (
        "No pack code: accepted as an uncoded pack; the park will code it at intake."
    ),
    ImportCode.SOH_LOOKS_LIKE_FRACTION: (
        "SoH '{value}' was read as {value}%; if you meant a fraction, write {percent}."
    ),
    ImportCode.IGNORED_COLUMN: "The column '{name}' is not one lithloop reads; it was ignored.",
    ImportCode.LOOKS_REGISTERED: (
        "Your register already has an uncoded pack on {plate} with the same chemistry, rated "
        "kWh and in-service date: importing this row adds a second pack. Remove the row if it "
        "is the same pack."
    ),
}


def _fmt(template: str, params: Mapping[str, object]) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


#: The parts of BAD_COLUMNS' {details}, each only when its list (a param) is not empty.
COLUMN_PARTS: dict[str, str] = {
    "missing": "Missing: {columns}.",
    "unknown": "Unknown: {columns}.",
    "duplicated": "Duplicated: {columns}.",
}


def column_details(params: Mapping[str, object], parts: Mapping[str, object], sep: str) -> str:
    """BAD_COLUMNS' {details}: the parts whose column lists are not empty, joined by sep."""
    return sep.join(
        str(parts[key]).format(columns=params[key]) for key in COLUMN_PARTS if params.get(key)
    )


def code_message(reason: CodeReason, params: Mapping[str, object]) -> str:
    """English message of a code problem."""
    return _fmt(CODE_MESSAGES[reason], params)


def grouped(params: Mapping[str, object]) -> dict[str, object]:
    """The params as a message shows them: byte sizes and limits with thousands separators
    ("5,360,077"), as the pages' other numbers."""
    return {
        key: f"{value:,}" if key in ("size", "limit") and type(value) is int else value
        for key, value in params.items()
    }


def import_message(code: ImportCode, params: Mapping[str, object]) -> str:
    """English message of an import error or warning."""
    params = grouped(params)
    if code is ImportCode.BAD_COLUMNS:
        params = {**params, "details": column_details(params, COLUMN_PARTS, " ")}
    return _fmt(IMPORT_MESSAGES[code], params)
