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


def error_links(errors: dict[str, str]) -> list[tuple[str, str]]:
    """(the id of the field, its message) for each refusal, in the order of the page: the
    summary above a refused form links to the fields marked further down."""

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
            placed.append((where, anchor, message))
    placed.sort(key=lambda item: item[0])
    seen: set[str] = set()
    return [(a, m) for _w, a, m in placed if not (a in seen or seen.add(a))]


def quote_problems(errors: dict[str, str]) -> list[tuple[str | None, int | None, str]]:
    """Each reason there is no quote as (the id of its field, its lot's number, message),
    in the order of the page; one without a field last, with neither."""
    placed = error_links(errors)
    lots = {
        f"lots-{m.group(1)}-{m.group(2)}": int(m.group(1)) + 1
        for m in map(LOT_FIELD.match, errors)
        if m
    }
    problems = [(anchor, lots.get(anchor), message) for anchor, message in placed]
    shown = {message for _a, message in placed}
    problems += [(None, None, m) for m in errors.values() if m not in shown]
    return problems
