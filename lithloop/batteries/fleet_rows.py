"""One row of a bus company's fleet CSV, checked cell by cell: what the register can store,
the issues (errors and warnings) with their Excel row and column, and the parsed pack."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lithloop import vocab
from lithloop.batteries.codes import CHEMISTRY_LETTERS, ParsedCode, fold_full_width, validate_code
from lithloop.batteries.codes import chemistries_for_letter as _letter_names
from lithloop.batteries.fleet_cells import (
    is_unspecified_ncm,
    parse_chemistry,
    parse_date,
    parse_decimal,
)
from lithloop.batteries.item_masses import MASS_PER_ITEM, form_of
from lithloop.batteries.problems import ImportCode, import_message

#: What the register can store, checked by the preview (the import uses the same check):
#: bus_fleet.vehicle_plate is String(20); rated_kwh Numeric(10, 2); mass_kg Numeric(12, 2).
#: The energy limit is far above any bus pack (about 300 kWh) and inside its column; a mass
#: is what one item of its form can weigh (item_masses.py, the booking lots' table too), the
#: form read from the pack code's product type (a pack when uncoded).
MAX_PLATE_CHARS = 20
MAX_RATED_KWH = Decimal(10_000)
MAX_MASS_KG = max(hi for _, hi in MASS_PER_ITEM.values())
NUMBER_PLACES = 2  # the columns' decimals; more are rounded half up, as the preview shows
_LIMITS = {"rated_kwh": MAX_RATED_KWH, "mass_kg": MAX_MASS_KG, "soh_pct": Decimal(100)}
#: A number written with a decimal comma (12,5 or 2225,75): not a thousands separator.
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
#: A plain number with more digits before its point than parse_decimal reads (a 20-digit
#: cell): beyond every limit, so refused as too large, not as "not a number".
_HUGE_NUMBER = re.compile(r"([+-]?)[0-9]{16,}(?:\.[0-9]*)?")
#: Each number column's refusal of a cell it cannot read (scientific notation, words, units).
_BAD_NUMBER = {
    "rated_kwh": ImportCode.BAD_KWH,
    "mass_kg": ImportCode.BAD_MASS,
    "soh_pct": ImportCode.BAD_SOH,
}
#: Characters no cell of a register holds: control characters (tabs and line breaks too: a
#: plate of "黑C\n12345" was stored), line and paragraph separators, lone surrogates and the
#: invisible zero-width ones (a plate with one inside was another plate to every comparison).
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200d\u2028\u2029\u2060\ufeff\ud800-\udfff]")
CHEMISTRIES = vocab.CHEMISTRIES
#: No bus ran on a lithium traction pack before this (China's first fleets: 2008): an earlier
#: in-service date is a typing slip (1900, 0201), which the forecast read as long overdue.
EARLIEST_IN_SERVICE = date(2000, 1, 1)


@dataclass(frozen=True)
class FleetIssue:
    """An error or warning: Excel row (None for the file), column, code, params, message."""

    row: int | None
    column: str | None
    code: ImportCode
    params: dict[str, str | int] = field(default_factory=dict, hash=False)
    message: str = ""


@dataclass(frozen=True)
class FleetRow:
    """One parsed pack; pack_code None for an uncoded pack."""

    row: int
    vehicle_plate: str
    pack_code: str | None
    chemistry: str
    rated_kwh: Decimal
    mass_kg: Decimal
    in_service_since: date
    soh_pct: Decimal | None
    parsed_code: ParsedCode | None = None


def fleet_issue(row: int | None, column: str | None, code: ImportCode, **params) -> FleetIssue:
    """An issue with its English message (the web layer translates it by its code)."""
    return FleetIssue(row, column, code, params, import_message(code, params))


def _huge_number(row: int, column: str, value: str, *, negative: bool) -> FleetIssue:
    """The refusal of a number too long to read: below zero, beyond SoH's 100 or the limit."""
    if negative and column != "soh_pct":
        return fleet_issue(row, column, ImportCode.NOT_POSITIVE, value=value[:40])
    if column == "soh_pct":
        return fleet_issue(row, column, ImportCode.SOH_OUT_OF_RANGE, value=value[:40])
    limit = f"{_LIMITS[column]:,}"
    return fleet_issue(row, column, ImportCode.TOO_LARGE, value=value[:40], limit=limit)


