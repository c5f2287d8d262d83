"""The owner's change of a booking's pickup day, time window and note, from the booking's
page (its views join the bookings blueprint; the service is booking/pickup_change.py)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lithloop import clock
from lithloop.services.booking import booking_list, draft, pickup_change
from lithloop.services.booking.errors import Code
from lithloop.services.errors import ServiceError
from lithloop.web.booking_text import booking_note
from lithloop.web.bookings import bp, render_show


@bp.post("/<int:booking_id>/change")
@login_required
def change(booking_id: int):
    """Change the pickup of a booking not yet scheduled; a refusal beside its field."""
    form = request.form
    slot = (form.get("slot") or "-").split("-")
    raw = {
        "date": form.get("date", ""),
        "window": slot if len(slot) == 2 else ["", ""],
        "note": form.get("note", ""),
    }
    try:
        raw["note"] = _note_as_stored(booking_id, raw["note"])
        seen = form.get("seen") or None
        booking = pickup_change.change_pickup(current_user, booking_id, raw, seen)
    except ServiceError as exc:
        if exc.status in (403, 404):  # not an owner's to change, or not theirs to see
            raise
        if exc.code == Code.CHANGED_MEANWHILE:  # what they typed kept, beside the booking now
            return _changed_meanwhile(booking_id, form, str(exc.message))
        if exc.field is None:  # its state: scheduled, picked up, cancelled...
            flash(str(exc.message), "error")
            return redirect(url_for("bookings.show", booking_id=booking_id))
        errors = {exc.field: str(exc.message)}
        if exc.status == 422:  # every field's problem at once, not one per try
            for field, message in draft.pickup_problems(raw, clock.today()).items():
                errors.setdefault(field, message)
        booking = booking_list.get_booking(current_user, booking_id)
        return render_show(booking, exc.status, typed=form, errors=errors)
    flash(
        _(
            "Pickup changed: %(d)s, %(s)s\u2013%(e)s.",
            d=booking.pickup_date.isoformat(),
            s=booking.window_start.strftime("%H:%M"),
            e=booking.window_end.strftime("%H:%M"),
        ),
        "success",
    )
    return redirect(url_for("bookings.show", booking_id=booking_id))


def _changed_meanwhile(booking_id: int, form, message: str):
    """The page read before a colleague's change sent a change: refused (409), the form
    keeping what the person typed (their note is not lost), the booking's pickup as it is
    now beside it, and the version read now, so that sending the form again applies it."""
    booking = booking_list.get_booking(current_user, booking_id)
    kept = {name: value for name, value in form.items() if name != "seen"}
    return render_show(booking, 409, typed=kept, errors={"_form": message}, meanwhile=True)


def _note_as_stored(booking_id: int, typed: str) -> str:
    """The note as typed, or the stored one when the form sent back the words the page
    showed for it (a fleet proposal's note is shown in the reader's language, not as stored)."""
    stored = booking_list.get_booking(current_user, booking_id).note
    return stored if stored and typed.strip() == booking_note(stored) else typed
