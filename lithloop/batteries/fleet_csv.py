"""A bus company's fleet import: one CSV of packs, checked all-or-nothing.

Columns (English or Chinese headers; order free): vehicle_plate 车牌号, pack_code 电池编码,
chemistry 化学体系, rated_kwh 额定电量kWh, mass_kg 质量kg, in_service_since 投运日期,
and the optional soh_pct SOH%. Encodings: UTF-8 with or without BOM, UTF-16 with BOM, and
GBK/GB18030 (Chinese Excel's "CSV (逗号分隔)"). Row numbers are Excel's: the header is row 1.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date

from lithloop import clock
from lithloop.batteries.csv_text import csv_stream, has_text
from lithloop.batteries.fleet_cells import decode, header_key
from lithloop.batteries.fleet_rows import FleetIssue, FleetRow, RowParser, fleet_issue
from lithloop.batteries.problems import ImportCode

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


@dataclass(frozen=True)
class FleetImport:
    """Parsed rows, errors and warnings; import only when `ok` (no errors at all)."""

    rows: tuple[FleetRow, ...]
    errors: tuple[FleetIssue, ...]
    warnings: tuple[FleetIssue, ...] = ()
    encoding: str | None = None
    #: the rows (Excel's numbers) that update a pack already in the register, by its code
    updating: tuple[int, ...] = ()

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

    @property
    def new_rows(self) -> int:
        """How many rows add a pack (the others update one already registered)."""
        return len(self.rows) - len(self.updating)


def _fail(
    code: ImportCode, encoding: str | None = None, row: int | None = None, **params
) -> FleetImport:
    return FleetImport((), (fleet_issue(row, None, code, **params),), (), encoding)


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
        return (
            index,
            None,
            [fleet_issue(1, None, ImportCode.IGNORED_COLUMN, name=u) for u in unknown],
        )
    # the unknown columns are named too: one may be a required column misspelt
    return (
        index,
        fleet_issue(
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


def parse_fleet_csv(data: bytes, *, today: date | None = None) -> FleetImport:
    """Parse and check a fleet CSV (≤ 5 MB, ≤ 20,000 rows); `today` defaults to the park's."""
    today = today or clock.today()
    if len(data) > MAX_BYTES:
        return _fail(ImportCode.FILE_TOO_LARGE, size=len(data), limit=MAX_BYTES)
    decoded = decode(data)
    if decoded is None:
        return _fail(ImportCode.UNKNOWN_ENCODING)
    text, encoding = decoded
    if not has_text(text):  # byte-order marks alone are no text either
        return _fail(ImportCode.EMPTY_FILE, encoding)
    first = text.replace("\ufeff", "").strip().splitlines()[0]
    delimiter = max(",\t;", key=first.count)
    try:
        records = list(csv.reader(csv_stream(text.replace("\ufeff", "")), delimiter=delimiter))
    except csv.Error:  # never the parser's own English on the page
        return _fail(ImportCode.BAD_CSV, encoding)
    index, header_error, header_warnings = _header(records[0])
    if header_error is not None:
        return FleetImport((), (header_error,), (), encoding)
    body = [(n, r) for n, r in enumerate(records[1:], start=2) if any(c.strip() for c in r)]
    if not body:
        return _fail(ImportCode.NO_ROWS, encoding, row=2)
    if len(body) > MAX_ROWS:
        return _fail(ImportCode.TOO_MANY_ROWS, encoding, limit=MAX_ROWS)
    parser, rows = RowParser(today), []
    parser.warnings.extend(header_warnings)
    for n, record in body:
        extra = [c for i, c in enumerate(record) if i >= len(records[0]) and c.strip()]
        if extra:
            parser.errors.append(
                fleet_issue(
                    n, None, ImportCode.EXTRA_CELLS, count=len(record), expected=len(records[0])
                )
            )
            continue
        cells = {c: (record[i].strip() if i < len(record) else "") for c, i in index.items()}
        cells.setdefault("soh_pct", "")
        if (row := parser.parse(n, cells)) is not None:
            rows.append(row)
    return FleetImport(tuple(rows), tuple(parser.errors), tuple(parser.warnings), encoding)
