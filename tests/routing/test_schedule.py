"""schedule.simulate step by step: exact times, loads, distances and every violation message.

Three locations with hand-written matrices (park 0, dealers 1 and 2), so that each figure
below can be checked with a pencil: 0-1 is 100 m / 10 s, 1-2 is 200 m / 20 s, 0-2 is
300 m / 30 s. A dispatcher's hand-made move is refused when `simulate` reports a violation,
so each violation is asserted with its exact text, at its boundary and one past it.
"""

from __future__ import annotations

import numpy as np
import pytest

from lithloop.routing import Matrices, Problem, Stop, TimeWindow, Vehicle
from lithloop.routing.schedule import (
    JOB,
    RELOAD,
    Simulation,
    amounts,
    capacity_of,
    service_start,
    simulate,
)

DIST = [[0, 100, 300], [100, 0, 200], [300, 200, 0]]
DUR = [[0, 10, 30], [10, 0, 20], [30, 20, 0]]
MATRICES = Matrices(np.array(DIST, dtype=np.int64), np.array(DUR, dtype=np.int64))


def van(**kw) -> Vehicle:
    kw.setdefault("capacity", (10,))
    kw.setdefault("shift", TimeWindow(0, 10_000))
    return Vehicle(id="v", **kw)


def problem(stops, vehicle=None) -> Problem:
    return Problem(vehicles=(vehicle or van(),), stops=tuple(stops), matrices=MATRICES)


R = (RELOAD, None)


def jobs(*indices):
    return [(JOB, i) for i in indices]


def step_tuples(sim: Simulation):
    return [
        (s.type, s.location, s.arrival, s.service_start, s.departure, s.load, s.distance)
        for s in sim.steps
    ]


def test_amounts_pads_with_zeros_and_keeps_what_is_there():
    assert amounts((4,), 3) == (4, 0, 0)
    assert amounts((4, 5), 2) == (4, 5)
    assert amounts((), 0) == ()


def test_capacity_of_is_unlimited_when_empty_and_padded_otherwise():
    assert capacity_of(van(capacity=()), 2) == (float("inf"), float("inf"))
    assert capacity_of(van(capacity=(7,)), 2) == (7, 0)


@pytest.mark.parametrize(
    ("arrival", "start"),
    [(50, 100), (100, 100), (150, 150), (200, 200), (201, 300), (400, 400), (401, None)],
)
def test_service_start_takes_the_first_window_still_open(arrival, start):
    windows = (TimeWindow(300, 400), TimeWindow(100, 200))  # unsorted on purpose
    assert service_start(Stop(id="s", location=1, time_windows=windows), arrival) == start


def test_service_start_without_windows_is_the_arrival():
    assert service_start(Stop(id="s", location=1), 1234) == 1234


def test_two_pickups_step_by_step():
    stops = [
        Stop(id="a", location=1, pickup=(4,), service_s=10),
        Stop(id="b", location=2, pickup=(5,), service_s=20),
    ]
    sim = simulate(problem(stops), van(), jobs(0, 1), depart=1000)
    assert step_tuples(sim) == [
        ("start", 0, 1000, 1000, 1000, (0,), 0),
        ("job", 1, 1010, 1010, 1020, (4,), 100),
        ("job", 2, 1040, 1040, 1060, (9,), 300),
        ("end", 0, 1090, 1090, 1090, (9,), 600),
    ]
    assert [s.stop_id for s in sim.steps] == [None, "a", "b", None]
    assert [s.trip for s in sim.steps] == [0, 0, 0, 0]
    assert (sim.distance, sim.end_time, sim.trips) == (600, 1090, 1)
    assert sim.violations == []
    assert sim.feasible is True


def test_a_hand_made_move_that_overloads_the_truck_is_refused():
    stops = [
        Stop(id="a", location=1, pickup=(6,)),
        Stop(id="b", location=2, pickup=(5,)),
    ]
    fits = simulate(problem(stops[:1] + [Stop(id="b", location=2, pickup=(4,))]), van(), jobs(0, 1))
    assert fits.feasible and fits.steps[-1].load == (10,)  # exactly full is fine
    sim = simulate(problem(stops), van(), jobs(0, 1))
    assert sim.violations == ["load 11 outside [0, 10] at stop b"]
    assert sim.feasible is False


