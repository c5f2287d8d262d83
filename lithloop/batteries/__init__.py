"""Pure battery building blocks: GB/T 34014 codes, fleet CSV import, retirement forecast.

Imports neither Flask nor the database. Errors are data: each problem has a stable code
(an Enum in `problems`), parameters and an English message, for the web layer to translate.
"""

from lithloop.batteries.codes import (
    CHEMISTRY_LETTERS,
    CodeCheck,
    CodeProblem,
    ParsedCode,
    ProductType,
    chemistries_for_letter,
    letter_for_chemistry,
    validate_code,
)
from lithloop.batteries.fleet_csv import COLUMNS, FleetImport, parse_fleet_csv
from lithloop.batteries.fleet_rows import FleetIssue, FleetRow
from lithloop.batteries.forecast import (
    DEFAULT_LIFE_YEARS,
    Method,
    MonthDue,
    Prediction,
    forecast_retirements,
    predict_retirement,
)
from lithloop.batteries.park_codes import CodeError, make_park_code
from lithloop.batteries.problems import (
    CODE_MESSAGES,
    IMPORT_MESSAGES,
    CodeField,
    CodeReason,
    ImportCode,
)

__all__ = [
    "CHEMISTRY_LETTERS",
    "CODE_MESSAGES",
    "COLUMNS",
    "DEFAULT_LIFE_YEARS",
    "IMPORT_MESSAGES",
    "CodeCheck",
    "CodeError",
    "CodeField",
    "CodeProblem",
    "CodeReason",
    "FleetImport",
    "FleetIssue",
    "FleetRow",
    "ImportCode",
    "Method",
    "MonthDue",
    "ParsedCode",
    "Prediction",
    "ProductType",
    "chemistries_for_letter",
    "forecast_retirements",
    "letter_for_chemistry",
    "make_park_code",
    "parse_fleet_csv",
    "predict_retirement",
    "validate_code",
]
