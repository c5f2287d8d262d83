"""A booking's history in the API: each entry told in the reader's words (`text`), the
person's own note apart (`note`), and what the platform recorded as data (`detail`)."""

from __future__ import annotations

import marshmallow as ma

from lithloop.services.dispatch import driver_stops
from lithloop.web.booking_text import booking_note, event_text

#: The driver's arrival and refusal are stored as "<kind>: ..." notes; the API shows them as
#: data ({"kind": "arrived", "plate": ...}, {"kind": "exception", "reason": ...}).
_DRIVER_KINDS = (driver_stops.ARRIVED, driver_stops.EXCEPTION)


def _driver_entry(note: str) -> tuple[dict, str] | None:
    """(detail, the driver's own words) of a driver's coded note, else None."""
    kind, colon, rest = note.partition(":")
    if not colon or kind not in _DRIVER_KINDS:
        return None
    if kind == driver_stops.ARRIVED:
        return {"kind": kind, "plate": rest.strip()}, ""
    reason, _sep, words = rest.partition(";")
    return {"kind": kind, "reason": reason.strip()}, words.strip()


def event_note(event) -> str:
    """What a person wrote on the entry (never the platform's codes)."""
    driver = _driver_entry(event.note or "")
    return (event.note or "") if driver is None else driver[1]


def event_detail(event) -> dict | None:
    """What the platform recorded, as data: codes and values, never translated."""
    if event.detail:
        return event.detail
    driver = _driver_entry(event.note or "")
    return None if driver is None else driver[0]


class EventOut(ma.Schema):
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String()
    at = ma.fields.DateTime()
    text = ma.fields.Function(
        lambda e: str(event_text(e)),
        metadata={"description": "The entry in words, in the reader's language"},
    )
    note = ma.fields.Function(
        event_note, metadata={"description": "What a person wrote on it, as written"}
    )
    detail = ma.fields.Function(
        event_detail,
        metadata={
            "description": "What the platform recorded, as data (a `kind` and its values, "
            "codes such as an exception's `reason`; never translated): read `text` for words"
        },
    )


def booking_note_words(booking) -> str:
    """The booking's note for the driver in the reader's language (a booking made from the
    fleet register says so in words; a person's note is as written)."""
    return str(booking_note(booking.note))
