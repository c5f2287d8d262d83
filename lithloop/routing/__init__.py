"""lithloop.routing: a pure vehicle-routing engine (OR-Tools, optional PyVRP race).

Model → solve → result: build a `Problem` from frozen dataclasses (or from VROOM-style
JSON with `problem_from_vroom`), call `solve(problem, time_limit_s=...)`, read the
`Solution` (routes, unassigned stops with reason codes) or `solution_to_vroom(solution)`.
Imports neither Flask nor SQLAlchemy nor any other lithloop package, and does no I/O:
travel matrices come in with the problem (`lithloop.geo.matrices` provides them).
"""

from .config import RaceConfig
from .evaluate import evaluate
from .model import (
    REASON_CAPACITY,
    REASON_DAY_FULL,
    REASON_RANGE,
    REASON_SKILL,
    REASON_TEXT,
    REASON_WINDOW,
    STATUS_NO_ROUTE,
    STATUS_PARTIAL,
    STATUS_SOLVED,
    InitialRoute,
    Matrices,
    Problem,
    Route,
    Solution,
    Step,
    Stop,
    TimeWindow,
    Unassigned,
    Vehicle,
)
from .solve import solve
from .stop import AnyOf, Cancelled, MaxRuntime, NoImprovement, StopCriterion
from .validate import PROBLEM_REASONS
from .violations import VIOLATIONS
from .vroom_io import (
    MatrixProvider,
    MatrixRequest,
    ProblemError,
    problem_from_json,
    problem_from_vroom,
)
from .vroom_out import solution_to_vroom

__all__ = [
    "PROBLEM_REASONS",
    "VIOLATIONS",
    "AnyOf",
    "Cancelled",
    "MaxRuntime",
    "NoImprovement",
    "RaceConfig",
    "StopCriterion",
    "REASON_CAPACITY",
    "REASON_DAY_FULL",
    "REASON_RANGE",
    "REASON_SKILL",
    "REASON_TEXT",
    "REASON_WINDOW",
    "STATUS_NO_ROUTE",
    "STATUS_PARTIAL",
    "STATUS_SOLVED",
    "InitialRoute",
    "MatrixProvider",
    "MatrixRequest",
    "Matrices",
    "Problem",
    "ProblemError",
    "Route",
    "Solution",
    "Step",
    "Stop",
    "TimeWindow",
    "Unassigned",
    "Vehicle",
    "evaluate",
    "problem_from_json",
    "problem_from_vroom",
    "solution_to_vroom",
    "solve",
]
