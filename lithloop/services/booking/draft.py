"""A booking as typed: parsed and checked before anything is stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lithloop import labels, pricing, vocab
from lithloop.batteries import validate_code
from lithloop.i18n import listed
from lithloop.services.errors import Invalid
from lithloop.services.strict_input import (
    INT_RE,
    LONG_INT_RE,
    limited_text,
    parse_amount,
    strict_date,
    strict_time,
)

MAX_LOTS = 20
MAX_LOT_KG = Decimal(40000)
KG_STEP = Decimal("0.01")  # booking_lot.mass_kg is NUMERIC(12, 2)
MIN_WINDOW_MINUTES = 60
NOTE_MAX = 500  # booking.note's column, and the form field's maxlength
SP376_ITEMS = tuple(vocab.values(vocab.Sp376Item))


@dataclass(frozen=True)
class LotDraft:
    """One lot as typed."""

    chemistry: str
    form: str
    count: int
    mass_kg: Decimal
    condition: str
    damage: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()


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


def _decimal(value, name: str) -> Decimal:
    if isinstance(value, bool | list | dict) or value is None:
        raise Invalid(_l("Enter a number."), field=name)
    return parse_amount(
        value,
        name,
        message=_l("Enter a number."),
        maximum=MAX_LOT_KG,
        too_large=_l("The mass is too large: at most 40,000 kg per lot."),
    )


def _int(value, name: str, too_large=None) -> int:
    if isinstance(value, bool | float):
        raise Invalid(_l("Enter a whole number."), field=name)
    text = str(value).strip()
    if too_large is not None and LONG_INT_RE.fullmatch(text):  # a number, only too long
        raise Invalid(too_large, field=name)
    if not INT_RE.fullmatch(text):
        raise Invalid(_l("Enter a whole number."), field=name)
    return int(text)


def parse_lot(raw: dict, index: int, today: date) -> tuple[LotDraft, list[str]]:
    """Check one lot; returns it with its warnings, or raises Invalid naming lots[i].field."""
    prefix = f"lots[{index}]"
    try:
        chemistry = pricing.Chemistry(str(raw.get("chemistry", "")).upper()).value
    except ValueError as exc:
        raise Invalid(_l("Choose a chemistry."), field=f"{prefix}.chemistry") from exc
    form = str(raw.get("form", "pack"))
    if form not in {f.value for f in pricing.Form}:
        raise Invalid(_l("Choose pack, module, cell or black mass."), field=f"{prefix}.form")
    condition = str(raw.get("condition", "intact"))
    if condition not in {c.value for c in pricing.Condition}:
        raise Invalid(_l("Choose the condition."), field=f"{prefix}.condition")
    count_range = _l("The number of packs must be between 1 and 10,000.")
    count = _int(raw.get("count", ""), f"{prefix}.count", too_large=count_range)
    if not 0 < count <= 10000:
        raise Invalid(count_range, field=f"{prefix}.count")
    mass = _decimal(raw.get("mass_kg", ""), f"{prefix}.mass_kg")
    if 0 < mass <= MAX_LOT_KG:  # kept to 0.01 kg, as stored: 0.004 kg is no mass at all
        mass = mass.quantize(KG_STEP, rounding=ROUND_HALF_UP)
    if not 0 < mass <= MAX_LOT_KG:
        raise Invalid(
            _l("The mass must be more than 0 and at most 40,000 kg per lot."),
            field=f"{prefix}.mass_kg",
        )
    damage = tuple(str(d) for d in raw.get("damage") or ())
    if any(d not in SP376_ITEMS for d in damage):
        raise Invalid(_l("Unknown damage item."), field=f"{prefix}.damage")
    if condition == "damaged" and not damage:
        raise Invalid(
            _l("Tick what is wrong with the damaged packs (SP376 checklist)."),
            field=f"{prefix}.damage",
        )
    codes, warnings = _codes(raw.get("codes") or (), count, index, today)
    return LotDraft(chemistry, form, count, mass, condition, damage, codes), warnings


def _codes(raw_codes, count: int, index: int, today: date) -> tuple[tuple[str, ...], list]:
    prefix = f"lots[{index}]"
    if isinstance(raw_codes, str):
        raw_codes = raw_codes.replace(",", "\n").split()
    codes, warnings = [], []
    for position, text in enumerate(raw_codes):
        check = validate_code(str(text), today=today)
        if not check.ok:
            raise Invalid(
                _l(
                    "Code %(code)s is not valid. %(why)s",
                    code=check.shown,
                    why=labels.problem_text(check.problem),
                ),
                field=f"{prefix}.codes[{position}]",
            )
        codes.append(check.text)
    if twice := repeated(codes):
        raise Invalid(
            _l("Listed more than once: %(codes)s.", codes=listed(twice)), field=f"{prefix}.codes"
        )
    if len(codes) > count:
        raise Invalid(_l("More codes than packs."), field=f"{prefix}.codes")
    if len(codes) < count:
        warnings.append(  # which lot: a booking's lots each have their own line
            ngettext(
                "Lot %(lot)s: %(num)s pack without a code: the park will code it on arrival.",
                "Lot %(lot)s: %(num)s packs without a code: the park will code them on arrival.",
                count - len(codes),
                lot=index + 1,
            )
        )
    return tuple(codes), warnings


def parse_draft(raw: dict, today: date) -> BookingDraft:
    """Check a whole booking body; the first problem raises Invalid naming its field."""
    if not str(raw.get("site_id") or "").strip():
        raise Invalid(_l("Choose the site of the pickup."), field="site_id")
    site_id = _int(raw.get("site_id", ""), "site_id")
    pickup = _pickup_day(raw, today)
    start, end = _window(raw)
    lots, warnings = parse_lots(raw.get("lots") or [], today)
    return BookingDraft(site_id, pickup, start, end, lots, _note(raw), warnings)


def _note(raw: dict) -> str:
    """The note for the driver, refused beyond NOTE_MAX characters (never cut unseen)."""
    return limited_text(raw.get("note"), "note", NOTE_MAX)


def problems(raw: dict, today: date) -> dict[str, str]:
    """Every problem of a booking body by field, not only the first (a form shows them all
    at once): the day, the window and each lot are checked apart."""
    lots = raw.get("lots") or []
    checks = [lambda: _pickup_day(raw, today), lambda: _window(raw), lambda: _note(raw)]
    if isinstance(lots, list):
        checks += [
            lambda lot=lot, i=i: parse_lot(lot, i, today)
            for i, lot in enumerate(lots[:MAX_LOTS])
            if isinstance(lot, dict)
        ]
    found: dict[str, str] = {}
    for check in checks:
        try:
            check()
        except Invalid as exc:
            found.setdefault(exc.field or "_form", str(exc.message))
    return found


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


SHOWN_REPEATS = 5  # a message names at most this many repeated codes, then "…"


def repeated(codes: list[str]) -> list[str]:
    """The codes listed more than once, each once, in the order first repeated (at most
    SHOWN_REPEATS, then "…")."""
    seen, twice = set(), []
    for code in codes:
        if code in seen and code not in twice:
            twice.append(code)
        seen.add(code)
    return twice[:SHOWN_REPEATS] + ["…"] * (len(twice) > SHOWN_REPEATS)
