"""VROOM-format input validation and output shape."""

from __future__ import annotations

import copy
import json

import pytest

from lithloop.routing import (
    ProblemError,
    problem_from_json,
    problem_from_vroom,
    solution_to_vroom,
    solve,
)

from .checker import check

DUR = [[0, 600, 900, 700], [600, 0, 500, 400], [900, 500, 0, 300], [700, 400, 300, 0]]
DIST = [[d * 15 for d in row] for row in DUR]

BASE = {
    "vehicles": [
        {
            "id": "v1",
            "start_index": 0,
            "end_index": 0,
            "capacity": [1000, 4],
            "skills": [1],
            "time_window": [28800, 64800],
            "max_trips": 2,
            "reload_service": 600,
            "costs": {"fixed": 100, "per_km": 2, "per_hour": 60},
        },
        {"id": "v2", "start_index": 0, "capacity": [800, 3], "time_window": [28800, 64800]},
    ],
    "jobs": [
        {"id": 1, "location_index": 1, "pickup": [600, 2], "service": 300},
        {"id": 2, "location_index": 2, "pickup": [500, 2], "service": 300, "skills": [1]},
        {
            "id": 3,
            "location_index": 3,
            "delivery": [300, 1],
            "service": 300,
            "time_windows": [[30000, 40000], [50000, 60000]],
            "priority": 10,
        },
        {"id": 4, "location_index": 3, "pickup": [100, 9]},
    ],
    "matrices": {"car": {"durations": DUR, "distances": DIST}},
}


def test_round_trip_output_format():
    p = problem_from_vroom(BASE)
    sol = solve(p, time_limit_s=0.5)
    assert not check(p, sol)
    out = solution_to_vroom(sol)
    json.dumps(out)
    assert out["code"] == 0
    assert set(out["summary"]) >= {"cost", "routes", "unassigned", "distance", "duration"}
    steps = out["routes"][0]["steps"]
    assert steps[0]["type"] == "start" and steps[-1]["type"] == "end"
    for st in steps:
        assert {"type", "location_index", "arrival", "load", "distance"} <= set(st)
    jobs = [st["id"] for r in out["routes"] for st in r["steps"] if st["type"] == "job"]
    assert sorted(jobs) == [1, 2, 3]
    (u,) = out["unassigned"]
    assert u["id"] == 4 and u["reason"] == "capacity_exceeded" and u["reason_text"]


def _bad(mutate):
    doc = copy.deepcopy(BASE)
    mutate(doc)
    with pytest.raises(ProblemError) as info:
        problem_from_vroom(doc)
    return info.value


def test_malformed_json():
    with pytest.raises(ProblemError) as info:
        problem_from_json('{"vehicles": [')
    assert info.value.path == "$" and "malformed JSON" in info.value.message


def test_matrix_size_not_matching_location_index():
    e = _bad(lambda d: d["jobs"][2].update(location_index=7))
    assert e.path == "jobs[2].location_index" and e.item["id"] == 3
    e = _bad(lambda d: d["matrices"]["car"]["distances"].pop())
    assert e.path == "matrices.car.distances"
    e = _bad(lambda d: d["matrices"]["car"]["durations"][1].pop())
    assert e.path == "matrices.car.durations[1]"


def test_negative_amount():
    e = _bad(lambda d: d["jobs"][1].update(pickup=[-5, 1]))
    assert e.path == "jobs[1].pickup[0]" and e.item == -5


def test_capacity_and_amount_lengths_differ():
    e = _bad(lambda d: d["jobs"][0].update(pickup=[600]))
    assert e.path == "jobs[0].pickup" and "vehicles[0].capacity" in e.message


def test_window_end_before_start():
    e = _bad(lambda d: d["jobs"][2]["time_windows"].__setitem__(0, [40000, 30000]))
    assert e.path == "jobs[2].time_windows[0]" and e.item == [40000, 30000]
    e = _bad(lambda d: d["vehicles"][1].update(time_window=[5, 1]))
    assert e.path == "vehicles[1].time_window"


def test_unknown_vehicle_in_initial_routes():
    e = _bad(lambda d: d.update(initial_routes=[{"vehicle": "v9", "jobs": [1]}]))
    assert e.path == "initial_routes[0].vehicle" and e.item == "v9"
    e = _bad(lambda d: d.update(initial_routes=[{"vehicle": "v1", "jobs": [1, 99]}]))
    assert e.path == "initial_routes[0].jobs[1]"


def test_other_bad_inputs():
    assert _bad(lambda d: d.update(vehicles=[])).path == "vehicles"
    assert _bad(lambda d: d["jobs"].append(dict(d["jobs"][0]))).path == "jobs[4].id"
    assert _bad(lambda d: d["jobs"][0].update(priority=101)).path == "jobs[0].priority"
    assert _bad(lambda d: d["jobs"][0].update(service="x")).path == "jobs[0].service"
    assert _bad(lambda d: d.pop("matrices")).path == "vehicles[0].start_index"
    with pytest.raises(ProblemError):
        problem_from_vroom([1, 2])


