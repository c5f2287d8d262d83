"""Optimisation runs: the day's due bookings and runs, starting one, its progress, cancelling."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop.extensions import db
from lithloop.models import Plan, PlanStatus
from lithloop.services.dispatch import day_work, left_deliveries, run_control, run_report, runs
from lithloop.services.dispatch.held_from_planning import held_by_status, where_to_release
from lithloop.services.errors import ServiceError
from lithloop.services.strict_input import strict_date
from lithloop.web.access import roles_required
from lithloop.web.dispatch.blueprint import PLANNERS, STAFF, bp, day_asked, unread_day
from lithloop.web.dispatch.run_log import (
    held_lines,
    run_failure,
    run_log,
    skipped_days,
    skipped_words,
)
from lithloop.web.fragments import asked_by_htmx, for_htmx, page_instead
from lithloop.web.plan_view import COLOURS, swatch_class
from lithloop.web.query_args import int_value


@bp.get("/")
@roles_required(*STAFF)
def index():
    """A day's due bookings, the run form and the day's runs (a `date` that is not a day:
    the next day to plan, and why, beside the day picker, with 400)."""
    unread = unread_day()
    page, _status = _index_page(day_asked(), day_error=unread)
    return page, 400 if unread else 200


# The run form's fields: a refusal naming one of them is shown beside it.
RUN_FIELDS = ("date", "time_limit_s", "horizon_days", "mode")


def _index_page(
    day, errors: dict | None = None, values: dict | None = None, status: int = 200, day_error=None
):
    day_runs = runs.runs_of_day(day)
    published = db.session.scalar(
        sa.select(Plan).where(Plan.plan_date == day, Plan.status == PlanStatus.PUBLISHED)
    )
    held = day_work.held_bookings(day)
    page = render_template(
        "dispatch/index.html",
        day=day,
        bookings=day_work.due_bookings(day),
        held=held,
        held_release=where_to_release(held_by_status(held)),
        deliveries=day_work.due_deliveries(day),
        deliveries_left=_deliveries_left(day),
        runs=day_runs,
        max_seconds=current_app.config["PLAN_MAX_SECONDS"],
        published=published,
        open_day=day_work.first_open_day(day),
        errors=errors or {},
        values=values or {},
        day_error=day_error,
    )
    return page, status


def _deliveries_left(day) -> set[int]:
    """The order ids the day's newest plan left out (none without a plan); a superseded
    plan is not the newest, whatever its id (day_work.newest_plan)."""
    latest = day_work.newest_plan(day)
    return {d.order.id for d in left_deliveries.left_out(latest)} if latest else set()


@bp.post("/runs")
@roles_required(*PLANNERS)
def start():
    """Start a run for the day and go to its progress page (also the plan's "re-plan the
    rest of the day": a quick run, which keeps the done stops of routes under way). A
    refusal shows the form again with the values typed and the reason beside the field."""
    day = day_asked()
    values = {name: request.form.get(name, "") for name in RUN_FIELDS}
    config = current_app.config
    refused: dict[str, str] = {}  # every field's problem at once, not one per try

    def read(check, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except ServiceError as exc:
            refused[exc.field or "_form"] = str(exc.message)
            return None

    asked = read(strict_date, request.form.get("date"), "date")
    seconds = read(int_value, "time_limit_s", 30, minimum=1, maximum=config["PLAN_MAX_SECONDS"])
    days = read(int_value, "horizon_days", 1, minimum=1, maximum=config["PLAN_MAX_HORIZON_DAYS"])
    if refused:
        return _index_page(day, refused, values, 422)
    try:
        day = asked
        run = runs.launch_run(
            current_user, day, seconds, days, request.form.get("mode", "thorough")
        )
    except ServiceError as exc:
        if exc.field in RUN_FIELDS:
            return _index_page(day, {exc.field: str(exc.message)}, values, exc.status)
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
    """The progress panel alone, for htmx polling; opened in a browser, the run's page."""
    if not asked_by_htmx():
        runs.get_run(run_id)  # a run that does not exist is a 404, not a redirect to one
        return page_instead(url_for("dispatch.run", run_id=run_id))
    return for_htmx(render_template("dispatch/_progress.html", **_run_context(run_id)))


def _run_context(run_id: int) -> dict:
    found = runs.get_run(run_id)
    return {
        "run": found,
        "report": run_report,
        "colours": COLOURS,
        "swatch": swatch_class,
        "run_mode": run_control.run_mode,
        "log": run_log(found.log, found.held),
        "failure": run_failure(found.error, found.id),
        "skipped": [skipped_words(d) for d in skipped_days(found.log)],
        "held": held_lines(found.held),
    }


@bp.post("/runs/<int:run_id>/finish")
@roles_required(*PLANNERS)
def finish(run_id: int):
    """End a run now; the best plan it has found is stored."""
    done = _("The run ends within a second and keeps the best plan it has found.")
    return _ask_run(runs.finish_run, run_id, done)


@bp.post("/runs/<int:run_id>/cancel")
@roles_required(*PLANNERS)
def cancel(run_id: int):
    """Stop a run; no plan is stored."""
    return _ask_run(runs.cancel_run, run_id)


def _ask_run(ask, run_id: int, done: str | None = None):
    """Send the dispatcher's request to the run and go back to its page (refusals flashed)."""
    try:
        ask(current_user, run_id)
    except ServiceError as exc:
        flash(str(exc.message), "error")
    else:
        if done:
            flash(done, "success")
    return redirect(url_for("dispatch.run", run_id=run_id))
