"""The distance provider: haversine, circuity, speed profile, winter, OSRM stand-in."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from lithloop.geo.matrices import RoadMatrices, SpeedProfile, build_matrices, haversine_matrix
from lithloop.geo.osrm import OsrmError, osrm_table
from lithloop.routing import ProblemError, problem_from_vroom
from tests.json_stub import json_stub

PARK = (129.6329, 44.5514)  # Mudanjiang (lon, lat)
MULING = (130.5249, 44.9199)


def test_haversine_one_degree_of_latitude():
    d = haversine_matrix([(129.0, 44.0), (129.0, 45.0)])
    assert d[0, 1] == pytest.approx(111_195, rel=1e-3)
    assert d[0, 0] == 0 and d[1, 0] == d[0, 1]


def test_circuity_and_speed_profile():
    m, notes = build_matrices([PARK, MULING], circuity=1.3)
    straight = haversine_matrix([PARK, MULING])[0, 1]
    assert m.distance[0, 1] == round(straight * 1.3)
    m2, _ = build_matrices([PARK, MULING], circuity=1.5)
    assert m2.distance[0, 1] > m.distance[0, 1]
    km = m.distance[0, 1] / 1000
    hours = m.duration[0, 1] / 3600
    assert 30 < km / hours < 70  # piecewise 30/50/70 km/h
    assert not notes


def test_winter_factor_by_date():
    prof = SpeedProfile(winter_factor=1.3)
    summer, _ = build_matrices([PARK, MULING], profile=prof, day=dt.date(2026, 7, 1))
    winter, _ = build_matrices([PARK, MULING], profile=prof, day=dt.date(2026, 1, 15))
    assert winter.duration[0, 1] == pytest.approx(summer.duration[0, 1] * 1.3, abs=1)
    assert winter.distance[0, 1] == summer.distance[0, 1]
    assert prof.is_winter(dt.date(2026, 12, 1)) and prof.is_winter(dt.date(2028, 2, 29))
    assert not prof.is_winter(dt.date(2026, 3, 1)) and not prof.is_winter(dt.date(2026, 11, 30))
    custom = SpeedProfile(winter=(((11, 15), (3, 15)),))
    assert custom.is_winter(dt.date(2026, 11, 20)) and custom.is_winter(dt.date(2026, 3, 10))


def _table(path: str) -> dict:
    coords = path.split("/table/v1/driving/")[1].split("?")[0].split(";")
    n = len(coords)
    return {
        "code": "Ok",
        "durations": [[0 if i == j else 100 * (i + j) for j in range(n)] for i in range(n)],
        "distances": [[0 if i == j else 1000 * (i + j) for j in range(n)] for i in range(n)],
    }


@pytest.fixture
def osrm():
    with json_stub(_table) as stub:
        yield stub


def test_osrm_table_is_used(osrm):
    dist, dur = osrm_table(osrm.url, [PARK, MULING, (129.9, 44.6)])
    assert dist.shape == (3, 3) and dist[0, 1] == 1000 and dur[2, 1] == 300
    m, notes = build_matrices(
        [PARK, MULING, (129.9, 44.6)], osrm_url=osrm.url, day=dt.date(2026, 1, 10)
    )
    assert m.distance[1, 2] == 3000
    assert m.duration[1, 2] == round(300 * 1.3)  # winter applies to OSRM times too
    assert "OSRM" in notes[0]
    assert "129.632900,44.551400" in osrm.seen[-1]


def test_osrm_down_falls_back_with_a_clear_note():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    url = f"http://127.0.0.1:{port}"
    with pytest.raises(OsrmError, match="unavailable"):
        osrm_table(url, [PARK, MULING], timeout_s=2)
    m, notes = build_matrices([PARK, MULING], osrm_url=url, timeout_s=2)
    assert "unavailable" in notes[0] and "haversine" in notes[0]
    assert m.distance[0, 1] == round(haversine_matrix([PARK, MULING])[0, 1] * 1.3)


def test_vroom_coordinates_with_osrm_option(osrm):
    doc = {
        "vehicles": [{"id": 1, "start": list(PARK), "end": list(PARK)}],
        "jobs": [{"id": 5, "location": list(MULING)}],
        "options": {"osrm_url": osrm.url},
    }
    p = problem_from_vroom(doc, RoadMatrices().for_request)
    assert p.matrices.size == 2 and int(p.matrices.distance[0, 1]) == 1000
    assert np.array_equal(p.matrices.distance, p.matrices.distance.T)


def test_vroom_coordinates_use_the_provider_and_the_request_options():
    doc = {
        "vehicles": [{"id": 1, "start": list(PARK), "end": list(PARK)}],
        "jobs": [{"id": 5, "location": list(MULING)}],
        "options": {"date": "2026-01-15", "circuity": 1.5, "winter_factor": 1.2},
    }
    p = problem_from_vroom(doc, RoadMatrices().for_request)
    straight = haversine_matrix([PARK, MULING])[0, 1]
    assert p.matrices.distance[0, 1] == round(straight * 1.5)
    summer = SpeedProfile().seconds(np.array([round(straight * 1.5)]))[0]
    assert p.matrices.duration[0, 1] == pytest.approx(summer * 1.2, abs=2)
    plain = problem_from_vroom({**doc, "options": {}}, RoadMatrices().for_request)
    assert plain.matrices.distance[0, 1] == round(straight * 1.3)


def test_routing_alone_refuses_coordinates_it_cannot_measure():
    doc = {
        "vehicles": [{"id": 1, "start": list(PARK)}],
        "jobs": [{"id": 5, "location": list(MULING)}],
    }
    with pytest.raises(ProblemError) as err:
        problem_from_vroom(doc)
    assert err.value.path == "matrices" and "provider" in err.value.message
