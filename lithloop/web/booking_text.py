"""Booking words for pages: the history entries told in words, weekdays, and the label
globals of templates (the tables are lithloop/labels/)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lithloop import labels
from lithloop.services.booking import event_details, fleet_proposals, sites
from lithloop.services.dispatch import driver_stops
from lithloop.services.strict_input import grouped

WEEKDAYS = [_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun")]


def event_note(note: str) -> str:
    """A booking history note in the page's language: the driver's arrival and exception
    are stored as codes and told in words here; people's own notes are shown as written
    (the platform's other facts are data: event_text)."""
    if note.startswith(driver_stops.EXCEPTION + ":"):
        reason, _sep, text = note[len(driver_stops.EXCEPTION) + 1 :].partition(";")
        reason, text = reason.strip(), text.strip()  # "reason; " when the driver wrote nothing
        words = labels.label(labels.PICKUP_EXCEPTION, reason)
        return _l("The driver could not pick up: %(why)s. %(text)s", why=words, text=text)
    if note.startswith(driver_stops.ARRIVED + ":"):
        plate = note[len(driver_stops.ARRIVED) + 1 :].strip()
        return _l("The driver arrived (truck %(plate)s).", plate=plate)
    return note


def booking_note(note: str | None) -> str:
    """A booking's note in the page's language: the note of a booking made from a fleet
    proposal is told in words, a person's own note is shown as written."""
    count = fleet_proposals.fleet_note_count(note)
    if count is not None:
        return ngettext(
            "Retired bus packs from the fleet register (%(n)s pack).",
            "Retired bus packs from the fleet register (%(n)s packs).",
            count,
            n=grouped(count),  # 1,234 as counts read elsewhere
        )
    return note or ""


def event_text(event) -> str:
    """A booking history entry in the page's language: what the platform recorded (its
    `detail`, told by event_details) and the person's own note."""
    if event.detail:
        place = event.booking.site if event.booking is not None else None  # a depot's words
        return event_details.words(event.detail, event.note, place)
    return str(event_note(event.note))


#: The title of a history entry that tells more than a status: a move, a change of pickup,
#: a plan that left the booking out (each was titled "Requested", its status unchanged).
EVENT_TITLES = {
    event_details.MOVED: _l("Moved to another day"),
    event_details.RESCHEDULED: _l("Pickup changed"),
    event_details.LEFT_OUT: _l("Left out of a plan"),
}


def event_title(event) -> str:
    """A history entry's title: what happened (EVENT_TITLES), else the status it led to."""
    kind = event.detail.get("kind") if isinstance(event.detail, dict) else None
    title = EVENT_TITLES.get(kind)
    return str(title) if title is not None else status_label(event.to_status)


def status_label(value: str) -> str:
    """A booking status in the page's language."""
    return labels.label(labels.BOOKING_STATUS, value)


def damage_label(value: str) -> str:
    """An SP376 checklist item in the page's language."""
    return labels.label(labels.SP376_ITEM, value)


def weekday(day: date) -> str:
    """Short weekday name."""
    return str(WEEKDAYS[day.weekday()])


def reason_text(code: str, fallback: str, place: object = None) -> str:
    """Why a booking at `place` (its site) was left out of a plan, in the page's language."""
    return labels.left_out_reason(code, place, fallback)


def delivery_reason_text(code: str, fallback: str, plate: str = "") -> str:
    """Why a marketplace delivery was left out of a plan, in the page's language (`plate`:
    the truck its packs are on, for a delivery shipped already)."""
    if code in labels.SHIPPED_LEFT_OUT_REASON:
        return labels.shipped_left_out(code, plate)
    table = labels.LEFT_OUT_DELIVERY_REASON
    return str(table[code]) if code in table else fallback


def init_templates(app) -> None:
    """Expose the labels to templates."""
    app.jinja_env.globals.update(
        status_label=status_label,
        damage_label=damage_label,
        weekday=weekday,
        run_status=lambda v: labels.label(labels.RUN_STATUS, v),
        plan_status=lambda v: labels.label(labels.PLAN_STATUS, v),
        reason_text=reason_text,
        delivery_reason_text=delivery_reason_text,
        event_note=event_note,
        booking_note=booking_note,
        event_text=event_text,
        event_title=event_title,
        site_address=lambda s: sites.address_line(s.city, s.district, s.address),
        site_party=sites.party,
        has_endpoint=lambda name: name in app.view_functions,
    )
