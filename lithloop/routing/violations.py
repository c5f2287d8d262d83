"""The rules a simulated route can break, each with a stable code and the line it reads as.

`evaluate` reports a route given by hand as "<vehicle id>: <line>"; a reader of those lines
(a dispatcher's page) tells each code in words, and can check that it knows every code.
"""

from __future__ import annotations

#: code -> the line's template; its fields in braces.
VIOLATIONS: dict[str, str] = {
    "trips": "{n} trips > max_trips {max}",
    "load": "load {x} outside [0, {cap}] at {where}",
    "window": "stop {stop}: arrival {t} after its last time window",
    "skills": "stop {stop}: skills {skills} missing",
    "shift": "route ends at {t} after shift end {end}",
    "work": "working time {w} > {max}",
    "distance": "distance {d} > {max}",
    "unpaired": "shipment {shipment}: {kind} without its {other}",
    "pair_order": "shipment {shipment}: delivery must follow pickup in the same trip",
}

#: Where a load is checked, as the load line's `where` reads: leaving the depot, after
#: the n-th reload there, or after a stop.
LOAD_AT_START = "start"
LOAD_AT_RELOAD = "reload {trip}"
LOAD_AT_STOP = "stop {stop}"


def violation(code: str, **fields) -> str:
    """The line of a broken rule (see VIOLATIONS)."""
    return VIOLATIONS[code].format(**fields)
