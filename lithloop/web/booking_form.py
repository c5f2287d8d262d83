"""Reading the booking form (lots are repeated rows) into the service's plain dict."""

from __future__ import annotations

import re
from datetime import time, timedelta

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from lithloop import clock
from lithloop.batteries.codes import fold_full_width, normalise
from lithloop.i18n import sentences
from lithloop.services.booking import capacity, pickup_change
from lithloop.services.strict_input import quoted
from lithloop.web.booking_text import booking_note

SLOTS = [
    ("08:00", "10:00"),
    ("10:00", "12:00"),
    ("13:00", "15:00"),
    ("15:00", "17:00"),
    ("17:00", "19:00"),
]
LOT_FIELDS = ("chemistry", "form", "count", "mass_kg", "condition")
TYPED_NUMBERS = ("count", "mass_kg")
MAX_ROWS = 20
#: A lot row's field name: its index in ASCII digits (a tampered "lots-²-count" passed
#: str.isdigit() and broke int(), a 500; so did an index of 5,000 digits).
ROW_KEY = re.compile(r"lots-([0-9]{1,9})-")


def lot_rows(form: MultiDict, most: int = MAX_ROWS) -> int:
    """How many lot rows the submitted form has (at least one, at most `most`)."""
    indexes = {int(row.group(1)) for key in form if (row := ROW_KEY.match(key))}
    return min(most, max(indexes) + 1) if indexes else 1


def raw_booking(form: MultiDict) -> dict:
    """The form as the dict that services.bookings.book_pickup takes."""
    slot = (form.get("slot") or "-").split("-")
    lots = []
    for i in range(lot_rows(form, MAX_ROWS + 1)):  # one too many is refused, never dropped
        lot = {name: (form.get(f"lots-{i}-{name}") or "").strip() for name in LOT_FIELDS}
        for typed in TYPED_NUMBERS:  # a Chinese keyboard's "１２００" is 1200, as at intake
            lot[typed] = "".join(fold_full_width(lot[typed]).split())
        if not any(lot[name] for name in ("count", "mass_kg")) and i > 0:
            continue  # an empty extra row
        lot["damage"] = form.getlist(f"lots-{i}-damage")
        typed = (form.get(f"lots-{i}-codes") or "").replace(",", " ").split()
        lot["codes"] = [code for code in typed if normalise(code)]  # zero-width alone: blank
        lots.append(lot)
    return {
        "site_id": form.get("site_id", ""),
        "date": form.get("date", ""),
        "window": slot if len(slot) == 2 else ["", ""],
        "lots": lots,
        "note": form.get("note", ""),
    }


def slot_choices(site=None) -> list[tuple[str, str, bool]]:
    """(value, label, within the site's hours) for each standard window."""
    choices = []
    for start, end in SLOTS:
        inside = site is None or (
            time.fromisoformat(start) >= site.opens_at and time.fromisoformat(end) <= site.closes_at
        )
        choices.append((f"{start}-{end}", f"{start}–{end}", inside))
    return choices


def first_inside(slots: list[tuple[str, str, bool]]) -> str:
    """The window offered before one is chosen: the first within the site's hours (the
    first of all was 08:00-10:00, refused for a site opening at 13:00)."""
    return next((value for value, _label, inside in slots if inside), slots[0][0])


def day_choices(horizon_days: int) -> list:
    """The bookable days with their remaining capacity, full days included (shown disabled)."""
    today = clock.today()
    return capacity.calendar(today + timedelta(days=1), today + timedelta(days=horizon_days))


def change_choices(booking, horizon_days: int, typed=None, errors=None) -> dict:
    """The booking page's change form: the days and windows to choose from (its own day
    and window always among them), the values shown (as typed, else the booking's) and
    the errors beside each field."""
    window = f"{booking.window_start:%H:%M}-{booking.window_end:%H:%M}"
    slots = slot_choices(booking.site)
    if window not in {value for value, _label, _inside in slots}:
        slots.insert(0, (window, window.replace("-", "\u2013"), True))
    note = booking_note(booking.note)  # a fleet proposal's note in the reader's words
    shown = {"date": booking.pickup_date.isoformat(), "slot": window, "note": note}
    seen = pickup_change.pickup_version(booking)  # as the person reads it now
    days, errors = day_choices(horizon_days), dict(errors or {})
    if typed is not None:
        booked_day = shown["date"]
        shown = {name: typed.get(name, "") for name in shown}
        seen = typed.get("seen") or seen
        if shown["date"] not in {d.day.isoformat() for d in days}:
            # a date the list does not offer cannot be shown chosen in it (the first day
            # would be): the valid choice stays, and the field says what was sent
            errors["date"] = _not_offered(shown["date"], errors.get("date"))
            shown["date"] = booked_day
        if shown["slot"] not in {value for value, _label, _inside in slots}:
            # so for a window (a colleague's change, a tampered value): the booking's stays
            errors["window"] = _window_not_offered(shown["slot"], errors.get("window"))
            shown["slot"] = window
    return {"seen": seen, "days": days, "slots": slots, "shown": shown, "errors": errors}


def _not_offered(sent: str, why: str | None) -> str:
    """The date field's message for a date sent that is not one of the offered days."""
    said = _(
        "The date sent (%(d)s) is not one of the days offered: choose one from the list.",
        d=quoted(sent),
    )
    return sentences([said, why]) if why else said


def _window_not_offered(sent: str, why: str | None) -> str:
    """The window field's message for a window sent that is not one of those offered."""
    said = _(
        "The time window sent (%(w)s) is not one of those offered: choose one from the list.",
        w=quoted(sent),
    )
    return sentences([said, why]) if why else said