def test_initial_routes_accepted():
    doc = copy.deepcopy(BASE)
    doc["initial_routes"] = [{"vehicle": "v1", "jobs": [2, 1]}]
    p = problem_from_vroom(doc)
    assert p.initial_routes[0].stop_ids == (2, 1)
    assert not check(p, solve(p, time_limit_s=0.3))


def test_shipments_pickup_before_delivery_same_truck():
    doc = copy.deepcopy(BASE)
    doc["shipments"] = [
        {
            "amount": [700, 2],
            "pickup": {"id": 20, "location_index": 3, "service": 120},
            "delivery": {"id": 21, "location_index": 1, "time_windows": [[28800, 60000]]},
        },
        {
            "amount": [200, 1],
            "skills": [1],
            "pickup": {"id": 22, "location_index": 2},
            "delivery": {"id": 23, "location_index": 3},
        },
    ]
    p = problem_from_vroom(doc)
    assert [s.kind for s in p.stops[-4:]] == ["pickup", "delivery"] * 2
    sol = solve(p, time_limit_s=1.0)
    assert not check(p, sol)
    out = solution_to_vroom(sol)
    types = {st["id"]: st["type"] for r in out["routes"] for st in r["steps"] if "id" in st}
    assert types.get(20) == "pickup" and types.get(21) == "delivery"
    route = next(r for r in out["routes"] if any(st.get("id") == 22 for st in r["steps"]))
    assert route["vehicle"] == "v1"  # skill 1


def test_shipment_errors():
    def add(d, sh):
        d["shipments"] = [sh]

    e = _bad(lambda d: add(d, {"amount": [1, 1], "pickup": {"id": 30, "location_index": 1}}))
    assert e.path == "shipments[0].delivery"
    e = _bad(
        lambda d: add(
            d,
            {
                "amount": [1],
                "pickup": {"id": 30, "location_index": 1},
                "delivery": {"id": 31, "location_index": 2},
            },
        )
    )
    assert e.path == "shipments[0].amount"
    e = _bad(
        lambda d: add(
            d,
            {
                "amount": [1, 1],
                "pickup": {"id": 1, "location_index": 1},
                "delivery": {"id": 31, "location_index": 2},
            },
        )
    )
    assert e.path == "shipments[0].pickup.id"


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), 1e300, -1])
@pytest.mark.parametrize("field", ["fixed", "per_km", "per_hour", "per_task_hour"])
def test_a_cost_that_is_not_a_sensible_number_is_refused(field, bad):
    e = _bad(lambda d: d["vehicles"][0]["costs"].update({field: bad}))
    assert e.path == f"vehicles[0].costs.{field}"


def test_nan_in_the_json_text_is_refused_naming_the_field():
    text = json.dumps(BASE).replace('"per_km": 2', '"per_km": NaN')
    with pytest.raises(ProblemError) as info:
        problem_from_json(text)
    assert info.value.path == "vehicles[0].costs.per_km"


def test_service_hours_are_read_from_per_task_hour():
    doc = copy.deepcopy(BASE)
    doc["vehicles"][0]["costs"]["per_task_hour"] = 30
    p = problem_from_vroom(doc)
    assert p.vehicles[0].cost_per_task_hour == 30 and p.vehicles[1].cost_per_task_hour == 0


def _with(doc: dict, path: list, value) -> dict:
    """A deep copy of `doc` with the item at `path` replaced."""
    out = copy.deepcopy(doc)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (["vehicles", 0, "capacity", 0], "vehicles[0].capacity[0]"),
        (["vehicles", 0, "time_window", 1], "vehicles[0].time_window[1]"),
        (["jobs", 0, "pickup", 0], "jobs[0].pickup[0]"),
        (["jobs", 0, "service"], "jobs[0].service"),
        (["jobs", 2, "time_windows", 0, 1], "jobs[2].time_windows[0][1]"),
    ],
)
@pytest.mark.parametrize("huge", [2**63, 12345678901234567890, 2**31])
def test_an_integer_beyond_what_the_solvers_hold_is_refused_naming_the_field(path, field, huge):
    with pytest.raises(ProblemError) as info:
        problem_from_vroom(_with(BASE, path, huge))
    assert info.value.path == field
    assert "2147483647" in info.value.message


def test_a_huge_or_infinite_matrix_entry_is_refused():
    for bad in (1e300, float("inf"), 2**40):
        doc = _with(BASE, ["matrices", "car", "durations", 1, 2], bad)
        with pytest.raises(ProblemError) as info:
            problem_from_vroom(doc)
        assert info.value.path == "matrices.car.durations[1]"


def test_the_working_time_error_names_the_field_that_was_sent():
    doc = copy.deepcopy(BASE)
    doc["vehicles"][0]["max_travel_time"] = -1
    with pytest.raises(ProblemError) as info:
        problem_from_vroom(doc)
    assert info.value.path == "vehicles[0].max_travel_time"


def test_json_nested_too_deeply_is_refused_not_a_recursion_error():
    with pytest.raises(ProblemError) as info:
        problem_from_json("[" * 100_000 + "]" * 100_000)
    assert info.value.path == "$"
