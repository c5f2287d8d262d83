"""Check one year of the State Council's holiday schedule before it is stored (pure).

Accepted: the JSON of lithloop/data/cn_holidays.json ({"_source": "...", "2027": {"off":
[...], "work": [...]}}) holding that one year, or a CSV with a header `date,kind` where
date is YYYY-MM-DD or a range YYYY-MM-DD/YYYY-MM-DD and kind is `off` (放假) or `work` (上班).
Rules: every date lies in the year; no day is both off and a working day; the Spring
Festival is present (at least three consecutive days off between 21 January and 20 February,
the window in which the lunar new year always falls).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from lithloop.batteries.csv_text import csv_stream
from lithloop.batteries.working_days import expand_days

MAX_BYTES = 64 * 1024
KINDS = {"off": "off", "放假": "off", "休": "off", "work": "work", "上班": "work", "班": "work"}
SPRING_WINDOW = ((1, 21), (2, 20))  # month, day: the lunar new year always falls inside
SPRING_MIN_DAYS = 3


@dataclass
class YearUpload:
    """The checked schedule of one year: items as stored, the source, and the problems found."""

    year: int
    off: list[str] = field(default_factory=list)
    work: list[str] = field(default_factory=list)
    source: str = ""
    problems: list[tuple[str, dict]] = field(default_factory=list)  # (code, parameters)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong with it."""
        return not self.problems


def _from_json(text: str, upload: YearUpload) -> None:
    shape = ("json_shape", {"year": upload.year})  # not the object the format describes
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:  # where it went wrong, never the parser's English
        upload.problems.append(("bad_json", {"line": exc.lineno, "column": exc.colno}))
        return
    except (ValueError, RecursionError):  # an integer of thousands of digits; deep nesting
        upload.problems.append(shape)
        return
    if not isinstance(data, dict):
        upload.problems.append(shape)
        return
    years = [k for k in data if not str(k).startswith("_")]
    if years != [str(upload.year)]:
        upload.problems.append(("wrong_years", {"found": ", ".join(years) or "-"}))
        return
    entry = data[str(upload.year)]
    if not isinstance(entry, dict):
        upload.problems.append(shape)
        return
    for kind in ("off", "work"):
        items = entry.get(kind, [])
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            upload.problems.append(shape)
            return
        getattr(upload, kind).extend(i.strip() for i in items)
    upload.source = str(data.get("_source", ""))[:500]


def _from_csv(text: str, upload: YearUpload) -> None:
    try:
        rows = list(csv.reader(csv_stream(text)))
    except csv.Error:  # never the parser's own English
        upload.problems.append(("bad_csv_header", {}))
        return
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["date", "kind"]:
        upload.problems.append(("bad_csv_header", {}))
        return
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        kind = KINDS.get(row[1].strip().lower()) if len(row) > 1 else None
        if kind is None:
            upload.problems.append(("bad_kind", {"line": line}))
            continue
        getattr(upload, kind).append(row[0].strip())


def _days(items: list[str], upload: YearUpload) -> set[date]:
    """The days of the items; a range reaching past the year keeps only its ends (each
    outside day is refused below): "2027-01-01/9999-12-31" is not three million days."""
    days: set[date] = set()
    for item in items:
        try:
            first, _, last = item.partition("/")
            ends = {date.fromisoformat(first), date.fromisoformat(last or first)}
            within = all(end.year == upload.year for end in ends)
            days |= expand_days([item]) if within else ends
        except ValueError:
            upload.problems.append(("bad_date", {"value": item[:40]}))
    return days


def _spring_festival(off: set[date], year: int) -> bool:
    (m1, d1), (m2, d2) = SPRING_WINDOW
    day, run = date(year, m1, d1), 0
    while day <= date(year, m2, d2):
        run = run + 1 if day in off else 0
        if run >= SPRING_MIN_DAYS:
            return True
        day += timedelta(days=1)
    return False


def check_upload(year: int, data: bytes, filename: str = "") -> YearUpload:
    """Parse and check one year's schedule (JSON or CSV, by content); see the module rules."""
    upload = YearUpload(year)
    if len(data) > MAX_BYTES:
        upload.problems.append(("too_large", {"limit": MAX_BYTES}))
        return upload
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        upload.problems.append(("not_utf8", {}))
        return upload
    if "\x00" in text:
        upload.problems.append(("not_utf8", {}))
        return upload
    json_like = filename.lower().endswith(".json") or text.lstrip().startswith("{")
    (_from_json if json_like else _from_csv)(text, upload)
    if upload.problems:
        return upload
    off, work = _days(upload.off, upload), _days(upload.work, upload)
    outside = sorted(d for d in off | work if d.year != year)
    if outside:
        upload.problems.append(("outside_year", {"value": outside[0].isoformat()}))
    both = sorted(off & work)
    if both:
        upload.problems.append(("off_and_work", {"value": both[0].isoformat()}))
    if not upload.problems and not _spring_festival(off, year):
        upload.problems.append(("no_spring_festival", {}))
    return upload
