"""Pure battery building blocks: GB/T 34014 codes, fleet CSV import, retirement forecast.

Imports neither Flask nor the database. Errors are data: each problem has a stable code
(an Enum in `problems`), parameters and an English message, for the web layer to translate.
"""

from lithloop.batteries.codes import (
    CHEMISTRY_LETTERS,
    CodeCheck,
    CodeError,
    CodeProblem,
    ParsedCode,
    ProductType,
    chemistries_for_letter,
    letter_for_chemistry,
    make_park_code,
    validate_code,
)
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
    "IMPORT_MESSAGES",
    "CodeCheck",
    "CodeError",
    "CodeField",
    "CodeProblem",
    "CodeReason",
    "ImportCode",
    "ParsedCode",
    "ProductType",
    "chemistries_for_letter",
    "letter_for_chemistry",
    "make_park_code",
    "validate_code",
]
