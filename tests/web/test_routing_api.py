"""POST /api/v1/routing/solve answers like the CLI, checks its input and its callers."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lithloop.models import OrgKind, Role
from tests.conftest import api_headers
from tests.factories import make_org, make_user
from tests.routing.test_vroom_io import BASE

ROOT = Path(__file__).resolve().parents[2]


def bearer(client, role: Role) -> dict:
    kind = OrgKind.PARK_OPERATOR if role in (Role.DISPATCHER, Role.ADMIN) else OrgKind.DEALER_BRANCH
    return api_headers(client, make_user(make_org(kind), role=role))


def _routes(solution: dict) -> list:
    return sorted(
        [
            [s.get("id") for s in r["steps"] if s["type"] in ("job", "pickup", "delivery")]
            for r in solution["routes"]
        ]
    )


def test_api_and_cli_solve_the_same_json_the_same_way(app, client, tmp_path):
    response = client.post(
        "/api/v1/routing/solve?seconds=1&seed=3", json=BASE, headers=bearer(client, Role.DISPATCHER)
    )
    assert response.status_code == 200, response.json
    api = response.json
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(BASE))
    cli = json.loads(
        subprocess.run(
            [
                sys.executable,
                "-m",
                "lithloop.routing",
                "solve",
                str(path),
                "--seconds",
                "1",
                "--seed",
                "3",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert _routes(api) == _routes(cli)
    assert api["summary"]["cost"] == cli["summary"]["cost"]
    assert {u["id"] for u in api["unassigned"]} == {u["id"] for u in cli["unassigned"]}
    assert all(u.get("reason") for u in api["unassigned"])


def test_bad_problem_names_the_field(client):
    bad = copy.deepcopy(BASE)
    bad["jobs"][0]["location_index"] = 99
    response = client.post(
        "/api/v1/routing/solve", json=bad, headers=bearer(client, Role.DISPATCHER)
    )
    assert response.status_code == 422
    assert response.json["field"].startswith("jobs[0]")


@pytest.mark.parametrize(
    ("where", "field"),
    [("capacity", "vehicles[0].capacity[0]"), ("service", "jobs[0].service")],
)
def test_an_integer_too_large_for_the_solvers_is_a_422_not_a_500(client, where, field):
    bad = copy.deepcopy(BASE)
    if where == "capacity":
        bad["vehicles"][0]["capacity"][0] = 2**63
    else:
        bad["jobs"][0]["service"] = 12345678901234567890
    response = client.post(
        "/api/v1/routing/solve", json=bad, headers=bearer(client, Role.DISPATCHER)
    )
    assert response.status_code == 422
    assert response.json["field"] == field


@pytest.mark.parametrize("payload", ["{not json", json.dumps({"jobs": []})])
def test_malformed_or_incomplete_json(client, payload):
    response = client.post(
        "/api/v1/routing/solve",
        data=payload,
        headers={**bearer(client, Role.DISPATCHER), "Content-Type": "application/json"},
    )
    assert response.status_code in (400, 422) and response.json["message"]


def test_dealers_may_not_use_the_solver(client):
    response = client.post(
        "/api/v1/routing/solve", json=BASE, headers=bearer(client, Role.DEALER_STAFF)
    )
    assert response.status_code == 403


def test_large_problems_are_sent_to_planning_runs(app, client):
    big = copy.deepcopy(BASE)
    big["jobs"] = [{**BASE["jobs"][0], "id": i} for i in range(1, 300)]
    response = client.post(
        "/api/v1/routing/solve", json=big, headers=bearer(client, Role.DISPATCHER)
    )
    assert response.status_code == 422 and "299" in response.json["message"]


def test_the_server_never_fetches_an_osrm_address_the_caller_names(client):
    # SSRF: a dispatcher's request must not make the server connect where it says.
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.3)
    problem = copy.deepcopy(BASE)
    problem["options"] = {"osrm_url": f"http://127.0.0.1:{listener.getsockname()[1]}"}
    try:
        response = client.post(
            "/api/v1/routing/solve?seconds=1", json=problem, headers=bearer(client, Role.DISPATCHER)
        )
        assert response.status_code == 422
        assert response.json["field"] == "options.osrm_url"
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()
