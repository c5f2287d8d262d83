"""The route solver's refusal (`invalid_problem`) speaks the request's language and names the
field; the CLI keeps the checker's English sentence."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys

import pytest

from lithloop import routing
from lithloop.models import Role
from lithloop.web.api.problem_text import PROBLEM_REASON_WORDS, problem_message
from tests.routing.test_vroom_io import BASE
from tests.web.test_routing_api import ROOT, bearer

SOLVE = "/api/v1/routing/solve"
CJK = re.compile(r"[\u3400-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{3,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}")  # a phrase, not a field


def _with(**changes) -> dict:
    problem = copy.deepcopy(BASE)
    for key, value in changes.items():
        problem[key] = value
    return problem


def _job(**fields) -> dict:
    return {**copy.deepcopy(BASE["jobs"][0]), **fields}


ON_THE_MAP = {  # places by coordinates: the options' date is read for the season's speeds
    "vehicles": [{"id": 1, "start": [129.6, 44.55]}],
    "jobs": [{"id": 1, "location": [129.63, 44.6]}],
}

# (problem, the field named): hostile values a client may send
BAD = [
    (_with(vehicles=[]), "vehicles"),
    (_with(jobs=[_job(service=-5)]), "jobs[0].service"),
    (_with(jobs=[_job(service=1.5)]), "jobs[0].service"),
    (_with(jobs=[_job(service=2**40)]), "jobs[0].service"),
    (_with(jobs=[_job(time_windows=[[500, 100]])]), "jobs[0].time_windows[0]"),
    (_with(jobs=[_job(id="\u202e<b>x</b>"), _job(id="\u202e<b>x</b>")]), "jobs[1].id"),
    (_with(jobs=[_job(location_index=99)]), "jobs[0].location_index"),
    (_with(jobs=[_job(penalty=float("inf"))]), "jobs[0].penalty"),
    ({**ON_THE_MAP, "options": {"date": "2026-02-30"}}, "options.date"),
    ({**ON_THE_MAP, "jobs": [{"id": 1, "location": [129.6, 91]}]}, "jobs[0].location"),
]


@pytest.mark.parametrize(("problem", "field"), BAD)
def test_a_refused_problem_is_told_in_chinese_naming_the_field(client, problem, field):
    headers = {**bearer(client, Role.DISPATCHER), "Accept-Language": "zh-CN"}
    response = client.post("/api/v1/routing/solve", json=problem, headers=headers)
    assert response.status_code == 422, response.json
    body = response.json
    assert body["error"] == "invalid_problem" and body["field"] == field
    message = body["message"]
    assert CJK.search(message) and field in message, message
    assert not ENGLISH.search(message.replace(field, "")), message


@pytest.mark.parametrize(("problem", "field"), BAD[:5])
def test_the_same_refusal_in_english(client, problem, field):
    headers = {**bearer(client, Role.DISPATCHER), "Accept-Language": "en"}
    response = client.post("/api/v1/routing/solve", json=problem, headers=headers)
    assert response.status_code == 422
    message = response.json["message"]
    assert message.startswith(f"{field}: ") and not CJK.search(message), message


def test_a_date_that_does_not_exist_is_called_so(client):
    headers = {**bearer(client, Role.DISPATCHER), "Accept-Language": "en"}
    problem = {**ON_THE_MAP, "options": {"date": "2026-02-30"}}
    response = client.post("/api/v1/routing/solve", json=problem, headers=headers)
    assert response.json["message"] == "options.date: must be a real date, YYYY-MM-DD"


def test_every_reason_of_the_checker_has_words_in_both_languages(app):
    assert set(PROBLEM_REASON_WORDS) == set(routing.PROBLEM_REASONS)
    params = {"lo": 0, "hi": 1e9, "got": 2, "first": "a", "want": 1, "start": 5, "end": 1}
    params |= {"index_key": "i", "coordinates_key": "c", "size": 3, "n": 2, "index": 9}
    params |= {"profiles": {"car", "bike"}, "detail": "x"}
    for reason in routing.PROBLEM_REASONS:
        exc = routing.ProblemError("jobs[0]", reason, None, **params)
        with app.test_request_context(SOLVE, headers={"Accept-Language": "zh"}):
            chinese = problem_message(exc)
        with app.test_request_context(SOLVE, headers={"Accept-Language": "en"}):
            english = problem_message(exc)
        assert CJK.search(chinese) and "jobs[0]" in chinese, (reason, chinese)
        assert not ENGLISH.search(chinese), (reason, chinese)
        assert not CJK.search(english) and english.startswith("jobs[0]: "), (reason, english)
        assert "%(" not in chinese + english, reason
    with app.test_request_context(SOLVE, headers={"Accept-Language": "zh"}):
        shown = problem_message(routing.ProblemError("x", "not_finite", hi=1e9))
    assert "1000000000" in shown and "1e+09" not in shown


def test_the_cli_keeps_the_checkers_english_sentence(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_with(jobs=[_job(time_windows=[[500, 100]])])))
    run = subprocess.run(
        [sys.executable, "-m", "lithloop.routing", "solve", str(path), "--seconds", "0.2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and not run.stdout
    assert "jobs[0].time_windows[0]: end 100 precedes start 500 (item: [500, 100])" in run.stderr


# Three stops no truck can serve: too heavy, a skill none has, too far for the shift.
LEFT_OUT = {
    "vehicles": [{"id": 1, "start": [129.6, 44.55], "capacity": [10], "time_window": [0, 3600]}],
    "jobs": [
        {"id": 1, "location": [129.63, 44.6], "pickup": [50]},
        {"id": 2, "location": [129.63, 44.6], "pickup": [1], "skills": [3]},
        {"id": 3, "location": [126.6, 45.6], "pickup": [1]},
    ],
}


def test_why_a_stop_was_left_out_is_told_in_the_requests_language(client):
    answers = {}
    for language in ("zh-CN", "en"):
        headers = {**bearer(client, Role.DISPATCHER), "Accept-Language": language}
        response = client.post("/api/v1/routing/solve?seconds=0.5", json=LEFT_OUT, headers=headers)
        assert response.status_code == 200, response.json
        answers[language] = {u["id"]: u for u in response.json["unassigned"]}
    chinese, english = answers["zh-CN"], answers["en"]
    assert {k: u["reason"] for k, u in chinese.items()} == {
        1: "capacity_exceeded",
        2: "skill_missing",
        3: "window_unreachable",
    }
    assert {k: u["reason"] for k, u in english.items()} == {
        k: u["reason"] for k, u in chinese.items()
    }
    for left in chinese.values():
        assert CJK.search(left["reason_text"]) and not ENGLISH.search(left["reason_text"]), left
    assert "[50]" in chinese[1]["reason_text"] and "3" in chinese[2]["reason_text"]
    assert english[2]["reason_text"] == "No truck has the skills this stop needs (3)."
