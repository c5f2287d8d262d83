"""A bus company's fleet import: one CSV of packs, checked all-or-nothing.

Columns (English or Chinese headers; order free): vehicle_plate 车牌号, pack_code 电池编码,
chemistry 化学体系, rated_kwh 额定电量kWh, mass_kg 质量kg, in_service_since 投运日期,
and the optional soh_pct SOH%. Encodings: UTF-8 with or without BOM, UTF-16 with BOM, and
GBK/GB18030 (Chinese Excel's "CSV (逗号分隔)"). Row numbers are Excel's: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lithloop import clock, vocab
from lithloop.batteries.codes import CHEMISTRY_LETTERS, ParsedCode, validate_code
from lithloop.batteries.codes import chemistries_for_letter as _letter_names
from lithloop.batteries.fleet_cells import (
    decode,
    header_key,
    is_unspecified_ncm,
    parse_chemistry,
    parse_date,
    parse_decimal,
)
from lithloop.batteries.problems import ImportCode, import_message

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
COLUMNS = (
    "vehicle_plate",
    "pack_code",
    "chemistry",
    "rated_kwh",
    "mass_kg",
    "in_service_since",
    "soh_pct",
)
OPTIONAL_COLUMNS = frozenset({"soh_pct"})
#: What the register can store, checked by the preview (the import uses the same check):
#: bus_fleet.vehicle_plate is String(20); rated_kwh Numeric(10, 2); mass_kg Numeric(12, 2).
#: The number limits are far above any bus pack (about 300 kWh, 2.5 t) and inside the columns.
MAX_PLATE_CHARS = 20
MAX_RATED_KWH = Decimal(10_000)
MAX_MASS_KG = Decimal(100_000)
NUMBER_PLACES = 2  # the columns' decimals; more are rounded half up, as the preview shows
_LIMITS = {"rated_kwh": MAX_RATED_KWH, "mass_kg": MAX_MASS_KG, "soh_pct": Decimal(100)}
#: A number written with a decimal comma (12,5 or 2225,75): not a thousands separator.
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
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


@dataclass(frozen=True)
class FleetImport:
    """Parsed rows, errors and warnings; import only when `ok` (no errors at all)."""

    rows: tuple[FleetRow, ...]
    errors: tuple[FleetIssue, ...]
    warnings: tuple[FleetIssue, ...] = ()
    encoding: str | None = None

    @property
    def ok(self) -> bool:
        """True when the whole file may be imported."""
        return not self.errors

    @property
    def valid_rows(self) -> int:
        """How many rows have no error (a row may be parsed and then refused, e.g. a code
        already in the register)."""
        refused = {issue.row for issue in self.errors}
        return sum(1 for r in self.rows if r.row not in refused)


def _issue(row: int | None, column: str | None, code: ImportCode, **params) -> FleetIssue:
    return FleetIssue(row, column, code, params, import_message(code, params))


def _fail(
    code: ImportCode, encoding: str | None = None, row: int | None = None, **params
) -> FleetImport:
    return FleetImport((), (_issue(row, None, code, **params),), (), encoding)


def _header(cells: list[str]) -> tuple[dict[str, int], FleetIssue | None, list[FleetIssue]]:
    """The columns' places, the header's error (a required column missing, or one given
    twice) and warnings: a column lithloop does not read (序号, 备注) is ignored."""
    index: dict[str, int] = {}
    unknown, duplicated = [], []
    for i, cell in enumerate(cells):
        if not cell.strip():
            continue
        key = header_key(cell)
        if key is None:
            unknown.append(cell.strip())
        elif key in index:
            duplicated.append(cell.strip())
        else:
            index[key] = i
    missing = [c for c in COLUMNS if c not in index and c not in OPTIONAL_COLUMNS]
    if not (missing or duplicated):
        return index, None, [_issue(1, None, ImportCode.IGNORED_COLUMN, name=u) for u in unknown]
    # the unknown columns are named too: one may be a required column misspelt
    return (
        index,
        _issue(
            1,
            None,
            ImportCode.BAD_COLUMNS,
            missing=", ".join(missing),
            unknown=", ".join(unknown),
            duplicated=", ".join(duplicated),
            expected=", ".join(COLUMNS),
        ),
        [],
    )


class _RowParser:
    def __init__(self, today: date) -> None:
        self.today = today
        self.errors: list[FleetIssue] = []
        self.warnings: list[FleetIssue] = []
        self.seen_codes: dict[str, int] = {}

    def parse(self, n: int, cell: dict[str, str]) -> FleetRow | None:
        before = len(self.errors)
        err = self.errors.append

        def required(col: str) -> str | None:
            if cell[col]:
                return cell[col]
            err(_issue(n, col, ImportCode.REQUIRED))
            return None

        for col, text in cell.items():
            if _CONTROL.search(text):
                err(_issue(n, col, ImportCode.CONTROL_CHARACTER))
            elif vocab.DIRECTION_CONTROLS.search(text):
                err(_issue(n, col, ImportCode.DIRECTION_CONTROL))
        plate = required("vehicle_plate")
        if plate is not None and len(plate) > MAX_PLATE_CHARS:
            err(
                _issue(
                    n, "vehicle_plate", ImportCode.TOO_LONG, value=plate[:40], limit=MAX_PLATE_CHARS
                )
            )
        chem = None
        if (raw := required("chemistry")) is not None and (chem := parse_chemistry(raw)) is None:
            if is_unspecified_ncm(raw):
                err(_issue(n, "chemistry", ImportCode.UNSPECIFIED_NCM, value=raw))
            else:
                err(
                    _issue(
                        n,
                        "chemistry",
                        ImportCode.UNKNOWN_CHEMISTRY,
                        value=raw,
                        allowed=", ".join(CHEMISTRIES),
                    )
                )
        numbers: dict[str, Decimal | None] = {}
        for col in ("rated_kwh", "mass_kg", "soh_pct"):
            raw = cell[col].removesuffix("%").strip() if col == "soh_pct" else required(col)
            numbers[col] = value = parse_decimal(raw) if raw else None
            if raw and value is None and _DECIMAL_COMMA.fullmatch(raw):  # 12,5: Europe's
                suggested = raw.replace(",", ".")
                err(_issue(n, col, ImportCode.DECIMAL_COMMA, value=cell[col], suggested=suggested))
            elif raw and value is None:
                err(_issue(n, col, ImportCode.BAD_NUMBER, value=cell[col]))
            elif value is None:
                continue
            elif col != "soh_pct" and value <= 0:
                err(_issue(n, col, ImportCode.NOT_POSITIVE, value=cell[col]))
            elif col != "soh_pct" and value > _LIMITS[col]:
                err(
                    _issue(
                        n,
                        col,
                        ImportCode.TOO_LARGE,
                        value=cell[col][:40],
                        limit=f"{_LIMITS[col]:,}",
                    )
                )
            elif col == "soh_pct" and not 0 <= value <= 100:
                err(_issue(n, col, ImportCode.SOH_OUT_OF_RANGE, value=cell[col]))
            elif col == "soh_pct" and 0 < value <= 1:
                self.warnings.append(
                    _issue(
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
                err(_issue(n, "in_service_since", ImportCode.BAD_DATE, value=raw))
            elif since > self.today:
                err(
                    _issue(
                        n,
                        "in_service_since",
                        ImportCode.FUTURE_DATE,
                        value=since.isoformat(),
                        today=self.today.isoformat(),
                    )
                )
            elif since < EARLIEST_IN_SERVICE:
                err(
                    _issue(
                        n,
                        "in_service_since",
                        ImportCode.TOO_EARLY_DATE,
                        value=since.isoformat(),
                        earliest=EARLIEST_IN_SERVICE.isoformat(),
                    )
                )
        code, parsed = self._pack_code(n, cell["pack_code"], chem)
        if len(self.errors) > before:
            return None
        kwh, kg, soh = (
            None
            if (number := numbers[c]) is None
            else number.quantize(Decimal(1).scaleb(-NUMBER_PLACES), ROUND_HALF_UP)
            for c in ("rated_kwh", "mass_kg", "soh_pct")
        )
        # no error on the row: every required cell parsed (mypy cannot follow self.errors)
        return FleetRow(n, plate, code, chem, kwh, kg, since, soh, parsed)  # type: ignore[arg-type]

    def _pack_code(
        self, n: int, raw: str, chem: str | None
    ) -> tuple[str | None, ParsedCode | None]:
        if not raw:
            self.warnings.append(_issue(n, "pack_code", ImportCode.UNCODED_PACK))
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
            self.errors.append(_issue(n, "pack_code", ImportCode.INVALID_PACK_CODE, **named))
            return None, None
        code = check.text
        if code in self.seen_codes:
            self.errors.append(
                _issue(
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
                _issue(
                    n,
                    "chemistry",
                    ImportCode.CHEMISTRY_MISMATCH,
                    chemistry=chem,
                    letter=letter,
                    expected=expected,
                )
            )
        return code, check.parsed


def parse_fleet_csv(data: bytes, *, today: date | None = None) -> FleetImport:
    """Parse and check a fleet CSV (≤ 5 MB, ≤ 20,000 rows); `today` defaults to the park's."""
    today = today or clock.today()
    if len(data) > MAX_BYTES:
        return _fail(ImportCode.FILE_TOO_LARGE, size=len(data), limit=MAX_BYTES)
    decoded = decode(data)
    if decoded is None:
        return _fail(ImportCode.UNKNOWN_ENCODING)
    text, encoding = decoded
    if not text.strip():
        return _fail(ImportCode.EMPTY_FILE, encoding)
    first = text.lstrip("\ufeff").splitlines()[0]
    delimiter = max(",\t;", key=first.count)
    try:
        records = list(
            csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
        )
    except csv.Error as exc:
        return _fail(ImportCode.BAD_CSV, encoding, detail=str(exc))
    index, header_error, header_warnings = _header(records[0])
    if header_error is not None:
        return FleetImport((), (header_error,), (), encoding)
    body = [(n, r) for n, r in enumerate(records[1:], start=2) if any(c.strip() for c in r)]
    if not body:
        return _fail(ImportCode.NO_ROWS, encoding, row=2)
    if len(body) > MAX_ROWS:
        return _fail(ImportCode.TOO_MANY_ROWS, encoding, limit=MAX_ROWS)
    parser, rows = _RowParser(today), []
    parser.warnings.extend(header_warnings)
    for n, record in body:
        extra = [c for i, c in enumerate(record) if i >= len(records[0]) and c.strip()]
        if extra:
            parser.errors.append(
                _issue(n, None, ImportCode.EXTRA_CELLS, count=len(record), expected=len(records[0]))
            )
            continue
        cells = {c: (record[i].strip() if i < len(record) else "") for c, i in index.items()}
        cells.setdefault("soh_pct", "")
        if (row := parser.parse(n, cells)) is not None:
            rows.append(row)
    return FleetImport(tuple(rows), tuple(parser.errors), tuple(parser.warnings), encoding)
