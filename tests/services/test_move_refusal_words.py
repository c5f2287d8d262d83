"""A refused hand move tells every rule the route breaks in the reader's words: each code of
routing.VIOLATIONS has its sentence, and a Chinese page never shows the solver's English
line (it ended a refusal in brackets: "此路线违反计划规则（load 900 outside … at reload 1）")."""

from __future__ import annotations

import re
from datetime import time
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from lithloop.routing import VIOLATIONS
from lithloop.services.dispatch.plan_refusals import explain, refusal

PLATE = "黑C·T0001"
#: A line of each code, as routing.evaluate reports it for truck 3 (booking 7 its stop).
SAMPLES = {
    "trips": {"n": 3, "max": 2},
    "load": {"x": 1200, "cap": 1000.0, "where": "stop 7"},
    "window": {"stop": 7, "t": 88200},
    "skills": {"stop": 7, "skills": ["hazmat", "tail_lift"]},
    "shift": {"t": 70200, "end": 68400},
    "work": {"w": 32400, "max": 28800},
    "distance": {"d": 412000, "max": 394000},
    "unpaired": {"shipment": 5, "kind": "pickup", "other": "delivery"},
    "pair_order": {"shipment": 5},
}
LOAD_PLACES = ("start", "reload 1", "stop 7")
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])  # words only: one backend
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")  # the plate's one letter C is no word


def _lines() -> list[tuple[str, str]]:
    """(code, line) for every code, the load line at each place it is checked."""
    lines = [(code, f"3: {VIOLATIONS[code].format(**fields)}") for code, fields in SAMPLES.items()]
    lines += [
        ("load", f"3: {VIOLATIONS['load'].format(**{**SAMPLES['load'], 'where': where})}")
        for where in LOAD_PLACES[:2]
    ]
    return lines


def _day():
    booking = SimpleNamespace(
        id=7, site=SimpleNamespace(name="东安网点"), window_start=time(9), window_end=time(11)
    )
    truck = SimpleNamespace(plate=PLATE, payload_kg=1000)
    return SimpleNamespace(trucks={3: truck}, bookings={7: booking}, orders={})


def test_every_violation_code_has_a_sample_here():
    assert set(SAMPLES) == set(VIOLATIONS)


@SQLITE_ONLY
@pytest.mark.parametrize(("code", "line"), _lines(), ids=lambda x: x)
def test_a_chinese_refusal_never_shows_the_solvers_english(app, code, line):
    with app.test_request_context("/"):
        with force_locale("zh_CN"):
            chinese = explain(_day(), line)
        with force_locale("en"):
            english = explain(_day(), line)
    assert PLATE in chinese and "此路线违反计划规则" not in chinese, chinese  # its own sentence
    assert ENGLISH_WORD.findall(chinese) == [], chinese
    assert line.partition(": ")[2] not in chinese
    assert "breaks a rule of the plan" not in english and PLATE in english, english


@SQLITE_ONLY
def test_a_line_of_no_known_code_is_told_in_general_without_it(app):
    with app.test_request_context("/"), force_locale("zh_CN"):
        said = explain(_day(), "3: axle weight 9000 > 8000")
    assert said == f"{PLATE}：此路线违反计划规则。"


@SQLITE_ONLY
def test_several_broken_rules_run_together_the_chinese_way(app):
    lines = [line for code, line in _lines() if code in ("shift", "work")]
    with app.test_request_context("/"), force_locale("zh_CN"):
        said = refusal(_day(), lines)
    assert "。黑C" in said and "。 " not in said, said


@SQLITE_ONLY
def test_a_missing_truck_requirement_is_named_not_listed_as_three_maybes(app):
    """Walk finding: a damaged lot moved onto a plain truck read "needs a truck 黑C·X0812 is
    not: dangerous-goods certified, with a tail lift, or the truck its stop is locked to";
    the dispatcher is told which of the three the truck lacks."""
    day = _day()
    other = SimpleNamespace(plate="黑C·T0005", payload_kg=1000)
    day.trucks.update({5: other})

    def said(skills, **truck):
        day.trucks[3] = SimpleNamespace(plate=PLATE, payload_kg=1000, id=3, **truck)
        line = f"3: {VIOLATIONS['skills'].format(stop=7, skills=skills)}"
        with app.test_request_context("/"), force_locale("en"):
            return explain(day, line)

    plain = said([1, 1003], hazmat_certified=False, tail_lift=True)
    assert plain == f"东安网点 (#7) needs a dangerous-goods certified truck; {PLATE} is not."
    lift = said([2], hazmat_certified=True, tail_lift=False)
    assert lift == f"东安网点 (#7) needs a truck with a tail lift; {PLATE} has none."
    locked = said([1, 1005], hazmat_certified=True, tail_lift=False)
    assert locked == f"东安网点 (#7) is locked to 黑C·T0005: unlock the stop to move it to {PLATE}."
    with app.test_request_context("/"), force_locale("zh_CN"):
        line = f"3: {VIOLATIONS['skills'].format(stop=7, skills=[1])}"
        day.trucks[3] = SimpleNamespace(plate=PLATE, id=3, hazmat_certified=False, tail_lift=True)
        assert "需要有危险货物运输资质的车辆" in explain(day, line)