def test_deliveries_are_loaded_at_the_park_and_an_overload_there_is_reported():
    stops = [
        Stop(id="a", location=1, delivery=(6,)),
        Stop(id="b", location=2, delivery=(5,)),
    ]
    sim = simulate(problem(stops), van(), jobs(0, 1), depart=0)
    assert [s.load for s in sim.steps] == [(11,), (5,), (0,), (0,)]
    assert sim.violations == ["load 11 outside [0, 10] at start"]


def test_a_delivery_without_its_pickup_goes_negative_and_is_reported():
    stops = [Stop(id="d", location=1, delivery=(2,), kind="delivery", shipment="s1")]
    sim = simulate(problem(stops), van(), jobs(0), depart=0)
    assert sim.steps[0].load == (0,)  # shipment goods are not loaded at the park
    assert sim.violations == [
        "load -2 outside [0, 10] at stop d",
        "shipment s1: delivery without its pickup",
    ]


def test_an_unlimited_truck_takes_any_load():
    stops = [Stop(id="a", location=1, pickup=(10**6,))]
    assert simulate(problem(stops), van(capacity=()), jobs(0)).feasible


def test_reload_splits_the_loads_per_trip():
    stops = [
        Stop(id="a", location=1, delivery=(7,), service_s=10),
        Stop(id="b", location=2, delivery=(8,), service_s=10),
    ]
    v = van(max_trips=2, reload_s=100)
    sim = simulate(problem(stops, v), v, [(JOB, 0), (RELOAD, None), (JOB, 1)], depart=0)
    assert step_tuples(sim) == [
        ("start", 0, 0, 0, 0, (7,), 0),
        ("job", 1, 10, 10, 20, (0,), 100),
        ("reload", 0, 30, 30, 130, (8,), 200),
        ("job", 2, 160, 160, 170, (0,), 500),
        ("end", 0, 200, 200, 200, (0,), 800),
    ]
    assert [s.trip for s in sim.steps] == [0, 0, 1, 1, 1]
    assert (sim.trips, sim.violations) == (2, [])


def test_reload_somewhere_else_and_its_overload():
    stops = [Stop(id="a", location=1, pickup=(3,)), Stop(id="b", location=1, delivery=(11,))]
    v = van(max_trips=2, reload_location=2, end=0)
    sim = simulate(problem(stops, v), v, [(JOB, 0), (RELOAD, None), (JOB, 1)], depart=0)
    assert [(s.type, s.location, s.load) for s in sim.steps] == [
        ("start", 0, (0,)),
        ("job", 1, (3,)),
        ("reload", 2, (11,)),
        ("job", 1, (0,)),
        ("end", 0, (0,)),
    ]
    assert sim.violations == ["load 11 outside [0, 10] at reload 1"]


def test_more_trips_than_allowed():
    stops = [Stop(id="a", location=1), Stop(id="b", location=2)]
    seq = [(JOB, 0), (RELOAD, None), (JOB, 1)]
    assert simulate(problem(stops), van(max_trips=1), seq).violations == ["2 trips > max_trips 1"]
    assert simulate(problem(stops), van(max_trips=0), jobs(0, 1)).violations == []
    assert simulate(problem(stops), van(max_trips=2), seq).violations == []


def test_arrival_after_the_last_window():
    late = Stop(id="a", location=1, time_windows=(TimeWindow(0, 9),), service_s=5)
    sim = simulate(problem([late]), van(), jobs(0), depart=0)
    assert sim.violations == ["stop a: arrival 10 after its last time window"]
    assert step_tuples(sim)[1] == ("job", 1, 10, 10, 15, (0,), 100)
    on_time = Stop(id="a", location=1, time_windows=(TimeWindow(0, 10),))
    assert simulate(problem([on_time]), van(), jobs(0), depart=0).feasible


def test_missing_skills_are_named():
    stop = Stop(id="a", location=1, skills=frozenset({"tail_lift", "hazmat"}))
    sim = simulate(problem([stop]), van(skills=frozenset({"hazmat"})), jobs(0))
    assert sim.violations == ["stop a: skills ['hazmat', 'tail_lift'] missing"]
    both = van(skills=frozenset({"hazmat", "tail_lift", "crane"}))
    assert simulate(problem([stop]), both, jobs(0)).feasible


def test_route_ending_after_the_shift():
    stop = Stop(id="a", location=1)
    assert simulate(problem([stop]), van(shift=TimeWindow(0, 20)), jobs(0)).feasible
    sim = simulate(problem([stop]), van(shift=TimeWindow(0, 19)), jobs(0))
    assert sim.violations == ["route ends at 20 after shift end 19"]


