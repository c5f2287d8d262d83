"""The day's roster: a driver and a shift for each truck, and who is on leave."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop import clock
from lithloop.services.dispatch import roster
from lithloop.services.errors import ServiceError
from lithloop.services.strict_input import chosen_id
from lithloop.web.access import roles_required
from lithloop.web.dispatch.blueprint import (
    NO_SUCH_DRIVER,
    PLANNERS,
    STAFF,
    bp,
    day_asked,
    unread_day,
)


def _page(day, errors: dict, typed=None, day_error=None):
    """The roster page; after a refusal, `typed` (the form as sent) fills it again."""
    return render_template(
        "dispatch/roster.html",
        day=day,
        lines=roster.day_lines(day),
        drivers=roster.drivers(),
        leave=roster.RosterDay(day).leave if typed is None else _ticked(typed),
        errors=errors,
        typed=typed,
        day_error=day_error,
        past=day < clock.today(),  # kept as it was: shown, not offered for editing
    )


def _ticked(form) -> set[int]:
    """The drivers ticked as on leave in a sent form."""
    return {int(v) for v in form.getlist("leave") if v.isascii() and v.isdecimal()}


@bp.get("/roster")
@roles_required(*STAFF)
def roster_page():
    """The day's roster: a driver and a shift for each truck, and who is on leave."""
    unread = unread_day()
    return _page(day_asked(), {}, day_error=unread), 400 if unread else 200


@bp.post("/roster")
@roles_required(*PLANNERS)
def save_roster():
    """Save the day's roster as the form has it (all or nothing)."""
    day = day_asked()
    form = request.form
    try:
        lines = [
            roster.Assignment(
                t.id,
                chosen_id(form.get(f"driver-{t.id}"), f"driver-{t.id}", NO_SUCH_DRIVER),
                form.get(f"start-{t.id}", ""),
                form.get(f"end-{t.id}", ""),
            )
            for t in roster.active_trucks()
        ]
        ticked = (chosen_id(v, "leave", NO_SUCH_DRIVER) for v in form.getlist("leave"))
        leave = {driver for driver in ticked if driver is not None}
        roster.save_day(current_user, day, lines, leave)
    except ServiceError as exc:
        return _page(day, {exc.field or "_form": str(exc.message)}, form), exc.status
    flash(_("Roster saved for %(d)s.", d=day.isoformat()), "success")
    return redirect(url_for("dispatch.roster_page", date=day.isoformat()))
