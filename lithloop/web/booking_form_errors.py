"""A refused booking form's errors in the order of the page: the summary's links to the
fields, and the reasons the quote panel gives when there is no quote.
"""

from __future__ import annotations

import re

LOT_FIELD = re.compile(r"lots\[(\d+)\]\.(\w+)")
#: The form's own fields by the name a refusal gives them, in the order of the page.
FORM_FIELDS = {
    "site_id": "site_id",
    "lots": "lots-err",
    "date": "date",
    "window": "slot",
    "note": "note",
}
LOT_ORDER = ("chemistry", "form", "count", "mass_kg", "condition", "damage", "codes")


def _placed(errors: dict[str, str]) -> list[tuple[str, str, str]]:
    """(the id of the field, the error's key, its message) for each refusal with a field, in
    the order of the page; a lot's several codes each keep their own entry."""

    def place(key: str) -> tuple[int, int, int] | None:
        lot = LOT_FIELD.match(key)
        if lot and lot.group(2) in LOT_ORDER:
            return (1, int(lot.group(1)), LOT_ORDER.index(lot.group(2)))
        if key in FORM_FIELDS:
            return (list(FORM_FIELDS).index(key) * 2, 0, 0)  # site first, lots, then the day
        return None

    placed = []
    for key, message in errors.items():
        where = place(key)
        if where is not None:
            lot = LOT_FIELD.match(key)
            anchor = f"lots-{lot.group(1)}-{lot.group(2)}" if lot else FORM_FIELDS[key]
            placed.append((where, anchor, key, message))
    placed.sort(key=lambda item: item[0])  # stable: a lot's codes stay in the order typed
    return [(anchor, key, message) for _w, anchor, key, message in placed]


def error_links(errors: dict[str, str]) -> list[tuple[str, str]]:
    """(the id of the field, its message) for each refusal, in the order of the page: the
    summary above a refused form links to the fields marked further down."""
    seen: set[str] = set()
    return [(a, m) for a, _k, m in _placed(errors) if not (a in seen or seen.add(a))]


def quote_problems(errors: dict[str, str]) -> list[tuple[str | None, int | None, str]]:
    """Each reason there is no quote as (the id of its field, its lot's number, message),
    in the order of the page, every one of a lot's (two bad codes: two, each naming the
    lot); one without a field last, with neither."""
    problems: list[tuple[str | None, int | None, str]] = []
    for anchor, key, message in _placed(errors):
        lot = LOT_FIELD.match(key)
        problem = (anchor, int(lot.group(1)) + 1 if lot else None, message)
        if problem not in problems:
            problems.append(problem)
    shown = {message for _a, _n, message in problems}
    problems += [(None, None, m) for m in errors.values() if m not in shown]
    return problems


def code_errors(errors: dict[str, str]) -> dict[int, list[str]]:
    """Each lot's problems with its pack codes (the list's and each code's), by lot index:
    what the box beside the lot's codes shows."""
    found: dict[int, list[str]] = {}
    for key, message in errors.items():
        lot = LOT_FIELD.match(key)
        if lot and lot.group(2) == "codes":
            found.setdefault(int(lot.group(1)), []).append(message)
    return found
