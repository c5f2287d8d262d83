"""A command run before gunicorn (migrations, the Celery worker) with the metrics directory
exported but not made yet starts, and makes it; one it cannot make is named."""

from __future__ import annotations

import os
import subprocess
import sys

BUILD = "from lithloop import create_app; create_app({'HOUSEKEEPING_INTERVAL_S': 0})"


def _build(tmp_path, directory) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "LOG_FORMAT": "none",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}",
    }
    return subprocess.run(
        [sys.executable, "-c", BUILD], env=env, capture_output=True, text=True, timeout=120
    )


def test_a_missing_metrics_directory_is_made(tmp_path):
    directory = tmp_path / "run" / "lithloop-metrics"
    done = _build(tmp_path, directory)
    assert done.returncode == 0, done.stderr[-2000:]
    assert directory.is_dir() and any(directory.iterdir())


def test_a_metrics_directory_that_cannot_be_made_is_named(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    done = _build(tmp_path, blocker / "metrics")
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert "PROMETHEUS_MULTIPROC_DIR=" in last and "a writable directory" in last, last
