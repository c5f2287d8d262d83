"""What the platform records on a booking's history, as data (`BookingEvent.detail`), and
those facts told in the reader's language: the owner's letter and the booking page use the
same words ("车辆 黑C·X0812，预计 12:48 到达"), nothing is parsed back from English."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import LazyString, format_decimal, ngettext
from flask_babel import lazy_gettext as _l

from lithloop import labels
from lithloop.i18n import listed
from lithloop.services.strict_input import grouped

SCHEDULED = "scheduled"
PICKED_UP = "picked_up"
RECEIVED = "received"
MOVED = "moved"
LEFT_OUT = "left_out"
RESCHEDULED = "rescheduled"


def scheduled(plate: str, eta: str, *, again: bool = False) -> dict:
    """A plan put the booking on a truck (`again`: a later plan of the day moved it)."""
    return {"kind": SCHEDULED, "plate": plate, "eta": eta, "again": again}


def picked_up(
    mass_kg: Decimal,
    codes: int,
    *,
    mass_off_pct: Decimal | None = None,
    missing: int = 0,
    unexpected: int = 0,
) -> dict:
    """The driver loaded `mass_kg` with `codes` pack codes; how it differs from the booking."""
    return {
        "kind": PICKED_UP,
        "kg": str(mass_kg),
        "codes": codes,
        "mass_off_pct": None if mass_off_pct is None else f"{mass_off_pct:+}",
        "missing": missing,
        "unexpected": unexpected,
    }


def received(mass_kg: Decimal, lots: list[dict] | None = None) -> dict:
    """The park weighed the booking's packs in; `lots` are those with a count other than
    booked or a note: {"lot": number from 1, "booked": n, "count": n, "note": the operator's}."""
    detail: dict = {"kind": RECEIVED, "kg": str(mass_kg)}
    if lots:
        detail["lots"] = [dict(lot) for lot in lots]
    return detail


def moved(from_day: date, to_day: date, *, full: bool = True) -> dict:
    """A booking carried over from a full day to the plan's day (`full`), or moved to
    another day by a dispatcher."""
    return {"kind": MOVED, "from": from_day.isoformat(), "to": to_day.isoformat(), "full": full}


def left_out(day: date, reason: str, days: list[str]) -> dict:
    """Left out of the day's plan for `reason` (labels.LEFT_OUT_REASON), with the next days
    that fit (none: the park calls)."""
    return {"kind": LEFT_OUT, "day": day.isoformat(), "reason": reason, "days": list(days)}


def rescheduled(before: tuple, after: tuple) -> dict:
    """The owner changed the pickup: (day, window start, window end, note) before and after;
    the note's words stay on the booking, the event says only that it changed."""
    return {
        "kind": RESCHEDULED,
        "from": _when(*before[:3]),
        "to": _when(*after[:3]),
        "note": before[3] != after[3],
    }


def _when(day: date, start, end) -> str:
    return f"{day.isoformat()} {start.strftime('%H:%M')}\u2013{end.strftime('%H:%M')}"


def _rescheduled(detail: dict) -> str:
    parts = []
    if detail.get("from") != detail.get("to"):
        moved = {"a": detail["from"], "b": detail["to"]}
        parts.append(str(_l("Pickup changed from %(a)s to %(b)s", **moved)))
    if detail.get("note"):
        parts.append(str(_l("Note for the driver changed")))
    return _joined(parts) if parts else ""


def _differences(detail: dict) -> list[str]:
    words = []
    if detail.get("mass_off_pct"):
        words.append(str(_l("mass %(n)s %%", n=detail["mass_off_pct"])))
    if detail.get("missing"):
        n = detail["missing"]
        words.append(ngettext("%(n)s code missing", "%(n)s codes missing", n, n=grouped(n)))
    if detail.get("unexpected"):
        n = detail["unexpected"]
        words.append(ngettext("%(n)s code unexpected", "%(n)s codes unexpected", n, n=grouped(n)))
    return words


def _kg(stored: str) -> str:
    """A stored mass ("1234.50") as people read masses elsewhere: 1,234.5."""
    try:
        return format_decimal(Decimal(stored), format="#,##0.##")
    except ArithmeticError:  # pragma: no cover - stored by lithloop, always a number
        return stored


def _fact(detail: dict, place: object = None) -> str:
    kind = detail.get("kind")
    if kind == SCHEDULED:
        if detail.get("again"):
            return str(_l("Re-planned: truck %(plate)s, expected at %(t)s", **_eta(detail)))
        return str(_l("Truck %(plate)s, expected at %(t)s", **_eta(detail)))
    if kind == PICKED_UP:
        text = ngettext(
            "Picked up %(kg)s kg, %(n)s code",
            "Picked up %(kg)s kg, %(n)s codes",
            detail["codes"],
            n=grouped(detail["codes"]),
            kg=_kg(detail["kg"]),
        )
        if diffs := _differences(detail):
            text = str(_l("%(what)s (%(diffs)s)", what=text, diffs=_joined(diffs)))
        return text
    if kind == RECEIVED:
        text = str(_l("Weighed at the park: %(kg)s kg", kg=_kg(detail["kg"])))
        lots = detail.get("lots")
        lots = [lot for lot in lots if isinstance(lot, dict)] if isinstance(lots, list) else []
        return _joined([text, *(_lot_received(lot) for lot in lots)])
    if kind == MOVED:
        days = {"from": detail["from"], "to": detail["to"]}
        if detail.get("full", True):
            return str(_l("%(from)s was full: moved to %(to)s", **days))
        return str(_l("Moved from %(from)s to %(to)s", **days))
    if kind == LEFT_OUT:
        return _left_out(detail, place)
    if kind == RESCHEDULED:
        return _rescheduled(detail)
    return ""


def _lot_received(lot: dict) -> str:
    """One lot's count as received against the booking, with the operator's note."""
    if lot.get("count") != lot.get("booked"):
        text = str(
            _l(
                "Lot %(n)s: %(c)s arrived, %(b)s booked",
                n=lot.get("lot"),
                c=lot.get("count"),
                b=lot.get("booked"),
            )
        )
    else:
        text = str(_l("Lot %(n)s", n=lot.get("lot")))
    note = str(lot.get("note") or "").strip()
    return str(_l("%(what)s (%(diffs)s)", what=text, diffs=note)) if note else text


def _left_out(detail: dict, place: object) -> str:
    reason = detail.get("reason", "")
    why = labels.left_out_reason(reason, place, reason)  # a depot's reason names its depot
    if detail.get("days"):
        return str(
            _l(
                "Left out of the plan of %(day)s: %(why)s Days that fit: %(days)s.",
                day=detail["day"],
                why=why,
                days=listed(list(detail["days"])),
            )
        )
    return str(
        _l(
            "Left out of the plan of %(day)s: %(why)s The park will call.",
            day=detail["day"],
            why=why,
        )
    )


def _eta(detail: dict) -> dict:
    return {"plate": detail["plate"], "t": detail["eta"]}


def _joined(parts: list[str]) -> str:
    text = parts[0]
    for part in parts[1:]:
        text = str(_l("%(a)s; %(b)s", a=text, b=part))
    return text


def words(detail: dict | None, note: str = "", place: object = None) -> str:
    """The recorded facts and the person's own note, in the current language; `place` is
    the booking's site (a bus company's depot is named a depot)."""
    parts = [p for p in (_fact(detail, place) if detail else "", note.strip()) if p]
    return _joined(parts) if parts else ""


def lazy_words(detail: dict | None, note: str = "") -> LazyString:
    """`words`, rendered when used: in a letter, in its recipient's language."""
    return LazyString(words, detail, note)
