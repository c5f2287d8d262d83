"""Why a hand move is refused, in a dispatcher's words: truck plate, site name, clock times.

The routing core reports violations as terse lines ("3: stop 16: arrival 49037 after its
last time window"); this module reads them against the day's problem and says the same
thing with the truck's plate, the site's name and local clock times.
"""

from __future__ import annotations

import logging
import re

from flask_babel import lazy_gettext as _l

from lithloop.i18n import in_unit, sentences
from lithloop.routing import VIOLATIONS
from lithloop.services.dispatch.problem import HAZMAT, TAIL_LIFT, DayProblem, pinned_skill

log = logging.getLogger(__name__)

# fields that may hold spaces ("reload 1", "['hazmat', 'tail_lift']"); the rest are one word
_WIDE_FIELDS = {"where", "skills"}


def _group(field: str) -> str:
    """A field's named group: one word, or any text for a field that may hold spaces."""
    return f"(?P<{field}>{'.+' if field in _WIDE_FIELDS else _WORD})"


_WORD = r"\S+"


def _pattern(line: str) -> re.Pattern:
    """A violation line's template as a pattern with one named group per field."""
    return re.compile(re.sub(r"\\\{(\w+)\\\}", lambda m: _group(m[1]), re.escape(line)))


_PATTERNS = {code: _pattern(line) for code, line in VIOLATIONS.items()}


def clock_text(seconds: int) -> str:
    """Seconds after local midnight as HH:MM (past midnight: "（+1 天）" / " (+1 d)")."""
    days, rest = divmod(int(seconds), 86400)
    text = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}"
    return text + in_unit(str(_l("+%(n)s d", n=days))) if days else text


