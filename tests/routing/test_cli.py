"""The command line: solve, solomon, and exit code 2 with the field named on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .test_vroom_io import BASE

ROOT = Path(__file__).resolve().parents[2]
SOLOMON = Path(__file__).parent / "data"  # c101 and r201, copied from the Solomon set


def _run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "lithloop.routing", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
    )


def test_solve_prints_json(tmp_path):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(BASE))
    r = _run("solve", str(f), "--seconds", "0.5", "--seed", "3")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["code"] == 0 and out["summary"]["routes"] >= 1


def test_solve_measures_coordinates_with_the_geo_provider():
    park, muling = [129.6329, 44.5514], [130.5249, 44.9199]
    doc = {
        "vehicles": [{"id": 1, "start": park, "end": park}],
        "jobs": [{"id": 7, "location": muling}],
        "options": {"circuity": 1.5},
    }
    r = _run("solve", "-", "--seconds", "0.5", stdin=json.dumps(doc))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["summary"]["unassigned"] == 0
    assert out["summary"]["distance"] == 2 * round(81_506 * 1.5)  # 81.5 km apart


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{not json", "$"),
        (
            json.dumps({**BASE, "jobs": [{"id": 1, "location_index": 1, "pickup": [-1, 0]}]}),
            "jobs[0].pickup[0]",
        ),
        (json.dumps({**BASE, "jobs": [{"id": 1, "location_index": 9}]}), "jobs[0].location_index"),
        (
            json.dumps({**BASE, "jobs": [{"id": 1, "location_index": 1, "service": 2**63}]}),
            "jobs[0].service",
        ),
        ("[" * 100_000 + "]" * 100_000, "$"),
    ],
)
def test_bad_input_exit_2(tmp_path, text, field):
    f = tmp_path / "bad.json"
    f.write_text(text)
    r = _run("solve", str(f), "--seconds", "0.2")
    assert r.returncode == 2
    assert field in r.stderr and not r.stdout


def test_missing_file_and_bad_seconds(tmp_path):
    assert _run("solve", str(tmp_path / "nope.json")).returncode == 2
    assert _run("solve", "x.json", "--seconds", "-1").returncode == 2
    bad = tmp_path / "x.txt"
    bad.write_text("hello\n")
    r = _run("solomon", str(bad), "--seconds", "1")
    assert r.returncode == 2 and "path" in r.stderr


def test_solomon_command():
    r = _run("solomon", str(SOLOMON / "c101.txt"), "--seconds", "1.5", "--vehicles", "12")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    customers = sorted(c for route in out["routes"] for c in route)
    assert customers == list(range(1, 101))
    assert out["vehicles"] == len(out["routes"]) <= 12
    assert not out["errors"]
    assert 828.9 <= out["distance"] < 828.94 * 1.05


def test_solomon_command_with_two_workers():
    r = _run("solomon", str(SOLOMON / "r201.txt"), "--seconds", "1.5", "--workers", "2")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert sorted(c for route in out["routes"] for c in route) == list(range(1, 101))
    assert not out["errors"]
    assert _run("solomon", str(SOLOMON / "r201.txt"), "--workers", "0").returncode == 2


def test_no_improvement_ends_early_and_a_bad_value_names_the_option(tmp_path):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(BASE))
    r = _run("solve", str(f), "--seconds", "40", "--no-improvement", "0.5")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["summary"]["computing_times"]["solving"] < 20
    bad = _run("solve", str(f), "--no-improvement", "-2")
    assert bad.returncode == 2 and "--no-improvement" in bad.stderr


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--seconds", "inf"),
        ("--seconds", "1e999"),
        ("--seconds", "nan"),
        ("--no-improvement", "inf"),
        ("--seed", "99999999999999999999999"),
        ("--seed", str(2**32)),
        ("--seed", "-1"),
    ],
)
def test_endless_seconds_and_seeds_the_solver_cannot_take_are_refused(tmp_path, option, value):
    # parsed before the file is read: a refusal names the option, not the missing file
    r = _run("solve", str(tmp_path / "nope.json"), option, value)
    assert r.returncode == 2 and option in r.stderr, r.stderr


def test_the_largest_seed_is_accepted(tmp_path):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(BASE))
    r = _run("solve", str(f), "--seconds", "0.5", "--seed", str(2**32 - 8), "--workers", "2")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("command", ["solve", "solomon"])
def test_a_file_that_is_not_utf8_exits_2_without_a_traceback(tmp_path, command):
    f = tmp_path / "bin.json"
    f.write_bytes(b'{"vehicles": "\xc4\xe3\xba\xc3\xff\xfe"}\n')
    r = _run(command, str(f), "--seconds", "0.2")
    assert r.returncode == 2, r.stderr
    assert "not UTF-8" in r.stderr and "Traceback" not in r.stderr and not r.stdout
