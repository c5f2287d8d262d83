"""The one CSV writer of every export: cells a spreadsheet would run as formulas are escaped.

A text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula (or
starts one) in Excel, LibreOffice and WPS: an organisation named `=HYPERLINK(...)` would
become a live link in the admin's spreadsheet. Such a cell is written with a leading `'`
(OWASP's advice), which spreadsheet programs show as text.

Numbers we produce (int, Decimal, float: masses, amounts) are written as numbers, even
negative ones: `-12.5` is not a formula, and prefixing it would turn a number column into
text. Only `str` values (anything a person typed, or a name) are escaped; an export that
means a number must pass a number, not its text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # so that spreadsheet programs read UTF-8 Chinese


def safe_cell(value) -> str | int | Decimal | float:
    """A cell as written: numbers as they are, text starting like a formula after a `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | Decimal | float):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    """The CSV document (UTF-8 BOM, CRLF lines) with every cell made safe."""
    return "".join(csv_stream(header, rows))


def csv_stream(header: Iterable[str], rows: Iterable[Iterable], lines_per_chunk: int = 500):
    """The same document as csv_text, yielded a few hundred lines at a time (for a streamed
    response: memory stays flat however many rows)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for n, row in enumerate(rows, 1):
        writer.writerow([safe_cell(cell) for cell in row])
        if n % lines_per_chunk == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()