def test_working_time_limit():
    stop = Stop(id="a", location=2, service_s=40)
    assert simulate(problem([stop]), van(max_work_s=100), jobs(0), depart=1000).feasible
    sim = simulate(problem([stop]), van(max_work_s=99), jobs(0), depart=1000)
    assert sim.violations == ["working time 100 > 99"]


def test_an_unused_truck_has_no_working_time_even_if_it_drives_home():
    v = van(start=1, end=0, max_work_s=5)
    sim = simulate(problem([Stop(id="a", location=2)], v), v, [], depart=0)
    assert (sim.end_time, sim.distance, sim.violations) == (10, 100, [])


def test_distance_limit():
    stop = Stop(id="a", location=2)
    assert simulate(problem([stop]), van(max_distance_m=600), jobs(0)).feasible
    sim = simulate(problem([stop]), van(max_distance_m=599), jobs(0))
    assert sim.violations == ["distance 600 > 599"]


def test_without_depart_the_truck_leaves_as_late_as_the_first_window_allows():
    stop = Stop(id="a", location=1, time_windows=(TimeWindow(500, 600),), service_s=0)
    v = van(max_work_s=100)
    sim = simulate(problem([stop], v), v, jobs(0))
    assert step_tuples(sim) == [
        ("start", 0, 490, 490, 490, (0,), 0),
        ("job", 1, 500, 500, 500, (0,), 100),
        ("end", 0, 510, 510, 510, (0,), 200),
    ]
    assert sim.feasible
    early = simulate(problem([stop], v), v, jobs(0), depart=0)
    assert early.steps[1].waiting_s == 490
    assert early.violations == ["working time 510 > 100"]


def test_the_late_departure_is_capped_by_the_shift():
    stop = Stop(id="a", location=1, time_windows=(TimeWindow(500, 600),))
    v = van(shift=TimeWindow(0, 200))
    sim = simulate(problem([stop], v), v, jobs(0))
    assert sim.steps[0].departure == 200
    assert sim.violations == ["route ends at 510 after shift end 200"]


def test_without_waiting_the_truck_leaves_at_the_start_of_its_shift():
    stop = Stop(id="a", location=1, time_windows=(TimeWindow(0, 600),))
    sim = simulate(problem([stop], van(shift=TimeWindow(300, 10_000))), van(), jobs(0))
    assert sim.steps[0].departure == 0
    v = van(shift=TimeWindow(300, 10_000))
    assert simulate(problem([stop], v), v, jobs(0)).steps[0].departure == 300


def test_a_window_violation_is_not_hidden_by_leaving_later():
    stops = [
        Stop(id="a", location=1, time_windows=(TimeWindow(500, 600),)),
        Stop(id="b", location=2, time_windows=(TimeWindow(0, 100),)),
    ]
    sim = simulate(problem(stops), van(), jobs(0, 1))
    assert sim.steps[0].departure == 0
    assert sim.violations == ["stop b: arrival 520 after its last time window"]


def test_late_departure_stops_where_the_return_would_be_later():
    # waiting at a only matters until b's window: leaving later than 100 arrives later back
    stops = [
        Stop(id="a", location=1, time_windows=(TimeWindow(110, 120),)),
        Stop(id="b", location=2, time_windows=(TimeWindow(400, 900),)),
    ]
    sim = simulate(problem(stops), van(), jobs(0, 1))
    assert [s.departure for s in sim.steps] == [110, 120, 400, 430]
    assert [s.waiting_s for s in sim.steps] == [0, 0, 260, 0]
    assert sim.violations == []


def test_empty_route_is_start_and_end_only():
    sim = simulate(problem([]), van(shift=TimeWindow(50, 10_000)), [])
    assert step_tuples(sim) == [
        ("start", 0, 50, 50, 50, (0,), 0),
        ("end", 0, 50, 50, 50, (0,), 0),
    ]
    assert (sim.trips, sim.feasible) == (1, True)


def shipment(key, pickup_loc=1, delivery_loc=2, amount=3):
    return [
        Stop(id=f"{key}p", location=pickup_loc, pickup=(amount,), kind="pickup", shipment=key),
        Stop(
            id=f"{key}d", location=delivery_loc, delivery=(amount,), kind="delivery", shipment=key
        ),
    ]


