"""Where a VROOM request's places are and how far apart: location indices or [lon, lat]
coordinates in one table, and the request's own matrices or a distance provider's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .model import Matrices
from .validate import MAX_INT, ProblemError, as_int, as_list, as_num

DEFAULT_SPEED_MS = 50 / 3.6  # distance estimate when only durations are given


@dataclass(frozen=True)
class MatrixRequest:
    """What a VROOM request given by coordinates asks of a distance provider.

    `circuity`, `winter_factor` and `osrm_url` are the request's options (None: the
    provider's own); `day` selects the season's speeds.
    """

    coordinates: tuple[tuple[float, float], ...]
    day: dt.date | None = None
    circuity: float | None = None
    winter_factor: float | None = None
    osrm_url: str | None = None


MatrixProvider = Callable[[MatrixRequest], tuple[Matrices, list[str]]]


class Locations:
    """Collects location indices or coordinates into one location table."""

    def __init__(self) -> None:
        self.coords: list[tuple[float, float]] = []
        self.index_of: dict[tuple[float, float], int] = {}
        self.used_index = False
        self.used_coords = False
        self.refs: list[tuple[str, int, Any]] = []

    def get(self, obj: dict, idx_key: str, coord_key: str, path: str) -> int:
        """Location index of `obj`, from an index field or [lon, lat] coordinates."""
        if obj.get(idx_key) is not None:
            self.used_index = True
            i = as_int(obj[idx_key], f"{path}.{idx_key}")
            self.refs.append((f"{path}.{idx_key}", i, obj))
            return i
        if obj.get(coord_key) is not None:
            self.used_coords = True
            c = as_list(obj[coord_key], f"{path}.{coord_key}")
            if len(c) != 2:
                raise ProblemError(f"{path}.{coord_key}", "coordinates_shape", c)
            lon, lat = (as_num(x, f"{path}.{coord_key}[{k}]", -180.0) for k, x in enumerate(c))
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise ProblemError(f"{path}.{coord_key}", "coordinates_range", c)
            key = (lon, lat)
            if key not in self.index_of:
                self.index_of[key] = len(self.coords)
                self.coords.append(key)
            return self.index_of[key]
        raise ProblemError(path, "place_missing", obj, index_key=idx_key, coordinates_key=coord_key)


def _matrix(m, path: str, n: int | None) -> np.ndarray:
    rows = as_list(m, path)
    size = len(rows)
    if n is not None and size != n:
        raise ProblemError(path, "matrix_size", None, size=size, n=n)
    out = np.zeros((size, size), dtype=np.int64)
    for r, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != size:
            raise ProblemError(f"{path}[{r}]", "matrix_row", None, size=size)
        try:
            arr = np.asarray(row, dtype=float)
        except (TypeError, ValueError):
            raise ProblemError(f"{path}[{r}]", "matrix_numbers", None) from None
        if not np.isfinite(arr).all() or (arr < 0).any() or (arr > MAX_INT).any():
            raise ProblemError(f"{path}[{r}]", "matrix_range", None, hi=MAX_INT)
        out[r] = np.rint(arr).astype(np.int64)
    return out


def matrices_of(
    doc: dict, vehicles_raw: list, locs: Locations, provider: MatrixProvider | None
) -> tuple[Matrices, list[str]]:
    """The request's matrices: its own (by location index) or, for coordinates, the
    distance provider's (with the options' date, circuity, winter factor, OSRM URL)."""
    opts = doc.get("options") or {}
    if not isinstance(opts, dict):
        raise ProblemError("options", "not_object", opts)
    mats = doc.get("matrices")
    if mats is None and "matrix" in doc:
        mats = {"car": {"durations": doc["matrix"]}}
    if mats is not None:
        if locs.used_coords:
            raise ProblemError("matrices", "matrices_with_coordinates")
        if not isinstance(mats, dict) or not mats:
            raise ProblemError("matrices", "matrices_shape", None)
        profiles = {v.get("profile", "car") for v in vehicles_raw if isinstance(v, dict)}
        if len(profiles) != 1:
            raise ProblemError("vehicles", "one_profile", profiles=profiles)
        prof = profiles.pop()
        if prof not in mats:
            raise ProblemError(f"matrices.{prof}", "profile_missing", None)
        m = mats[prof]
        if not isinstance(m, dict) or "durations" not in m:
            raise ProblemError(f"matrices.{prof}.durations", "durations_missing", None)
        dur = _matrix(m["durations"], f"matrices.{prof}.durations", None)
        n = dur.shape[0]
        if m.get("distances") is not None:
            dist = _matrix(m["distances"], f"matrices.{prof}.distances", n)
        else:
            dist = np.rint(dur * DEFAULT_SPEED_MS).astype(np.int64)
        for path, i, item in locs.refs:
            if i >= n:
                raise ProblemError(path, "index_outside", item, index=i, n=n)
        return Matrices(dist, dur), []
    if locs.used_index:
        path = locs.refs[0][0]
        raise ProblemError(path, "indices_need_matrices", locs.refs[0][2])
    day = None
    if opts.get("date"):
        try:
            day = dt.date.fromisoformat(str(opts["date"]))
        except ValueError:
            raise ProblemError("options.date", "date_format", opts["date"]) from None
    if provider is None:
        raise ProblemError("matrices", "no_distances", None)
    request = MatrixRequest(
        coordinates=tuple(locs.coords),
        day=day,
        circuity=None
        if opts.get("circuity") is None
        else as_num(opts["circuity"], "options.circuity", 1.0),
        winter_factor=None
        if opts.get("winter_factor") is None
        else as_num(opts["winter_factor"], "options.winter_factor", 1.0),
        osrm_url=opts.get("osrm_url") or None,
    )
    mats_, notes = provider(request)
    return mats_, list(notes)
