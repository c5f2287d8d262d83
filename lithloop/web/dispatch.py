"""The dispatcher's workspace: due bookings, optimisation runs with progress, plans."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Plan, PlanStatus, Role, Truck
from lithloop.services.accounts import policies
from lithloop.services.dispatch import (
    left_out,
    live_ops,
    plan_edit,
    planning,
    publish_preview,
    publishing,
    roster,
    run_report,
)
from lithloop.services.dispatch.problem import park_site
from lithloop.services.errors import ServiceError
from lithloop.services.strict_input import date_or_none, optional_int, strict_int
from lithloop.web.access import roles_required
from lithloop.web.plan_view import plan_geo, plan_map
from lithloop.web.query_args import int_value

bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")
STAFF = policies.REGION_STAFF


def _day() -> date:
    return date_or_none(request.values.get("date")) or clock.today() + timedelta(days=1)


@bp.get("/")
@roles_required(*STAFF)
def index():
    """A day's due bookings, the run form and the day's runs."""
    day = _day()
    runs = planning.runs_of_day(day)
    published = db.session.scalar(
        sa.select(Plan).where(Plan.plan_date == day, Plan.status == PlanStatus.PUBLISHED)
    )
    return render_template(
        "dispatch/index.html",
        day=day,
        bookings=planning.due_bookings(day),
        runs=runs,
        max_seconds=current_app.config["PLAN_MAX_SECONDS"],
        published=published,
    )


@bp.post("/plans/<int:plan_id>/urgent")
@roles_required(Role.DISPATCHER, Role.ADMIN)
def urgent(plan_id: int):
    """Insert a late booking into the published plan, moving nothing else: a new draft."""
    try:
        draft = plan_edit.insert_urgent(current_user, plan_id, int_value("booking_id", 0))
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("dispatch.plan", plan_id=plan_id))
    flash(_("Inserted into a new draft; check the change and publish it."), "success")
    return redirect(url_for("dispatch.plan", plan_id=draft.id))


@bp.post("/runs")
@roles_required(Role.DISPATCHER, Role.ADMIN)
def start():
    """Start a run for the day and go to its progress page."""
    day = _day()
    try:
        run = planning.launch_run(
            current_user,
            day,
            int_value("time_limit_s", 30),
            int_value("horizon_days", 1),
            request.form.get("mode", "thorough"),
        )
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("dispatch.index", date=day.isoformat()))
    return redirect(url_for("dispatch.run", run_id=run.id))


@bp.get("/runs/<int:run_id>")
@roles_required(*STAFF)
def run(run_id: int):
    """The run's live progress (the panel reloads itself while the run goes)."""
    return render_template("dispatch/run.html", **_run_context(run_id))


@bp.get("/runs/<int:run_id>/progress")
@roles_required(*STAFF)
def progress(run_id: int):
    """The progress panel alone, for htmx polling."""
    return render_template("dispatch/_progress.html", **_run_context(run_id))


def _run_context(run_id: int) -> dict:
    return {"run": planning.get_run(run_id), "report": run_report, "run_mode": planning.run_mode}


@bp.post("/runs/<int:run_id>/cancel")
@roles_required(Role.DISPATCHER, Role.ADMIN)
def cancel(run_id: int):
    """Stop a run; no plan is stored."""
    try:
        planning.cancel_run(current_user, run_id)
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("dispatch.run", run_id=run_id))


@bp.get("/plans/<int:plan_id>")
@roles_required(*STAFF)
def plan(plan_id: int):
    """The plan on the map, each truck's timeline, totals and what was left out."""
    found = publishing.get_plan(plan_id)
    park = park_site()
    if park is None:
        abort(404)
    trucks = list(
        db.session.scalars(sa.select(Truck).where(Truck.active.is_(True)).order_by(Truck.plate))
    )
    tiles = current_app.config["MAP_TILE_URL"]
    states = live_ops.stop_states(found)
    return render_template(
        "dispatch/plan.html",
        plan=found,
        live=_live_context(found, states),
        on_road=any(st.state not in ("planned",) for st in states.values())
        or found.status is PlanStatus.PUBLISHED,
        map=plan_map(found, park),
        tiles=tiles,
        geo=plan_geo(found, park) if tiles else None,
        changes=publishing.changes_from_published(found),
        trucks=trucks,
    )


@bp.post("/plans/<int:plan_id>/move")
@roles_required(Role.DISPATCHER, Role.ADMIN)
def move(plan_id: int):
    """Move a booking to a truck and position; times and loads are recomputed."""
    try:
        plan_edit.move_booking(
            current_user,
            plan_id,
            int_value("booking_id", 0),
            int_value("truck_id", 0),
            int_value("position", 0),
        )
    except ServiceError as exc:
        if exc.status == 404 and exc.field is None:
            raise
        flash(str(exc.message), "error")
    else:
        flash(_("Moved. Times and loads were recomputed."), "success")
    return redirect(url_for("dispatch.plan", plan_id=plan_id))


