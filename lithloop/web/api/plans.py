"""Planning runs and plans: /api/v1/plans/runs, /api/v1/plans/<id>."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from lithloop.services.accounts import policies
from lithloop.services.dispatch import run_control, runs
from lithloop.services.errors import Forbidden
from lithloop.web import plan_view
from lithloop.web.api.common import InputDate, PlainFloat, WholeNumber, errors
from lithloop.web.api.security import api_user, token_required
from lithloop.web.dispatch.run_log import run_failure

blp = Blueprint(
    "api_plans",
    __name__,
    url_prefix="/api/v1/plans",
    description="Background route optimisation runs and their plans",
)
STAFF = policies.REGION_STAFF


class RunIn(ma.Schema):
    date = InputDate(
        required=True, metadata={"description": "The first day to plan: today or a later day"}
    )
    time_limit_s = WholeNumber(
        load_default=30,
        validate=ma.validate.Range(min=1),
        metadata={"description": "Seconds, 1 to the server's PLAN_MAX_SECONDS (300 by default)"},
    )
    horizon_days = WholeNumber(
        load_default=1,
        validate=ma.validate.Range(min=1),
        metadata={
            "description": "Days planned at once, 1 to the server's PLAN_MAX_HORIZON_DAYS "
            "(7 by default)"
        },
    )
    mode = ma.fields.String(
        load_default="thorough",
        validate=ma.validate.OneOf(run_control.RUN_MODES),
        metadata={
            "description": "thorough: use the whole time limit; "
            "quick: end when nothing improved for a few seconds"
        },
    )


def _failure_words(run) -> str | None:
    """What a failed run's stored error means, as its page says it."""
    failure = run_failure(run.error, run.id)
    return None if failure is None else str(failure.words)


class RunOut(ma.Schema):
    id = WholeNumber()
    date = ma.fields.Date(attribute="plan_date")
    status = ma.fields.Function(lambda r: r.status.value)
    time_limit_s = WholeNumber()
    progress = ma.fields.List(
        ma.fields.List(PlainFloat()),
        metadata={
            "description": "Best cost so far: [elapsed s in the day's search, cost in yuan, "
            "day (days from the run's date)]; each day's search starts again at 0 s"
        },
    )
    error = ma.fields.String(
        metadata={"description": "A failed run's stored detail, as recorded (English)"}
    )
    failure = ma.fields.Function(
        _failure_words,
        metadata={"description": "A failed run's failure in words, in the reader's language"},
    )
    plan_id = ma.fields.Function(lambda r: r.plan.id if r.plan else None)
    plan_ids = ma.fields.Function(lambda r: [p.id for p in r.plans])
    horizon_days = WholeNumber()
    mode = ma.fields.Function(run_control.run_mode)
    finish_requested = ma.fields.Boolean(
        metadata={"description": "The run was asked to finish now and keep its best plan"}
    )
    held = ma.fields.Function(
        lambda r: list(r.held or []),
        metadata={
            "description": "Per day, the bookings the run left out because their organisation "
            "is not approved: {date, pending: [booking ids], suspended: [...], rejected: [...]}"
        },
    )


class PlanOut(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    id = WholeNumber()
    date = ma.fields.Date(attribute="plan_date")
    status = ma.fields.Function(lambda p: p["status"].value)
    cost_fen = WholeNumber()
    solution = ma.fields.Dict(
        metadata={
            "description": "The plan in VROOM's output format. Words, in the reader's "
            "language: each left-out booking's `unassigned[].reason_text` (and its "
            "`description`). Data, never translated: every code (`status`, `unassigned[]."
            "reason`, a step's `type`, `summary.engine`), ids, times, amounts, a route's "
            "`description` (its truck's plate) and `notes` (the engine's own log lines)"
        }
    )


def _staff() -> None:
    if api_user().role not in STAFF:
        raise Forbidden(_l("Only park staff see plans."))


@blp.route("/runs", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(RunIn())
@blp.response(202, RunOut)
@errors(
    blp,
    400,
    401,
    403,
    409,
    413,
    422,
    503,
    s409="A run for that date is still going",
    s422="A field is not valid, or (error nothing_to_plan, field date) none of the run's "
    "days has pickups or deliveries due or a stored plan to re-plan, or (error "
    "bookings_held, field date) their only bookings are held from planning (organisation "
    "pending approval or suspended)",
    s503="The background workers are unreachable; the run failed at once",
)
@token_required
def start_run(data):
    """Queue an optimisation run for a date; poll it at /api/v1/plans/runs/<id>."""
    return runs.launch_run(
        api_user(), data["date"], data["time_limit_s"], data["horizon_days"], data["mode"]
    )


@blp.route("/runs/<int:run_id>", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.response(200, RunOut)
@errors(blp, 401, 403, 404)
@token_required
def get_run(run_id: int):
    """A run's status and progress (best cost over time)."""
    _staff()
    return runs.get_run(run_id)


@blp.route("/runs/<int:run_id>/finish", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.response(202, RunOut)
@errors(blp, 401, 403, 404, 409, s409="The run has not started yet, or has already ended")
@token_required
def finish_run(run_id: int):
    """End a running run within about a second, keeping the best plan it has found (later
    days of its horizon get a short search); poll the run for its plan."""
    return runs.finish_run(api_user(), run_id)


@blp.route("/runs/<int:run_id>/cancel", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.response(202, RunOut)
@errors(blp, 401, 403, 404, 409, s409="The run has already ended")
@token_required
def cancel_run(run_id: int):
    """Stop a run within about a second; it stores no plan."""
    return runs.cancel_run(api_user(), run_id)


@blp.route("/<int:plan_id>", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.response(200, PlanOut)
@errors(blp, 401, 403, 404)
@token_required
def get_plan(plan_id: int):
    """A plan in the routing engine's VROOM-style JSON."""
    _staff()
    return plan_view.plan_document(plan_id)
