"""Packs: a pack's state and events, passports, traceability and its upload file, the calendar.

__all__ lists the modules the web layer and other domains may import; the others are
this domain's own. Within a public module, names without a leading underscore are public.
"""

__all__ = [
    "events",
    "handover_export",
    "holiday_calendar",
    "passports",
    "state",
    "traceability",
    "upload_batch",
    "errors",
]
