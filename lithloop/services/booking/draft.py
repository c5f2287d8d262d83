"""A booking as typed: parsed and checked before anything is stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop.i18n import listed
from lithloop.services.booking.draft_lots import (
    MAX_LOT_KG,
    SP376_ITEMS,
    LotDraft,
    Problems,
    parse_lot,
    repeated,
)
from lithloop.services.errors import Invalid
from lithloop.services.strict_input import (
    chosen_id,
    limited_text,
    strict_date,
    strict_time,
)

#: The lots' names, checked in draft_lots, read from here by the form and the org import.
__all__ = [
    "MAX_LOT_KG",
    "MAX_LOTS",
    "SP376_ITEMS",
    "BookingDraft",
    "LotDraft",
    "parse_draft",
    "parse_lot",
    "parse_lots",
    "parse_pickup",
    "pickup_problems",
    "problems",
    "repeated",
]
MAX_LOTS = 20
MIN_WINDOW_MINUTES = 60
NOTE_MAX = 500  # booking.note's column, and the form field's maxlength
NO_SUCH_SITE = _l("No such site.")


@dataclass(frozen=True)
class BookingDraft:
    """A whole booking as typed."""

    site_id: int
    pickup_date: date
    window_start: time
    window_end: time
    lots: tuple[LotDraft, ...]
    note: str = ""
    warnings: list[str] = field(default_factory=list, compare=False)

    @property
    def total_mass_kg(self) -> Decimal:
        """Sum of the lots' masses."""
        return sum((lot.mass_kg for lot in self.lots), Decimal(0))

    @property
    def hazardous(self) -> bool:
        """True if any lot is damaged, swollen or leaking."""
        return any(lot.condition != "intact" for lot in self.lots)


def parse_draft(raw: dict, today: date) -> BookingDraft:
    """Check a whole booking body; the first problem raises Invalid naming its field."""
    site_id = draft_site_id(raw)
    pickup = _pickup_day(raw, today)
    start, end = _window(raw)
    lots, warnings = parse_lots(raw.get("lots") or [], today)
    return BookingDraft(site_id, pickup, start, end, lots, _note(raw), warnings)


def draft_site_id(raw: dict) -> int:
    """The site chosen from the dealer's list: any value that names no row (garbled, huge,
    negative: a changed form) reads as any site not theirs does, never a number's limits."""
    site_id = chosen_id(raw.get("site_id"), "site_id", NO_SUCH_SITE)
    if site_id is None:
        raise Invalid(_l("Choose the site of the pickup."), field="site_id")
    return site_id


def _note(raw: dict) -> str:
    """The note for the driver, refused beyond NOTE_MAX characters (never cut unseen) or
    with a text-direction control (U+202E read the rest of the driver's line backwards) or
    a control character (ESC, BEL: invisible on the page, printed on the driver's manifest)."""
    return limited_text(raw.get("note"), "note", NOTE_MAX)


def problems(raw: dict, today: date) -> dict[str, str]:
    """Every problem of a booking body by field, not only the first (a form shows them all
    at once): the site, the day, the window, the note and each field of each lot apart."""
    found = Problems()
    for check in (draft_site_id, lambda r: _pickup_day(r, today), _window, _note):
        found.run(check, raw)
    lots = raw.get("lots") or []
    if isinstance(lots, list):
        for i, lot in enumerate(lots[:MAX_LOTS]):
            if isinstance(lot, dict):
                parse_lot(lot, i, today, found)
        if not any(key.startswith("lots[") for key in found.found):
            found.run(parse_lots, lots, today)  # how many lots, a code in two lots
    return found.found


def parse_pickup(raw: dict, today: date) -> tuple[date, time, time, str]:
    """The day, time window and note of a booking body, checked as the booking form checks
    them (a change of a booking's day); the first problem raises Invalid naming its field."""
    pickup = _pickup_day(raw, today)
    start, end = _window(raw)
    return pickup, start, end, _note(raw)


def pickup_problems(raw: dict, today: date) -> dict[str, str]:
    """Every problem of the day, the window and the note by field (a form shows them all)."""
    found = Problems()
    for check in (lambda r: _pickup_day(r, today), _window, _note):
        found.run(check, raw)
    return found.found


def _pickup_day(raw: dict, today: date) -> date:
    if not str(raw.get("date") or "").strip():
        raise Invalid(_l("Choose the day of the pickup."), field="date")
    pickup = strict_date(raw.get("date", ""), "date", message=_l("Give the date as YYYY-MM-DD."))
    if pickup <= today:
        raise Invalid(_l("Choose a day after today."), field="date")
    horizon = current_app.config["BOOKING_HORIZON_DAYS"]
    if pickup > today + timedelta(days=horizon):
        raise Invalid(_l("Book at most %(n)s days ahead.", n=horizon), field="date")
    return pickup


def _window(raw: dict):
    window = raw.get("window") or ["", ""]
    message = _l("Give the time window as two times, e.g. 09:00 and 11:00.")
    if not isinstance(window, list | tuple) or len(window) != 2:
        raise Invalid(message, field="window")
    start, end = (strict_time(w, "window", message) for w in window)
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if minutes < MIN_WINDOW_MINUTES:
        raise Invalid(_l("The window must end at least an hour after it starts."), field="window")
    return start, end


def parse_lots(lots_raw: list, today: date) -> tuple[tuple[LotDraft, ...], list[str]]:
    """Check all lots (1 to 20, no code twice); returns them with their warnings."""
    if not lots_raw or len(lots_raw) > MAX_LOTS:
        raise Invalid(_l("Add between 1 and %(n)s lots.", n=MAX_LOTS), field="lots")
    lots, warnings = [], []
    for index, lot_raw in enumerate(lots_raw):
        lot, lot_warnings = parse_lot(lot_raw, index, today)
        lots.append(lot)
        warnings.extend(lot_warnings)
    all_codes = [c for lot in lots for c in lot.codes]
    if twice := repeated(all_codes):
        raise Invalid(_l("In more than one lot: %(codes)s.", codes=listed(twice)), field="lots")
    return tuple(lots), warnings
