"""gunicorn's start keeps the metrics files of live processes (a Celery worker sharing
PROMETHEUS_MULTIPROC_DIR on this host) and removes only those of processes no longer running."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
import time
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client.mmap_dict import MmapedDict, mmap_key
from prometheus_client.multiprocess import MultiProcessCollector

CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"
RUNS = "lithloop_plan_runs_total"


def _write_runs(directory: Path, pid: int, count: float) -> Path:
    """A counter file as prometheus_client writes it for process `pid`."""
    path = directory / f"counter_{pid}.db"
    store = MmapedDict(str(path))
    key = mmap_key(RUNS[: -len("_total")], RUNS, ["status"], ["succeeded"], "runs")
    store.write_value(key, count, 0.0)
    store.close()
    return path


def _runs_counted(directory: Path) -> float:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))
    return registry.get_sample_value(RUNS, {"status": "succeeded"}) or 0.0


def test_start_keeps_live_processes_files_and_drops_dead_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    worker = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"]
    )  # stands for the Celery worker
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    try:
        time.sleep(0.05)
        live = _write_runs(tmp_path, worker.pid, 3)
        dead = _write_runs(tmp_path, finished.pid, 5)
        # a file left by an earlier process whose pid a live one has now (after a reboot)
        reused = _write_runs(tmp_path, os.getpid(), 7)
        os.utime(reused, (time.time() - 86400 * 30,) * 2)
        other = tmp_path / "notes.txt"
        other.write_text("not a sample file")
        assert _runs_counted(tmp_path) == 15
        runpy.run_path(str(CONF))["on_starting"](None)
        assert live.exists() and other.exists()
        assert not dead.exists() and not reused.exists()
        assert _runs_counted(tmp_path) == 3  # the worker's runs are still counted
    finally:
        worker.kill()
        worker.wait()


def test_start_makes_a_missing_directory(tmp_path, monkeypatch):
    directory = tmp_path / "run" / "metrics"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    runpy.run_path(str(CONF))["on_starting"](None)
    assert directory.is_dir()
