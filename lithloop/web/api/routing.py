"""POST /api/v1/routing/solve: VROOM-format problems solved by lithloop's engine."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask_babel import gettext as _
from flask_smorest import Blueprint

from lithloop import routing
from lithloop.services.accounts import policies
from lithloop.services.booking.distances import road_matrices
from lithloop.services.errors import Invalid
from lithloop.web.api.common import PlainFloat, WholeNumber, errors
from lithloop.web.api.problem_text import problem_message
from lithloop.web.api.security import api_user, token_required
from lithloop.web.api.solution_text import in_readers_words

blp = Blueprint(
    "api_routing",
    __name__,
    url_prefix="/api/v1/routing",
    description="Route optimisation in VROOM's JSON format",
)


class VroomProblem(ma.Schema):
    """VROOM's input: vehicles, jobs, optional shipments and matrices (checked by the engine)."""

    class Meta:
        unknown = ma.INCLUDE

    vehicles = ma.fields.List(ma.fields.Dict(), required=True)
    jobs = ma.fields.List(ma.fields.Dict(), load_default=list)
    shipments = ma.fields.List(ma.fields.Dict(), load_default=list)


class SolveArgs(ma.Schema):
    seconds = PlainFloat(load_default=2.0, validate=ma.validate.Range(min=0.1, max=30))
    seed = WholeNumber(load_default=0, validate=ma.validate.Range(min=0, max=2**31 - 1))


class VroomSolution(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    code = WholeNumber()
    summary = ma.fields.Dict()
    routes = ma.fields.List(ma.fields.Dict())
    unassigned = ma.fields.List(
        ma.fields.Dict(),
        metadata={
            "description": "Stops left out: `reason` is a code (data, never translated), "
            "`reason_text` says why in the reader's language"
        },
    )


@blp.route("/solve", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(SolveArgs(), location="query")
@blp.arguments(VroomProblem())
@blp.response(200, VroomSolution)
@errors(
    blp,
    400,
    401,
    403,
    413,
    422,
    s403="Only dispatchers and admins use the solver",
    s422="The problem names the field and item that is wrong",
)
@token_required
def solve(args, problem):
    """Solve a small problem now; larger ones belong in the dispatcher's background runs."""
    policies.require(
        api_user(), policies.PLANNERS, _("Only dispatchers and admins use the route solver.")
    )
    cfg = current_app.config
    stops = len(problem["jobs"]) + 2 * len(problem["shipments"])
    if stops > cfg["ROUTING_API_MAX_STOPS"]:
        raise Invalid(
            _(
                "%(n)s stops is more than the %(max)s this endpoint solves at once; "
                "start a planning run instead.",
                n=stops,
                max=cfg["ROUTING_API_MAX_STOPS"],
            ),
            field="jobs",
        )
    seconds = min(args["seconds"], cfg["ROUTING_API_MAX_SECONDS"])
    options = problem.get("options")
    if isinstance(options, dict) and options.get("osrm_url"):
        # The server never fetches an address a caller names (SSRF): OSRM_URL is configured.
        raise Invalid(
            _(
                "The server measures distances with its own configured road service; "
                "leave out options.osrm_url."
            ),
            field="options.osrm_url",
        )
    try:
        parsed = routing.problem_from_vroom(problem, road_matrices().for_request)
    except routing.ProblemError as exc:
        raise Invalid(problem_message(exc), field=exc.path, code="invalid_problem") from exc
    solution = routing.solve(parsed, time_limit_s=seconds, seed=args["seed"])
    return in_readers_words(routing.solution_to_vroom(solution), parsed)
