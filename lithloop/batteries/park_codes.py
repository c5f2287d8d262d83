"""Park codes: a valid GB/T 34014 code minted for a pack, module or cell that came without one.

The park is manufacturer-of-record ("LLP" by default); the production-date characters follow
the park's rule for years after 2027 (see `codes`). PURE (standard library only).
"""

from __future__ import annotations

from datetime import date

from lithloop.batteries.codes import (
    DATE_CHARS,
    FIRST_YEAR,
    MAX_SERIAL,
    YEAR_CYCLE,
    CodeProblem,
    ProductType,
    normalise,
    problem_at,
    validate_code,
)
from lithloop.batteries.problems import CodeField, CodeReason


class CodeError(ValueError):
    """make_park_code refused its inputs; `problem` holds the structured reason."""

    def __init__(self, problem: CodeProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def encode_date(produced: date) -> str:
    """The three date characters for a production date (any year from 2010, 32-year cycle)."""
    if produced.year < FIRST_YEAR:
        raise CodeError(
            problem_at(CodeReason.YEAR_UNSUPPORTED, 15, year=produced.year, first=FIRST_YEAR)
        )
    return (
        DATE_CHARS[(produced.year - FIRST_YEAR) % YEAR_CYCLE]
        + DATE_CHARS[produced.month]
        + DATE_CHARS[produced.day]
    )


def make_park_code(
    serial: int,
    *,
    chemistry_letter: str,
    product_type: ProductType | str,
    produced: date,
    manufacturer: str = "LLP",
    specification: str = "00",
    traceability: str = "0000000",
) -> str:
    """A valid code for an uncoded pack, with the park as manufacturer-of-record."""
    if not 1 <= serial <= MAX_SERIAL:
        raise CodeError(
            problem_at(CodeReason.SERIAL_OUT_OF_RANGE, 18, serial=serial, maximum=MAX_SERIAL)
        )
    parts = (
        (CodeField.MANUFACTURER, manufacturer, 3),
        (CodeField.PRODUCT_TYPE, product_type, 1),
        (CodeField.CHEMISTRY, chemistry_letter, 1),
        (CodeField.SPECIFICATION, specification, 2),
        (CodeField.TRACEABILITY, traceability, 7),
    )
    start = 1
    for fld, value, size in parts:
        if len(normalise(str(value))) != size:
            raise CodeError(
                problem_at(
                    CodeReason.FIELD_LENGTH,
                    start,
                    field=fld.value,
                    expected=size,
                    length=len(normalise(str(value))),
                )
            )
        start += size
    text = "".join(normalise(str(v)) for _, v, _ in parts) + encode_date(produced) + f"{serial:07d}"
    check = validate_code(text, today=produced)
    if check.problem is not None:
        raise CodeError(check.problem)
    return check.text
