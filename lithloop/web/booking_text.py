"""Booking words for pages: the history notes told in words, weekdays, and the label
globals of templates (the tables are lithloop/labels.py)."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l

from lithloop import labels
from lithloop.services.dispatch import driver_work, left_out

#: The history notes the services write in English (publishing, the driver's pickup, the
#: plant's intake): "<plate>, ETA 10:16", "picked up 6240.00 kg, 13 codes (mass +12.0%, 2
#: codes missing); note", "received 6208.80 kg; note".
_SCHEDULED = re.compile(r"(?P<again>re-planned: )?(?P<plate>[^,;]+), ETA (?P<t>\d{1,2}:\d{2})")
_PICKED_UP = re.compile(
    r"picked up (?P<kg>[\d.]+) kg, (?P<n>\d+) codes(?: \((?P<diffs>[^)]*)\))?(?:; (?P<note>.*))?",
    re.S,
)
_RECEIVED = re.compile(r"received (?P<kg>[\d.]+) kg(?:; (?P<note>.*))?", re.S)
_DIFFS = (
    (re.compile(r"mass (?P<n>[+-]?[\d.]+)%"), _l("mass %(n)s %%")),
    (re.compile(r"(?P<n>\d+) codes missing"), _l("%(n)s codes missing")),
    (re.compile(r"(?P<n>\d+) codes unexpected"), _l("%(n)s codes unexpected")),
)

WEEKDAYS = [_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun")]


def event_note(note: str) -> str:
    """A booking history note in the page's language: the notes the platform writes itself
    (driver's arrival and exception, left out of a plan) are stored as codes and told in
    words here; people's own notes are shown as written."""
    if note.startswith(left_out.LEFT_OUT_MARK):
        day, _sep, rest = note[len(left_out.LEFT_OUT_MARK) :].partition(": ")
        reason, _sep, days = rest.partition("; ")
        why = reason_text(reason, reason)
        if days:
            return _l(
                "Left out of the plan of %(day)s: %(why)s Days that fit: %(days)s.",
                day=day,
                why=why,
                days=days,
            )
        return _l("Left out of the plan of %(day)s: %(why)s The park will call.", day=day, why=why)
    if note.startswith(driver_work.EXCEPTION + ":"):
        reason, _sep, text = note[len(driver_work.EXCEPTION) + 1 :].partition(";")
        reason, text = reason.strip(), text.strip()  # "reason; " when the driver wrote nothing
        words = labels.label(labels.PICKUP_EXCEPTION, reason)
        return _l("The driver could not pick up: %(why)s. %(text)s", why=words, text=text)
    if note.startswith(driver_work.ARRIVED + ":"):
        plate = note[len(driver_work.ARRIVED) + 1 :].strip()
        return _l("The driver arrived (truck %(plate)s).", plate=plate)
    return _service_note(note)


def _diff_words(diffs: str) -> str:
    words = []
    for part in diffs.split(", "):
        for pattern, text in _DIFFS:
            if found := pattern.fullmatch(part):
                words.append(str(text % {"n": found["n"]}))
                break
        else:
            words.append(part)
    return "; ".join(words)


def _service_note(note: str) -> str:
    """The English notes of publishing, pickup and intake in words; any other note as written."""
    if found := _SCHEDULED.fullmatch(note):
        if found["again"]:
            return _l("Re-planned: truck %(plate)s, expected at %(t)s", **found.groupdict())
        return _l("Truck %(plate)s, expected at %(t)s", plate=found["plate"], t=found["t"])
    if found := _PICKED_UP.fullmatch(note):
        text = str(_l("Picked up %(kg)s kg, %(n)s codes", kg=found["kg"], n=found["n"]))
        if found["diffs"]:
            text += f" ({_diff_words(found['diffs'])})"
        return text + (f"; {found['note']}" if found["note"] else "")
    if found := _RECEIVED.fullmatch(note):
        text = str(_l("Weighed at the park: %(kg)s kg", kg=found["kg"]))
        return text + (f"; {found['note']}" if found["note"] else "")
    return note


def status_label(value: str) -> str:
    """A booking status in the page's language."""
    return labels.label(labels.BOOKING_STATUS, value)


def damage_label(value: str) -> str:
    """An SP376 checklist item in the page's language."""
    return labels.label(labels.SP376_ITEM, value)


def weekday(day: date) -> str:
    """Short weekday name."""
    return str(WEEKDAYS[day.weekday()])


def reason_text(code: str, fallback: str) -> str:
    """Why a booking was left out of a plan, in the page's language."""
    return str(labels.LEFT_OUT_REASON[code]) if code in labels.LEFT_OUT_REASON else fallback


def init_templates(app) -> None:
    """Expose the labels to templates."""
    app.jinja_env.globals.update(
        status_label=status_label,
        damage_label=damage_label,
        weekday=weekday,
        run_status=lambda v: labels.label(labels.RUN_STATUS, v),
        plan_status=lambda v: labels.label(labels.PLAN_STATUS, v),
        reason_text=reason_text,
        event_note=event_note,
        has_endpoint=lambda name: name in app.view_functions,
    )