def test_shipment_in_order_in_one_trip_is_fine():
    sim = simulate(problem(shipment("s")), van(), jobs(0, 1))
    assert [s.load for s in sim.steps] == [(0,), (3,), (0,), (0,)]
    assert [s.type for s in sim.steps] == ["start", "pickup", "delivery", "end"]
    assert sim.violations == []


def test_shipment_delivered_before_its_pickup():
    sim = simulate(problem(shipment("s")), van(), jobs(1, 0))
    assert sim.violations == [
        "load -3 outside [0, 10] at stop sd",
        "shipment s: delivery must follow pickup in the same trip",
    ]


def test_shipment_split_over_two_trips():
    v = van(max_trips=2)
    sim = simulate(problem(shipment("s"), v), v, [(JOB, 0), (RELOAD, None), (JOB, 1)])
    assert "shipment s: delivery must follow pickup in the same trip" in sim.violations


def test_shipment_pickup_without_its_delivery():
    sim = simulate(problem(shipment("s")), van(), jobs(0))
    assert sim.violations == ["shipment s: pickup without its delivery"]


def test_a_feasible_route_still_leaves_late_to_skip_even_one_second_of_waiting():
    stop = Stop(id="a", location=1, time_windows=(TimeWindow(11, 600),))
    sim = simulate(problem([stop]), van(), jobs(0))
    assert [s.departure for s in sim.steps] == [1, 11, 21]
    far = Stop(id="a", location=1, time_windows=(TimeWindow(500, 600),))
    assert simulate(problem([far]), van(), jobs(0)).steps[0].departure == 490


def test_three_trips_are_numbered_and_loaded_each_from_the_park():
    stops = [
        Stop(id="sp", location=1, pickup=(2,), kind="pickup", shipment="s"),
        Stop(id="a", location=1, delivery=(3,)),  # a job after a shipment end, same trip
        Stop(id="sd", location=2, delivery=(2,), kind="delivery", shipment="s"),
        Stop(id="b", location=2, delivery=(4,)),
        Stop(id="c", location=1, delivery=(5,)),
    ]
    v = van(max_trips=3)
    seq = [(JOB, 0), (JOB, 1), (JOB, 2), R, (JOB, 3), R, (JOB, 4)]
    sim = simulate(problem(stops, v), v, seq, depart=0)
    assert [(s.type, s.trip, s.load) for s in sim.steps] == [
        ("start", 0, (3,)),
        ("pickup", 0, (5,)),
        ("job", 0, (2,)),
        ("delivery", 0, (0,)),
        ("reload", 1, (4,)),
        ("job", 1, (0,)),
        ("reload", 2, (5,)),
        ("job", 2, (0,)),
        ("end", 2, (0,)),
    ]
    assert (sim.trips, sim.violations) == (3, [])


def test_a_shipment_over_the_second_and_third_trips():
    stops = shipment("s")
    v = van(max_trips=3)
    seq = [R, (JOB, 0), R, (JOB, 1)]  # a leading reload: trips 1 and 2 hold the two ends
    sim = simulate(problem(stops, v), v, seq, depart=0)
    assert "shipment s: delivery must follow pickup in the same trip" in sim.violations


def test_any_wait_also_leaves_late_for_a_wait_further_on():
    # a has no window, b opens at 400: leaving at 0 waits 370 s at b, not at a
    stops = [
        Stop(id="a", location=1),
        Stop(id="b", location=2, time_windows=(TimeWindow(400, 900),)),
    ]
    first_only = simulate(problem(stops), van(), jobs(0, 1))
    assert [s.departure for s in first_only.steps] == [0, 10, 400, 430]
    assert [s.waiting_s for s in first_only.steps] == [0, 0, 370, 0]
    anywhere = simulate(problem(stops), van(), jobs(0, 1), any_wait=True)
    assert [s.departure for s in anywhere.steps] == [370, 380, 400, 430]
    assert [s.waiting_s for s in anywhere.steps] == [0, 0, 0, 0]
    assert anywhere.violations == []


def test_any_wait_still_counts_a_wait_at_the_first_stop():
    stop = Stop(id="a", location=1, time_windows=(TimeWindow(500, 600),))
    sim = simulate(problem([stop]), van(), jobs(0), any_wait=True)
    assert [s.departure for s in sim.steps] == [490, 500, 510]
