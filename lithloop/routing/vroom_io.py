"""VROOM-format JSON in and out, with validation errors that name the field and the item."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from .model import InitialRoute, Problem, Stop, TimeWindow, Vehicle
from .validate import ProblemError, as_amount, as_int, as_list, as_num, as_skills, as_window
from .vroom_locations import Locations, MatrixProvider, MatrixRequest, matrices_of
from .vroom_out import solution_to_vroom

__all__ = [
    "MatrixProvider",
    "MatrixRequest",
    "ProblemError",
    "problem_from_json",
    "problem_from_vroom",
    "solution_to_vroom",
]


def _vehicle(v, path: str, locs: Locations, dims: list) -> Vehicle:
    if not isinstance(v, dict):
        raise ProblemError(path, "not_object", v)
    if "id" not in v or isinstance(v["id"], bool) or not isinstance(v["id"], int | str):
        raise ProblemError(f"{path}.id", "id_required", v.get("id"))
    has_start = v.get("start_index") is not None or v.get("start") is not None
    has_end = v.get("end_index") is not None or v.get("end") is not None
    if not (has_start or has_end):
        raise ProblemError(path, "vehicle_place", v)
    start = locs.get(v, "start_index", "start", path) if has_start else None
    end = locs.get(v, "end_index", "end", path) if has_end else None
    start = end if start is None else start
    assert start is not None  # has_start or has_end
    reload = None
    if v.get("reload_index") is not None or v.get("reload") is not None:
        reload = locs.get(v, "reload_index", "reload", path)
    costs = v.get("costs") or {}
    if not isinstance(costs, dict):
        raise ProblemError(f"{path}.costs", "not_object", costs)
    shift = (
        as_window(v["time_window"], f"{path}.time_window")
        if "time_window" in v
        else (TimeWindow(0, 2**31 - 1))
    )
    work_key = "max_working_time" if "max_working_time" in v else "max_travel_time"
    max_work = v.get(work_key)
    return Vehicle(
        id=v["id"],
        start=start,
        end=end,
        capacity=as_amount(v["capacity"], f"{path}.capacity", dims) if "capacity" in v else (),
        skills=as_skills(v.get("skills", []), f"{path}.skills"),
        shift=shift,
        max_work_s=None if max_work is None else as_int(max_work, f"{path}.{work_key}"),
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


def _job(j, path: str, locs: Locations, dims: list) -> Stop:
    if not isinstance(j, dict):
        raise ProblemError(path, "not_object", j)
    if "id" not in j or isinstance(j["id"], bool) or not isinstance(j["id"], int | str):
        raise ProblemError(f"{path}.id", "id_required", j.get("id"))
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
        service_s=as_int(j.get("service", 0), f"{path}.service"),
        setup_s=as_int(j.get("setup", 0), f"{path}.setup"),
        time_windows=wins,
        skills=as_skills(j.get("skills", []), f"{path}.skills"),
        priority=as_int(j.get("priority", 0), f"{path}.priority", hi=100),
        optional=bool(j.get("optional", False)),
        penalty=as_num(j.get("penalty", 0), f"{path}.penalty"),
    )


def _shipment(sh, path: str, locs: Locations, dims: list, key: int) -> list[Stop]:
    """A shipment's pickup and delivery as two linked stops."""
    if not isinstance(sh, dict):
        raise ProblemError(path, "not_object", sh)
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
            raise ProblemError(f"{path}.{side}", "not_object", step)
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
        raise ProblemError("$", "problem_not_object", None)
    locs, dims = Locations(), [None]
    vraw = as_list(doc.get("vehicles"), "vehicles")
    if not vraw:
        raise ProblemError("vehicles", "no_vehicle", vraw)
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
            raise ProblemError(f"vehicles[{k}].id", "duplicate_vehicle", v.id)
        seen.add(v.id)
    seen = set()
    paths = [f"jobs[{k}].id" for k in range(len(jobs))] + [
        f"shipments[{k // 2}].{'delivery' if k % 2 else 'pickup'}.id" for k in range(len(pairs))
    ]
    for path, it in zip(paths, jobs + tuple(pairs), strict=True):
        if it.id in seen:
            raise ProblemError(path, "duplicate_stop", it.id)
        seen.add(it.id)
    jobs = jobs + tuple(pairs)
    resolved, notes = matrices_of(doc, vraw, locs, matrices)
    vids, jids = {v.id for v in vehicles}, {j.id for j in jobs}
    initial = []
    for k, r in enumerate(as_list(doc.get("initial_routes", []), "initial_routes")):
        if not isinstance(r, dict) or r.get("vehicle") not in vids:
            got = r.get("vehicle") if isinstance(r, dict) else r
            raise ProblemError(f"initial_routes[{k}].vehicle", "unknown_vehicle", got)
        ids = as_list(r.get("jobs", []), f"initial_routes[{k}].jobs")
        for m, jid in enumerate(ids):
            if jid not in jids:
                raise ProblemError(f"initial_routes[{k}].jobs[{m}]", "unknown_job", jid)
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
    except RecursionError:
        raise ProblemError("$", "json_too_deep", None) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProblemError("$", "json_malformed", None, detail=str(exc)) from None
    return problem_from_vroom(doc, matrices)
