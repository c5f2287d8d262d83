"""Live operations on a plan: each stop's state on the road and the exceptions to act on."""

from __future__ import annotations

from flask import render_template

from lithloop.models import Plan
from lithloop.services.dispatch import left_out, live_ops, publishing, roster
from lithloop.web.access import roles_required
from lithloop.web.booking_text import event_note
from lithloop.web.dispatch.blueprint import STAFF, bp


@bp.get("/plans/<int:plan_id>/live")
@roles_required(*STAFF)
def live(plan_id: int):
    """The plan's stops as they happen on the road (the panel polls itself)."""
    found = publishing.get_plan(plan_id)
    states = live_ops.stop_states(found)
    return render_template("dispatch/_live.html", **live_context(found, states))


def live_context(found: Plan, states: dict) -> dict:
    """What the live panel shows: states, open exceptions, drivers, days a stop may move to."""
    return {
        "plan": found,
        "states": states,
        "exceptions": live_ops.open_exceptions(found, states),
        "drivers": roster.route_drivers(found),
        "next_days": lambda b: left_out.proposed_days(b, found.plan_date, "day_full"),
        "exception_words": exception_words,
    }


def exception_words(state: live_ops.StopState) -> str:
    """The driver's exception in the reader's words: the reason told, their own note after."""
    return str(event_note(f"{live_ops.EXCEPTION} {state.note}"))