def _mass_out_of_range(row: int, value: str, form: str) -> FleetIssue:
    """The refusal of a mass one item of its form cannot weigh, with the form's range."""
    lo, hi = MASS_PER_ITEM[form]
    return fleet_issue(
        row,
        "mass_kg",
        ImportCode.MASS_OUT_OF_RANGE,
        value=value[:40],
        form=form,
        lo=f"{lo:,}",
        hi=f"{hi:,}",
    )


def _stored(value: Decimal) -> Decimal:
    """The number as the register's column keeps it (NUMBER_PLACES, rounded half up)."""
    return value.quantize(Decimal(1).scaleb(-NUMBER_PLACES), ROUND_HALF_UP)


class RowParser:
    """Checks the rows of one file in turn, gathering errors, warnings and the codes seen."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.errors: list[FleetIssue] = []
        self.warnings: list[FleetIssue] = []
        self.seen_codes: dict[str, int] = {}

    def parse(self, n: int, cell: dict[str, str]) -> FleetRow | None:
        """Row n (Excel's number) from its cells by column; None when it has an error."""
        before = len(self.errors)
        err = self.errors.append

        def required(col: str) -> str | None:
            if cell[col]:
                return cell[col]
            err(fleet_issue(n, col, ImportCode.REQUIRED))
            return None

        for col, text in cell.items():
            if _CONTROL.search(text):
                err(fleet_issue(n, col, ImportCode.CONTROL_CHARACTER))
            elif vocab.DIRECTION_CONTROLS.search(text):
                err(fleet_issue(n, col, ImportCode.DIRECTION_CONTROL))
        plate = required("vehicle_plate")
        if plate is not None and len(plate) > MAX_PLATE_CHARS:
            err(
                fleet_issue(
                    n, "vehicle_plate", ImportCode.TOO_LONG, value=plate[:40], limit=MAX_PLATE_CHARS
                )
            )
        elif plate is not None and not any(c.isalnum() for c in plate):
            # walk: a plate of emoji or symbols alone ("😀😀", "---") named no bus
            err(fleet_issue(n, "vehicle_plate", ImportCode.PLATE_WITHOUT_LETTERS, value=plate))
        chem = None
        if (raw := required("chemistry")) is not None and (chem := parse_chemistry(raw)) is None:
            if is_unspecified_ncm(raw):
                err(fleet_issue(n, "chemistry", ImportCode.UNSPECIFIED_NCM, value=raw))
            else:
                err(
                    fleet_issue(
                        n,
                        "chemistry",
                        ImportCode.UNKNOWN_CHEMISTRY,
                        value=raw,
                        allowed=", ".join(CHEMISTRIES),
                    )
                )
        numbers: dict[str, Decimal | None] = {}
        heavy = False
        for col in ("rated_kwh", "mass_kg", "soh_pct"):
            raw = cell[col].removesuffix("%").strip() if col == "soh_pct" else required(col)
            numbers[col] = value = parse_decimal(raw) if raw else None
            if raw and value is None and _DECIMAL_COMMA.fullmatch(raw):  # 12,5: Europe's
                suggested = raw.replace(",", ".")
                err(
                    fleet_issue(
                        n, col, ImportCode.DECIMAL_COMMA, value=cell[col], suggested=suggested
                    )
                )
            elif raw and value is None and (huge := _HUGE_NUMBER.fullmatch(fold_full_width(raw))):
                if col == "mass_kg" and huge.group(1) != "-":
                    heavy = True  # beyond every form's range: told with the form's below
                else:
                    err(_huge_number(n, col, cell[col], negative=huge.group(1) == "-"))
            elif raw and value is None:
                err(fleet_issue(n, col, _BAD_NUMBER[col], value=cell[col]))
            elif value is None:
                continue
            elif col != "soh_pct" and (value <= 0 or col == "rated_kwh" and _stored(value) <= 0):
                # 0.001 kWh was stored as 0.00 (a mass that small is out of its form's range)
                err(fleet_issue(n, col, ImportCode.NOT_POSITIVE, value=cell[col]))
            elif col == "rated_kwh" and value > _LIMITS[col]:
                err(
                    fleet_issue(
                        n,
                        col,
                        ImportCode.TOO_LARGE,
                        value=cell[col][:40],
                        limit=f"{_LIMITS[col]:,}",
                    )
                )
            elif col == "soh_pct" and not 0 <= value <= 100:
                err(fleet_issue(n, col, ImportCode.SOH_OUT_OF_RANGE, value=cell[col]))
            elif col == "soh_pct" and 0 < value <= 1:  # an error: imported, 0.85 % made the
                # pack due at once, and the pack's own form then refused to save it (a walk)
                err(
                    fleet_issue(
                        n,
                        col,
                        ImportCode.SOH_LOOKS_LIKE_FRACTION,
                        value=str(value),
                        percent=str(value * 100),
                    )
                )
        since = None
        if (raw := required("in_service_since")) is not None:
            since = parse_date(raw)
            if since is None:
                err(fleet_issue(n, "in_service_since", ImportCode.BAD_DATE, value=raw))
            elif since > self.today:
                err(
                    fleet_issue(
                        n,
                        "in_service_since",
                        ImportCode.FUTURE_DATE,
                        value=since.isoformat(),
                        today=self.today.isoformat(),
                    )
                )
            elif since < EARLIEST_IN_SERVICE:
                err(
                    fleet_issue(
                        n,
                        "in_service_since",
                        ImportCode.TOO_EARLY_DATE,
                        value=since.isoformat(),
                        earliest=EARLIEST_IN_SERVICE.isoformat(),
                    )
                )
        code, parsed = self._pack_code(n, cell["pack_code"], chem)
        form = form_of(parsed.product_type.value if parsed else None)
        if heavy or (
            (kg := numbers["mass_kg"]) is not None
            and kg > 0
            and not MASS_PER_ITEM[form][0] <= kg <= MASS_PER_ITEM[form][1]
        ):
            err(_mass_out_of_range(n, cell["mass_kg"], form))
        if len(self.errors) > before:
            return None
        kwh, kg, soh = (
            None if (number := numbers[c]) is None else _stored(number)
            for c in ("rated_kwh", "mass_kg", "soh_pct")
        )
        # no error on the row: every required cell parsed (mypy cannot follow self.errors)
        return FleetRow(n, plate, code, chem, kwh, kg, since, soh, parsed)  # type: ignore[arg-type]

    def _pack_code(
        self, n: int, raw: str, chem: str | None
    ) -> tuple[str | None, ParsedCode | None]:
        if not raw:
            self.warnings.append(fleet_issue(n, "pack_code", ImportCode.UNCODED_PACK))
            return None, None
        check = validate_code(raw, today=self.today)
        if check.parsed is None:
            p = check.problem
            assert p is not None  # a check without a parsed code has a problem
            named = {  # what the reason names (length, char, ...), then the issue's own
                **dict(p.params or {}),
                "value": raw,
                "reason": p.reason.value,
                "position": p.position or 0,
                "field": p.field.value if p.field else "-",
                "detail": p.message,
            }
            self.errors.append(fleet_issue(n, "pack_code", ImportCode.INVALID_PACK_CODE, **named))
            return None, None
        code = check.text
        if code in self.seen_codes:
            self.errors.append(
                fleet_issue(
                    n,
                    "pack_code",
                    ImportCode.DUPLICATE_PACK_CODE,
                    value=code,
                    first_row=self.seen_codes[code],
                )
            )
        else:
            self.seen_codes[code] = n
        letter = check.parsed.chemistry_letter
        if chem is not None and chem not in _letter_names(letter):
            expected = ", ".join(_letter_names(letter)) or CHEMISTRY_LETTERS[letter]
            self.errors.append(
                fleet_issue(
                    n,
                    "chemistry",
                    ImportCode.CHEMISTRY_MISMATCH,
                    chemistry=chem,
                    letter=letter,
                    expected=expected,
                )
            )
        return code, check.parsed
