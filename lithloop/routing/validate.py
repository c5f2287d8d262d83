"""Validation helpers for VROOM-style input: errors name the field path and the item."""

from __future__ import annotations

import math
from typing import Any

from .model import TimeWindow

# The largest integer any field takes (seconds, amounts, metres): sums over a day's routes
# stay far inside the solvers' 64-bit arithmetic.
MAX_INT = 2**31 - 1


#: Why a problem is refused, by code: the English sentence the CLI prints, its fields
#: filled from the error's `params` (the web API tells the same code in the reader's language).
PROBLEM_REASONS: dict[str, str] = {
    "not_integer": "must be an integer",
    "below_min": "must be >= {lo}",
    "above_max": "must be <= {hi}",
    "not_number": "must be a number >= {lo}",
    "not_finite": "must be a finite number <= {hi:g}",
    "not_list": "must be a list",
    "not_object": "must be an object",
    "amount_length": "has {got} entries but {first} has {want}",
    "window_shape": "must be [start, end]",
    "window_order": "end {end} precedes start {start}",
    "skill_type": "a skill is an integer or a string",
    "id_required": "required integer or string",
    "vehicle_place": "needs a start or an end location",
    "problem_not_object": "the problem must be a JSON object",
    "no_vehicle": "at least one vehicle is required",
    "duplicate_vehicle": "duplicate id",
    "duplicate_stop": "duplicate id (unique across jobs and shipments)",
    "unknown_vehicle": "unknown vehicle id",
    "unknown_job": "unknown job id",
    "json_too_deep": "JSON nested too deeply",
    "json_malformed": "malformed JSON: {detail}",
    "coordinates_shape": "must be [lon, lat]",
    "coordinates_range": "lon/lat out of range",
    "place_missing": "needs {index_key} or {coordinates_key}",
    "matrix_size": "is {size}x{size} but durations are {n}x{n}",
    "matrix_row": "row must have {size} entries",
    "matrix_numbers": "entries must be numbers",
    "matrix_range": "entries must be numbers from 0 to {hi}",
    "matrices_with_coordinates": "with matrices every location must be an index",
    "matrices_shape": "must map a profile to durations/distances",
    "one_profile": "one routing profile supported, got {profiles}",
    "profile_missing": "missing for the vehicles' profile",
    "durations_missing": "required",
    "index_outside": "{index} outside the {n}x{n} matrix",
    "indices_need_matrices": "location indices need `matrices`",
    "date_format": "must be YYYY-MM-DD",
    "no_distances": "required: locations are coordinates and no distance provider is set",
}


class ProblemError(ValueError):
    """Invalid input: `path` names the field (e.g. jobs[3].time_windows[0]), `reason` why
    (a PROBLEM_REASONS code, with its `params`), `item` the value; `message` is in English."""

    def __init__(self, path: str, reason: str, item: Any = None, **params: Any):
        self.path, self.reason, self.params, self.item = path, reason, params, item
        self.message = PROBLEM_REASONS[reason].format(**params)
        super().__init__(f"{path}: {self.message}")

    def as_dict(self) -> dict:
        """JSON-friendly form for a 422 answer."""
        return {
            "error": "invalid_problem",
            "path": self.path,
            "reason": self.reason,
            "message": self.message,
            "item": self.item,
        }


def as_int(v, path: str, *, lo: int | None = 0, hi: int = MAX_INT) -> int:
    """An integer (floats with no fraction accepted) within [lo, hi]."""
    if (
        isinstance(v, bool)
        or not isinstance(v, int | float)
        or (isinstance(v, float) and not v.is_integer())
    ):
        raise ProblemError(path, "not_integer", v)
    v = int(v)
    if lo is not None and v < lo:
        raise ProblemError(path, "below_min", v, lo=lo)
    if v > hi:
        raise ProblemError(path, "above_max", v, hi=hi)
    return v


def as_num(v, path: str, lo: float = 0.0, hi: float = 1e9) -> float:
    """A finite number between lo and hi (JSON's NaN and Infinity are refused)."""
    if isinstance(v, bool) or not isinstance(v, int | float) or v < lo:
        raise ProblemError(path, "not_number", v, lo=lo)
    if not math.isfinite(v) or v > hi:
        raise ProblemError(path, "not_finite", v, hi=hi)
    return float(v)


def as_list(v, path: str) -> list:
    """A JSON list."""
    if not isinstance(v, list):
        raise ProblemError(path, "not_list", v)
    return v


def as_amount(v, path: str, dims: list) -> tuple[int, ...]:
    """A list of non-negative integers whose length matches the first amount seen."""
    vals = tuple(as_int(x, f"{path}[{k}]") for k, x in enumerate(as_list(v, path)))
    if dims[0] is None:
        dims[0] = (len(vals), path)
    elif len(vals) != dims[0][0]:
        raise ProblemError(
            path, "amount_length", v, got=len(vals), first=dims[0][1], want=dims[0][0]
        )
    return vals


def as_window(v, path: str) -> TimeWindow:
    """A [start, end] window with end >= start."""
    w = as_list(v, path)
    if len(w) != 2:
        raise ProblemError(path, "window_shape", v)
    a, b = as_int(w[0], f"{path}[0]"), as_int(w[1], f"{path}[1]")
    if b < a:
        raise ProblemError(path, "window_order", v, start=a, end=b)
    return TimeWindow(a, b)


def as_skills(v, path: str) -> frozenset:
    """A list of integer or string skills."""
    out = []
    for k, s in enumerate(as_list(v, path)):
        if isinstance(s, bool) or not isinstance(s, int | str):
            raise ProblemError(f"{path}[{k}]", "skill_type", s)
        out.append(s)
    return frozenset(out)
