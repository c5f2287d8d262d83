"""VROOM-format JSON in and out, with validation errors that name the field and the item."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .model import InitialRoute, Matrices, Problem, Stop, TimeWindow, Vehicle
from .validate import ProblemError, as_amount, as_int, as_list, as_num, as_skills, as_window
from .vroom_out import solution_to_vroom

__all__ = [
    "MatrixProvider",
    "MatrixRequest",
    "ProblemError",
    "problem_from_json",
    "problem_from_vroom",
    "solution_to_vroom",
]

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


class _Locations:
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
                raise ProblemError(f"{path}.{coord_key}", "must be [lon, lat]", c)
            lon, lat = (as_num(x, f"{path}.{coord_key}[{k}]", -180.0) for k, x in enumerate(c))
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise ProblemError(f"{path}.{coord_key}", "lon/lat out of range", c)
            key = (lon, lat)
            if key not in self.index_of:
                self.index_of[key] = len(self.coords)
                self.coords.append(key)
            return self.index_of[key]
        raise ProblemError(path, f"needs {idx_key} or {coord_key}", obj)


def _vehicle(v, path: str, locs: _Locations, dims: list) -> Vehicle:
    if not isinstance(v, dict):
        raise ProblemError(path, "must be an object", v)
    if "id" not in v or isinstance(v["id"], bool) or not isinstance(v["id"], int | str):
        raise ProblemError(f"{path}.id", "required integer or string", v.get("id"))
    has_start = v.get("start_index") is not None or v.get("start") is not None
    has_end = v.get("end_index") is not None or v.get("end") is not None
    if not (has_start or has_end):
        raise ProblemError(path, "needs a start or an end location", v)
    start = locs.get(v, "start_index", "start", path) if has_start else None
    end = locs.get(v, "end_index", "end", path) if has_end else None
    start = end if start is None else start
    assert start is not None  # has_start or has_end
    reload = None
    if v.get("reload_index") is not None or v.get("reload") is not None:
        reload = locs.get(v, "reload_index", "reload", path)
    costs = v.get("costs") or {}
    if not isinstance(costs, dict):
        raise ProblemError(f"{path}.costs", "must be an object", costs)
    shift = (
        as_window(v["time_window"], f"{path}.time_window")
        if "time_window" in v
        else (TimeWindow(0, 2**31 - 1))
    )
    max_work = v.get("max_working_time", v.get("max_travel_time"))
    return Vehicle(
        id=v["id"],
        start=start,
        end=end,
        capacity=as_amount(v["capacity"], f"{path}.capacity", dims) if "capacity" in v else (),
        skills=as_skills(v.get("skills", []), f"{path}.skills"),
        shift=shift,
        max_work_s=None if max_work is None else as_int(max_work, f"{path}.max_working_time"),
        max_distance_m=None
        if v.get("max_distance") is None
        else as_int(v["max_distance"], f"{path}.max_distance"),
        fixed_cost=as_num(costs.get("fixed", 0), f"{path}.costs.fixed"),
        cost_per_km=as_num(costs.get("per_km", 0), f"{path}.costs.per_km"),
        cost_per_hour=as_num(costs.get("per_hour", 3600), f"{path}.costs.per_hour"),
        cost_per_task_hour=as_num(costs.get("per_task_hour", 0), f"{path}.costs.per_task_hour"),
        max_trips=as_int(v.get("max_trips", 1), f"{path}.max_trips", lo=1),
        reload_location=reload,
        reload_s=as_int(v.get("reload_service", 0), f"{path}.reload_service"),
    )


def _job(j, path: str, locs: _Locations, dims: list) -> Stop:
    if not isinstance(j, dict):
        raise ProblemError(path, "must be an object", j)
    if "id" not in j or isinstance(j["id"], bool) or not isinstance(j["id"], int | str):
        raise ProblemError(f"{path}.id", "required integer or string", j.get("id"))
    loc = locs.get(j, "location_index", "location", path)
    pickup = as_amount(j["pickup"], f"{path}.pickup", dims) if "pickup" in j else ()
    delivery = as_amount(j["delivery"], f"{path}.delivery", dims) if "delivery" in j else ()
    if "amount" in j and "pickup" not in j and "delivery" not in j:
        delivery = as_amount(j["amount"], f"{path}.amount", dims)
    wins = tuple(
        as_window(w, f"{path}.time_windows[{k}]")
        for k, w in enumerate(as_list(j.get("time_windows", []), f"{path}.time_windows"))
    )
    return Stop(
        id=j["id"],
        location=loc,
        pickup=pickup,
        delivery=delivery,
        service_s=as_int(j.get("service", 0), f"{path}.service")
        + as_int(j.get("setup", 0), f"{path}.setup"),
        time_windows=wins,
        skills=as_skills(j.get("skills", []), f"{path}.skills"),
        priority=as_int(j.get("priority", 0), f"{path}.priority", hi=100),
        optional=bool(j.get("optional", False)),
        penalty=as_num(j.get("penalty", 0), f"{path}.penalty"),
    )


def _matrix(m, path: str, n: int | None) -> np.ndarray:
    rows = as_list(m, path)
    size = len(rows)
    if n is not None and size != n:
        raise ProblemError(path, f"is {size}x{size} but durations are {n}x{n}", None)
    out = np.zeros((size, size), dtype=np.int64)
    for r, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != size:
            raise ProblemError(f"{path}[{r}]", f"row must have {size} entries", None)
        try:
            arr = np.asarray(row, dtype=float)
        except (TypeError, ValueError):
            raise ProblemError(f"{path}[{r}]", "entries must be numbers", None) from None
        if np.isnan(arr).any() or (arr < 0).any():
            raise ProblemError(f"{path}[{r}]", "entries must be numbers >= 0", None)
        out[r] = np.rint(arr).astype(np.int64)
    return out


def _matrices(
    doc: dict, vehicles_raw: list, locs: _Locations, provider: MatrixProvider | None
) -> tuple[Matrices, list[str]]:
    opts = doc.get("options") or {}
    if not isinstance(opts, dict):
        raise ProblemError("options", "must be an object", opts)
    mats = doc.get("matrices")
    if mats is None and "matrix" in doc:
        mats = {"car": {"durations": doc["matrix"]}}
    if mats is not None:
        if locs.used_coords:
            raise ProblemError("matrices", "with matrices every location must be an index")
        if not isinstance(mats, dict) or not mats:
            raise ProblemError("matrices", "must map a profile to durations/distances", None)
        profiles = {v.get("profile", "car") for v in vehicles_raw if isinstance(v, dict)}
        if len(profiles) != 1:
            raise ProblemError("vehicles", f"one routing profile supported, got {profiles}")
        prof = profiles.pop()
        if prof not in mats:
            raise ProblemError(f"matrices.{prof}", "missing for the vehicles' profile", None)
        m = mats[prof]
        if not isinstance(m, dict) or "durations" not in m:
            raise ProblemError(f"matrices.{prof}.durations", "required", None)
        dur = _matrix(m["durations"], f"matrices.{prof}.durations", None)
        n = dur.shape[0]
        if m.get("distances") is not None:
            dist = _matrix(m["distances"], f"matrices.{prof}.distances", n)
        else:
            dist = np.rint(dur * DEFAULT_SPEED_MS).astype(np.int64)
        for path, i, item in locs.refs:
            if i >= n:
                raise ProblemError(path, f"{i} outside the {n}x{n} matrix", item)
        return Matrices(dist, dur), []
    if locs.used_index:
        path = locs.refs[0][0]
        raise ProblemError(path, "location indices need `matrices`", locs.refs[0][2])
    day = None
    if opts.get("date"):
        try:
            day = dt.date.fromisoformat(str(opts["date"]))
        except ValueError:
            raise ProblemError("options.date", "must be YYYY-MM-DD", opts["date"]) from None
    if provider is None:
        raise ProblemError(
            "matrices", "required: locations are coordinates and no distance provider is set", None
        )
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


def _shipment(sh, path: str, locs: _Locations, dims: list, key: int) -> list[Stop]:
    """A shipment's pickup and delivery as two linked stops."""
    if not isinstance(sh, dict):
        raise ProblemError(path, "must be an object", sh)
    amount = (
        as_amount(sh.get("amount", []), f"{path}.amount", dims)
        if sh.get("amount") is not None
        else ()
    )
    shared = {f: sh[f] for f in ("skills", "priority", "optional", "penalty") if f in sh}
    out = []
    for side in ("pickup", "delivery"):
        step = sh.get(side)
        if not isinstance(step, dict):
            raise ProblemError(f"{path}.{side}", "must be an object", step)
        fields = {
            f: step[f]
            for f in ("id", "location_index", "location", "service", "setup", "time_windows")
            if f in step
        }
        stop = _job({**fields, **shared}, f"{path}.{side}", locs, dims)
        out.append(
            replace(
                stop,
                kind=side,
                shipment=key,
                pickup=amount if side == "pickup" else (),
                delivery=amount if side == "delivery" else (),
            )
        )
    return out


