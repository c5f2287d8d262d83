"""Validation helpers for VROOM-style input: errors name the field path and the item."""

from __future__ import annotations

import math
from typing import Any

from .model import TimeWindow

# The largest integer any field takes (seconds, amounts, metres): sums over a day's routes
# stay far inside the solvers' 64-bit arithmetic.
MAX_INT = 2**31 - 1


class ProblemError(ValueError):
    """Invalid input: `path` names the field (e.g. jobs[3].time_windows[0]), `item` the value."""

    def __init__(self, path: str, message: str, item: Any = None):
        super().__init__(f"{path}: {message}")
        self.path, self.message, self.item = path, message, item

    def as_dict(self) -> dict:
        """JSON-friendly form for a 422 answer."""
        return {
            "error": "invalid_problem",
            "path": self.path,
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
        raise ProblemError(path, "must be an integer", v)
    v = int(v)
    if lo is not None and v < lo:
        raise ProblemError(path, f"must be >= {lo}", v)
    if v > hi:
        raise ProblemError(path, f"must be <= {hi}", v)
    return v


def as_num(v, path: str, lo: float = 0.0, hi: float = 1e9) -> float:
    """A finite number between lo and hi (JSON's NaN and Infinity are refused)."""
    if isinstance(v, bool) or not isinstance(v, int | float) or v < lo:
        raise ProblemError(path, f"must be a number >= {lo}", v)
    if not math.isfinite(v) or v > hi:
        raise ProblemError(path, f"must be a finite number <= {hi:g}", v)
    return float(v)


def as_list(v, path: str) -> list:
    """A JSON list."""
    if not isinstance(v, list):
        raise ProblemError(path, "must be a list", v)
    return v


def as_amount(v, path: str, dims: list) -> tuple[int, ...]:
    """A list of non-negative integers whose length matches the first amount seen."""
    vals = tuple(as_int(x, f"{path}[{k}]") for k, x in enumerate(as_list(v, path)))
    if dims[0] is None:
        dims[0] = (len(vals), path)
    elif len(vals) != dims[0][0]:
        raise ProblemError(path, f"has {len(vals)} entries but {dims[0][1]} has {dims[0][0]}", v)
    return vals


def as_window(v, path: str) -> TimeWindow:
    """A [start, end] window with end >= start."""
    w = as_list(v, path)
    if len(w) != 2:
        raise ProblemError(path, "must be [start, end]", v)
    a, b = as_int(w[0], f"{path}[0]"), as_int(w[1], f"{path}[1]")
    if b < a:
        raise ProblemError(path, f"end {b} precedes start {a}", v)
    return TimeWindow(a, b)


def as_skills(v, path: str) -> frozenset:
    """A list of integer or string skills."""
    out = []
    for k, s in enumerate(as_list(v, path)):
        if isinstance(s, bool) or not isinstance(s, int | str):
            raise ProblemError(f"{path}[{k}]", "a skill is an integer or a string", s)
        out.append(s)
    return frozenset(out)
