"""The words of the battery codes (GB/T 34014): the one table of refusal reasons, and a
refused code's reason in the current language."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from lithloop.batteries.codes import CodeProblem
from lithloop.batteries.problems import CodeReason

CODE_REASON: dict[str, LazyString] = {
    CodeReason.EMPTY: _l("The code is empty."),
    CodeReason.WRONG_LENGTH: _l("The code has %(length)s characters; GB/T 34014 codes have 24."),
    CodeReason.BAD_CHARACTER: _l("Character %(position)s ('%(char)s') is not allowed there."),
    CodeReason.UNKNOWN_PRODUCT_TYPE: _l(
        "Character 4 ('%(char)s') must be P (pack), M (module) or C (cell)."
    ),
    CodeReason.UNKNOWN_CHEMISTRY: _l("Character 5 ('%(char)s') is not a battery-type letter."),
    CodeReason.IMPOSSIBLE_DATE: _l("Character %(position)s ('%(char)s') is not a possible date."),
    CodeReason.FUTURE_DATE: _l("The production date %(produced)s is in the future."),
    CodeReason.ZERO_SERIAL: _l("The serial number (characters 18-24) must not be 0000000."),
    CodeReason.FIELD_LENGTH: _l(
        "A field of the code needs %(expected)s characters, not %(length)s."
    ),
    CodeReason.SERIAL_OUT_OF_RANGE: _l("The serial %(serial)s is outside 1-%(maximum)s."),
    CodeReason.YEAR_UNSUPPORTED: _l(
        "Production year %(year)s cannot be coded: the first year coded is %(first)s."
    ),
}
#: Every parameter a reason may name, empty unless the check gave it.
_CODE_PARAMS = (
    "position",
    "char",
    "length",
    "produced",
    "expected",
    "serial",
    "maximum",
    "year",
    "first",
)
#: The parameters that count characters, digits grouped in the words.
_COUNTS = ("position", "length", "expected")


def code_reason(reason: str | None, params: Mapping[str, object] | None = None) -> str:
    """Why a battery code was refused (a `CodeReason` and the check's parameters), in the
    current language; a parameter the check did not give is left empty."""
    if reason not in CODE_REASON:
        return str(_l("The code is not valid."))
    values: dict[str, object] = dict.fromkeys(_CODE_PARAMS, "")
    values.update(params or {})
    for key in _COUNTS:  # a pasted page of text: "20,000 characters", not "20000"
        if isinstance(values[key], int):
            values[key] = f"{values[key]:,}"
    return str(CODE_REASON[reason]) % values


def problem_text(problem: CodeProblem | None) -> str:
    """A code check's problem in the current language."""
    return code_reason(problem.reason if problem else None, problem.params if problem else None)
