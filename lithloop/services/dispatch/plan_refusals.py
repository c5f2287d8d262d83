"""Why a hand move is refused, in a dispatcher's words: truck plate, site name, clock times.

The routing core reports violations as terse lines ("3: stop 16: arrival 49037 after its
last time window"); this module reads them against the day's problem and says the same
thing with the truck's plate, the site's name and local clock times.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from lithloop.i18n import in_unit
from lithloop.services.dispatch.problem import DayProblem

_PATTERNS = [
    ("window", re.compile(r"stop (?P<stop>\S+): arrival (?P<t>\d+) after its last time window")),
    ("load", re.compile(r"load (?P<x>-?\d+) outside \[0, (?P<cap>[\d.]+)\] at (?P<where>.+)")),
    ("skills", re.compile(r"stop (?P<stop>\S+): skills .* missing")),
    ("shift", re.compile(r"route ends at (?P<t>\d+) after shift end (?P<end>\d+)")),
    ("work", re.compile(r"working time (?P<w>\d+) > (?P<max>\d+)")),
    ("trips", re.compile(r"(?P<n>\d+) trips > max_trips (?P<max>\d+)")),
    ("distance", re.compile(r"distance (?P<d>\d+) > (?P<max>\d+)")),
]


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
    """One violation line of routing.evaluate in plain words."""
    vehicle, _sep, rest = violation.partition(": ")
    truck = day.trucks.get(int(vehicle)) if vehicle.isdecimal() else None
    plate = truck.plate if truck else vehicle
    for kind, pattern in _PATTERNS:
        m = pattern.fullmatch(rest)
        if m:
            return str(_say(kind, m.groupdict(), day, plate, truck))
    return str(_l("%(p)s: this route breaks a rule of the plan (%(r)s).", p=plate, r=rest))


def _say(kind: str, g: dict, day: DayProblem, plate: str, truck):
    if kind == "window":
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
    if kind == "load":
        where = g["where"].removeprefix("stop ")
        place = _stop_name(day, where) if g["where"].startswith("stop ") else where
        unit = _l("kg") if truck is None or float(g["cap"]) == truck.payload_kg else _l("pallets")
        return _l(
            "%(p)s would carry %(x)s %(u)s after %(s)s, more than its %(c)s %(u)s.",
            p=plate,
            x=f"{int(g['x']):,}",
            u=unit,
            s=place,
            c=f"{float(g['cap']):,.0f}",
        )
    if kind == "skills":
        return _l(
            "%(s)s needs a truck %(p)s is not: dangerous-goods certified, with a tail "
            "lift, or the truck its stop is locked to.",
            s=_stop_name(day, g["stop"]),
            p=plate,
        )
    if kind == "shift":
        return _l(
            "%(p)s would be back at the park at %(t)s, after its shift ends at %(e)s.",
            p=plate,
            t=clock_text(int(g["t"])),
            e=clock_text(int(g["end"])),
        )
    if kind == "work":
        return _l(
            "%(p)s would work %(w)s, more than the %(m)s a driver may.",
            p=plate,
            w=_hours(int(g["w"])),
            m=_hours(int(g["max"])),
        )
    if kind == "trips":
        return _l(
            "%(p)s would need %(n)s trips; it makes at most %(m)s a day.",
            p=plate,
            n=g["n"],
            m=g["max"],
        )
    return _l(
        "%(p)s would drive %(d)s km, more than its %(m)s km.",
        p=plate,
        d=f"{int(g['d']) / 1000:,.0f}",
        m=f"{int(g['max']) / 1000:,.0f}",
    )


def refusal(day: DayProblem, violations: list[str], limit: int = 3) -> str:
    """The first few violations in plain words, joined."""
    return " ".join(explain(day, v) for v in violations[:limit])
