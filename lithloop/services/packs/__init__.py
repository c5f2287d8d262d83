"""Packs: a pack's state and chain of events, passports, traceability, the work calendar.

__all__ lists the modules the web layer and other domains may import; the others are
this domain's own. Within a public module, names without a leading underscore are public.
"""

__all__ = [
    "events",
    "holiday_calendar",
    "passports",
    "state",
    "traceability",
    "errors",
]
