"""A `flask` command (seed-demo plans runs) writes no samples to PROMETHEUS_MULTIPROC_DIR:
its runs are not the service's, and its files would never be cleared."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FLASK = str(Path(sys.executable).with_name("flask"))
#: The `flask` command line with one more command that records a plan run, as seed-demo's
#: runs do (FlaskGroup is what `flask` runs; with_appcontext loads the app as flask-migrate's
#: commands do).
COMMAND_THAT_PLANS = """
from flask.cli import FlaskGroup, with_appcontext
from lithloop import create_app, metrics

cli = FlaskGroup(create_app=lambda: create_app({"HOUSEKEEPING_INTERVAL_S": 0}))

@cli.command("plan-once")
@with_appcontext
def plan_once():
    metrics.observe_run("succeeded", 1.5)
    print("observed")

cli(["plan-once"])
"""


def _env(tmp_path, directory) -> dict:
    return {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "LOG_FORMAT": "none",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}",
        "LITHLOOP_INSTANCE": str(tmp_path / "instance"),
        "FLASK_APP": "lithloop:create_app",
    }


def test_a_command_that_plans_writes_no_metrics_files(tmp_path):
    directory = tmp_path / "metrics"
    done = subprocess.run(
        [sys.executable, "-c", COMMAND_THAT_PLANS],
        env=_env(tmp_path, directory),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "observed" in done.stdout, done.stderr[-2000:]
    assert sorted(p.name for p in directory.iterdir()) == []


def test_the_flask_command_line_writes_no_metrics_files(tmp_path):
    directory = tmp_path / "metrics"
    done = subprocess.run(
        [FLASK, "routes"],
        env=_env(tmp_path, directory),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert directory.is_dir() and sorted(p.name for p in directory.iterdir()) == []


def test_the_service_still_writes_them(tmp_path):
    """A process that is not a flask command (gunicorn's workers, Celery's) still does."""
    directory = tmp_path / "metrics"
    script = (
        "from lithloop import create_app, metrics; app = create_app("
        "{'HOUSEKEEPING_INTERVAL_S': 0}); ctx = app.app_context(); ctx.push(); "
        "metrics.observe_run('succeeded', 1.5)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=_env(tmp_path, directory),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert any(p.name.startswith("counter_") for p in directory.iterdir())
