"""CSV text read the way spreadsheets write it: any line end (CR alone too, as Excel's
"CSV (Macintosh)" does), a leading byte-order mark dropped, a cell as long as the upload.

Python's csv module, given a plain StringIO, stops at a CR alone ("new-line character seen
in unquoted field") and at a cell over 128 KB ("field larger than field limit"), each an
exception in English the uploads either did not catch (a 500) or showed as it was.
"""

from __future__ import annotations

import csv
import io

#: The largest upload read as CSV is 5 MB (the fleet register): a cell may be all of it.
MAX_CELL_CHARS = 8 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARS))


def csv_stream(text: str) -> io.StringIO:
    """`text` without a leading byte-order mark, for csv.reader or csv.DictReader, which
    then take CR, LF and CRLF line ends alike (csv.Error only for text that is no CSV)."""
    return io.StringIO(text.lstrip("\ufeff"), newline="")


def has_text(text: str) -> bool:
    """True when `text` holds more than whitespace and byte-order marks."""
    return bool(text.replace("\ufeff", "").strip())