def _hours(seconds: int) -> str:
    return str(_l("%(h)s h %(m)s", h=int(seconds) // 3600, m=f"{int(seconds) % 3600 // 60:02d}"))


def _stop_name(day: DayProblem, stop_id: str) -> str:
    key = int(stop_id) if stop_id.isdecimal() else stop_id
    booking = day.bookings.get(key)
    if booking is not None:
        return f"{booking.site.name}{in_unit(f'#{booking.id}')}"
    order = day.orders.get(key)
    if order is not None:
        return f"#{order.id} {order.delivery_address}"
    return str(stop_id)


def explain(day: DayProblem, violation: str) -> str:
    """One violation line of routing.evaluate in plain words (every code of
    routing.VIOLATIONS has its sentence; a line of none is logged and told in general)."""
    vehicle, _sep, rest = violation.partition(": ")
    truck = day.trucks.get(int(vehicle)) if vehicle.isdecimal() else None
    plate = truck.plate if truck else vehicle
    for code, pattern in _PATTERNS.items():
        m = pattern.fullmatch(rest)
        if m:
            return str(_SAY[code](m.groupdict(), day, plate, truck))
    log.warning("a refused move's violation of no known code: %r", violation)
    return str(_l("%(p)s: this route breaks a rule of the plan.", p=plate))


def _window(g: dict, day: DayProblem, plate: str, truck):
    key = int(g["stop"]) if g["stop"].isdecimal() else g["stop"]
    booking = day.bookings.get(key)
    window = (
        f"{booking.window_start.strftime('%H:%M')}–{booking.window_end.strftime('%H:%M')}"
        if booking
        else ""
    )
    return _l(
        "%(p)s would reach %(s)s at %(t)s, after its window %(w)s.",
        p=plate,
        s=_stop_name(day, g["stop"]),
        t=clock_text(int(g["t"])),
        w=window,
    )


def _load(g: dict, day: DayProblem, plate: str, truck):
    unit = _l("kg") if truck is None or float(g["cap"]) == truck.payload_kg else _l("pallets")
    words = {"p": plate, "x": f"{int(g['x']):,}", "u": unit, "c": f"{float(g['cap']):,.0f}"}
    where = g["where"]
    if where.startswith("stop "):
        return _l(
            "%(p)s would carry %(x)s %(u)s after %(s)s, more than its %(c)s %(u)s.",
            s=_stop_name(day, where.removeprefix("stop ")),
            **words,
        )
    reload = re.fullmatch(r"reload (\d+)", where)
    if reload:
        return _l(
            "%(p)s would leave the park on trip %(n)s carrying %(x)s %(u)s, more than its "
            "%(c)s %(u)s.",
            n=int(reload[1]) + 1,
            **words,
        )
    return _l(
        "%(p)s would leave the park carrying %(x)s %(u)s, more than its %(c)s %(u)s.", **words
    )


def _skills(g: dict, day: DayProblem, plate: str, truck):
    """What the stop needs that this truck lacks, named (the first that applies)."""
    site = _stop_name(day, g["stop"])
    needed = {int(n) for n in re.findall(r"\d+", g["skills"])}
    if truck is not None:
        if HAZMAT in needed and not truck.hazmat_certified:
            return _l(
                "%(s)s needs a dangerous-goods certified truck; %(p)s is not.", s=site, p=plate
            )
        if TAIL_LIFT in needed and not truck.tail_lift:
            return _l("%(s)s needs a truck with a tail lift; %(p)s has none.", s=site, p=plate)
        pins = [
            day.trucks.get(n - 1000) for n in needed if n >= 1000 and n != pinned_skill(truck.id)
        ]
        if pins and pins[0] is not None:
            return _l(
                "%(s)s is locked to %(t)s: unlock the stop to move it to %(p)s.",
                s=site,
                t=pins[0].plate,
                p=plate,
            )
    return _l(
        "%(s)s needs a truck %(p)s is not: dangerous-goods certified, with a tail "
        "lift, or the truck its stop is locked to.",
        s=site,
        p=plate,
    )


def _shift(g: dict, day: DayProblem, plate: str, truck):
    return _l(
        "%(p)s would be back at the park at %(t)s, after its shift ends at %(e)s.",
        p=plate,
        t=clock_text(int(g["t"])),
        e=clock_text(int(g["end"])),
    )


def _work(g: dict, day: DayProblem, plate: str, truck):
    return _l(
        "%(p)s would work %(w)s, more than the %(m)s a driver may.",
        p=plate,
        w=_hours(int(g["w"])),
        m=_hours(int(g["max"])),
    )


def _trips(g: dict, day: DayProblem, plate: str, truck):
    return _l(
        "%(p)s would need %(n)s trips; it makes at most %(m)s a day.",
        p=plate,
        n=g["n"],
        m=g["max"],
    )


def _distance(g: dict, day: DayProblem, plate: str, truck):
    return _l(
        "%(p)s would drive %(d)s km, more than its %(m)s km.",
        p=plate,
        d=f"{int(g['d']) / 1000:,.0f}",
        m=f"{int(g['max']) / 1000:,.0f}",
    )


def _unpaired(g: dict, day: DayProblem, plate: str, truck):
    return _l(
        "%(p)s would carry only one end of shipment %(s)s: its pickup and its delivery go "
        "on the same truck.",
        p=plate,
        s=g["shipment"],
    )


def _pair_order(g: dict, day: DayProblem, plate: str, truck):
    return _l(
        "%(p)s would deliver shipment %(s)s before picking it up, or on another trip: the "
        "pickup comes first, on the same trip.",
        p=plate,
        s=g["shipment"],
    )


#: Each violation code of routing.VIOLATIONS in words.
_SAY = {
    "window": _window,
    "load": _load,
    "skills": _skills,
    "shift": _shift,
    "work": _work,
    "trips": _trips,
    "distance": _distance,
    "unpaired": _unpaired,
    "pair_order": _pair_order,
}


def said_codes() -> frozenset[str]:
    """The violation codes this module tells in words."""
    return frozenset(_SAY)


def refusal(day: DayProblem, violations: list[str], limit: int = 3) -> str:
    """The first few violations in plain words, joined."""
    return sentences(explain(day, v) for v in violations[:limit])
