"""Live operations on a plan: each stop's state on the road and the exceptions to act on."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lithloop import labels
from lithloop.models import Plan
from lithloop.services.booking import pickup_change
from lithloop.services.dispatch import delivery_back, left_out, live_ops, publishing, roster
from lithloop.services.errors import ServiceError
from lithloop.services.strict_input import strict_date
from lithloop.web.access import roles_required
from lithloop.web.booking_text import event_note
from lithloop.web.dispatch.blueprint import PLANNERS, STAFF, bp
from lithloop.web.fragments import asked_by_htmx, for_htmx, page_instead


@bp.get("/plans/<int:plan_id>/live")
@roles_required(*STAFF)
def live(plan_id: int):
    """The plan's stops as they happen on the road (the panel polls itself); opened in a
    browser rather than by the panel, the plan's page at its live panel."""
    found = publishing.get_plan(plan_id)
    if not asked_by_htmx():
        return page_instead(url_for("dispatch.plan", plan_id=found.id, _anchor="live"))
    states = live_ops.stop_states(found)
    return for_htmx(render_template("dispatch/_live.html", **live_context(found, states)))


def live_context(found: Plan, states: dict) -> dict:
    """What the live panel shows: states, open exceptions, drivers, days a stop may move to."""
    return {
        "plan": found,
        "states": states,
        "exceptions": live_ops.open_exceptions(found, states),
        "drivers": roster.route_drivers(found),
        "next_days": lambda b: left_out.proposed_days(b, found.plan_date, "day_full"),
        "pickup_version": pickup_change.pickup_version,  # a stale move is refused
        "exception_words": exception_words,
        "delivery_words": delivery_words,
        "delivery_days": lambda: _open_days_after(found.plan_date, 5),
    }


def _open_days_after(day, count: int) -> list:
    """The first `count` open days after `day` (a delivery taken off its day may go to)."""
    days = []
    while len(days) < count:
        day = delivery_back.next_open_day(day)
        days.append(day)
    return days


@bp.post("/stops/<int:stop_id>/delivery-day")
@roles_required(*PLANNERS)
def delivery_day(stop_id: int):
    """Take a delivery whose driver reported a problem off its day: its packs come back to
    the park, and it is due from the day chosen."""
    try:
        day = strict_date(request.form.get("date"), "date")
        plan_id = delivery_back.move_day(current_user, stop_id, day)
    except ServiceError as exc:
        if exc.status == 404 and exc.field is None:
            raise
        flash(str(exc.message), "error")
        plan_id = delivery_back.plan_of_stop(stop_id)  # its own plan, not a copy the form sent
    else:
        flash(
            _("The delivery comes back to the park; it is due from %(d)s.", d=day.isoformat()),
            "success",
        )
    return redirect(url_for("dispatch.plan", plan_id=plan_id, _anchor="live"))


def exception_words(note: str) -> str:
    """The driver's exception (a StopState's note) in the reader's words: the reason told,
    their own note after."""
    return str(event_note(f"{live_ops.EXCEPTION} {note}"))


def delivery_words(note: str) -> str:
    """The driver's exception at a delivery stop (a StopState's note) in the reader's
    words, their note after."""
    reason, _sep, text = note.partition(";")
    why = labels.label(labels.DELIVERY_EXCEPTION, reason.strip())
    return str(_l("The driver could not deliver: %(why)s. %(text)s", why=why, text=text.strip()))