@bp.post("/stops/<int:stop_id>/lock")
@roles_required(Role.DISPATCHER, Role.ADMIN)
def lock_stop(stop_id: int):
    """Lock or unlock a stop on its truck for the next run."""
    stop = plan_edit.toggle_stop_lock(current_user, stop_id)
    target = url_for("dispatch.plan", plan_id=stop.route.plan_id)
    return redirect(f"{target}#route-{stop.route_id}")


@bp.post("/routes/<int:route_id>/lock")
@roles_required(Role.DISPATCHER, Role.ADMIN)
def lock(route_id: int):
    """Lock or unlock a route: a locked route is kept as it is by the next run."""
    route = publishing.toggle_lock(current_user, route_id)
    return redirect(url_for("dispatch.plan", plan_id=route.plan_id) + f"#route-{route.id}")


@bp.get("/plans/<int:plan_id>/publish")
@roles_required(Role.DISPATCHER, Role.ADMIN)
def confirm_publish(plan_id: int):
    """Before publishing: who will be told what, and a driver for each route without one."""
    found = publishing.get_plan(plan_id)
    if found.status is not PlanStatus.DRAFT:
        return redirect(url_for("dispatch.plan", plan_id=plan_id))
    return render_template(
        "dispatch/publish.html",
        plan=found,
        preview=publish_preview.preview(found),
        drivers=roster.drivers(),
    )


@bp.post("/plans/<int:plan_id>/publish")
@roles_required(Role.DISPATCHER, Role.ADMIN)
def publish(plan_id: int):
    """Publish once confirmed: every booking scheduled with its ETA, owners told (those
    left out with the days that fit); or nothing changes."""
    if request.form.get("confirmed") != "1":
        return redirect(url_for("dispatch.confirm_publish", plan_id=plan_id))
    try:
        found = publishing.get_plan(plan_id)
        for route in found.routes:
            chosen = request.form.get(f"driver-{route.truck_id}", "")
            if chosen:
                driver = strict_int(chosen, f"driver-{route.truck_id}", minimum=1)
                roster.assign(current_user, found.plan_date, route.truck_id, driver)
        publishing.publish_plan(
            current_user, plan_id, allow_unmanned=request.form.get("without_driver") == "1"
        )
    except ServiceError as exc:
        if exc.status == 404 and exc.field is None:
            raise
        flash(str(exc.message), "error")
        return redirect(url_for("dispatch.confirm_publish", plan_id=plan_id))
    flash(_("Plan published: bookings are scheduled and their owners notified."), "success")
    return redirect(url_for("dispatch.plan", plan_id=plan_id))


@bp.get("/plans/<int:plan_id>/live")
@roles_required(*STAFF)
def live(plan_id: int):
    """The plan's stops as they happen on the road (the panel polls itself)."""
    found = publishing.get_plan(plan_id)
    states = live_ops.stop_states(found)
    return render_template("dispatch/_live.html", **_live_context(found, states))


def _live_context(found, states) -> dict:
    return {
        "plan": found,
        "states": states,
        "exceptions": live_ops.open_exceptions(found, states),
        "drivers": roster.route_drivers(found),
        "next_days": lambda b: left_out.proposed_days(b, found.plan_date, "day_full"),
    }


@bp.get("/roster")
@roles_required(*STAFF)
def roster_page():
    """The day's roster: a driver and a shift for each truck, and who is on leave."""
    day = _day()
    return render_template(
        "dispatch/roster.html",
        day=day,
        lines=roster.day_lines(day),
        drivers=roster.drivers(),
        leave=roster.RosterDay(day).leave,
        errors={},
    )


@bp.post("/roster")
@roles_required(Role.DISPATCHER, Role.ADMIN)
def save_roster():
    """Save the day's roster as the form has it (all or nothing)."""
    day = _day()
    form = request.form
    try:
        lines = [
            roster.Assignment(
                t.id,
                optional_int(form.get(f"driver-{t.id}"), f"driver-{t.id}", minimum=1),
                form.get(f"start-{t.id}", ""),
                form.get(f"end-{t.id}", ""),
            )
            for t in roster.active_trucks()
        ]
        leave = {strict_int(v, "leave", minimum=1) for v in form.getlist("leave")}
        roster.save_day(current_user, day, lines, leave)
    except ServiceError as exc:
        errors = {exc.field or "_form": str(exc.message)}
        return render_template(
            "dispatch/roster.html",
            day=day,
            lines=roster.day_lines(day),
            drivers=roster.drivers(),
            leave=roster.RosterDay(day).leave,
            errors=errors,
        ), exc.status
    flash(_("Roster saved for %(d)s.", d=day.isoformat()), "success")
    return redirect(url_for("dispatch.roster_page", date=day.isoformat()))