def problem_from_vroom(doc: Any, matrices: MatrixProvider | None = None) -> Problem:
    """Validate a VROOM-style request and build a Problem (raises ProblemError).

    Locations given as coordinates need `matrices`, a distance provider (the app's is
    `lithloop.geo.matrices.RoadMatrices().for_request`); with `matrices` in the request
    every location is an index and no provider is used.
    """
    if not isinstance(doc, dict):
        raise ProblemError("$", "the problem must be a JSON object", None)
    locs, dims = _Locations(), [None]
    vraw = as_list(doc.get("vehicles"), "vehicles")
    if not vraw:
        raise ProblemError("vehicles", "at least one vehicle is required", vraw)
    vehicles = tuple(_vehicle(v, f"vehicles[{k}]", locs, dims) for k, v in enumerate(vraw))
    jobs = tuple(
        _job(j, f"jobs[{k}]", locs, dims)
        for k, j in enumerate(as_list(doc.get("jobs", []), "jobs"))
    )
    pairs = []
    for k, sh in enumerate(as_list(doc.get("shipments", []), "shipments")):
        pairs.extend(_shipment(sh, f"shipments[{k}]", locs, dims, k))
    seen: set = set()
    for k, v in enumerate(vehicles):
        if v.id in seen:
            raise ProblemError(f"vehicles[{k}].id", "duplicate id", v.id)
        seen.add(v.id)
    seen = set()
    paths = [f"jobs[{k}].id" for k in range(len(jobs))] + [
        f"shipments[{k // 2}].{'delivery' if k % 2 else 'pickup'}.id" for k in range(len(pairs))
    ]
    for path, it in zip(paths, jobs + tuple(pairs), strict=True):
        if it.id in seen:
            raise ProblemError(path, "duplicate id (unique across jobs and shipments)", it.id)
        seen.add(it.id)
    jobs = jobs + tuple(pairs)
    resolved, notes = _matrices(doc, vraw, locs, matrices)
    vids, jids = {v.id for v in vehicles}, {j.id for j in jobs}
    initial = []
    for k, r in enumerate(as_list(doc.get("initial_routes", []), "initial_routes")):
        if not isinstance(r, dict) or r.get("vehicle") not in vids:
            got = r.get("vehicle") if isinstance(r, dict) else r
            raise ProblemError(f"initial_routes[{k}].vehicle", "unknown vehicle id", got)
        ids = as_list(r.get("jobs", []), f"initial_routes[{k}].jobs")
        for m, jid in enumerate(ids):
            if jid not in jids:
                raise ProblemError(f"initial_routes[{k}].jobs[{m}]", "unknown job id", jid)
        initial.append(InitialRoute(r["vehicle"], tuple(ids)))
    return Problem(
        vehicles=vehicles,
        stops=jobs,
        matrices=resolved,
        initial_routes=tuple(initial),
        coordinates=tuple(locs.coords),
        notes=tuple(notes),
    )


def problem_from_json(text: str | bytes, matrices: MatrixProvider | None = None) -> Problem:
    """Parse JSON text and build a Problem (malformed JSON raises ProblemError at `$`)."""
    try:
        doc = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProblemError("$", f"malformed JSON: {exc}", None) from None
    return problem_from_vroom(doc, matrices)
