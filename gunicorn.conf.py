"""gunicorn settings read from the working directory: Prometheus multiprocess housekeeping.

With PROMETHEUS_MULTIPROC_DIR set, every worker writes its metric samples to files in that
directory and /metrics adds them up. The directory is emptied when gunicorn starts, and a
dead worker's live gauges are dropped when it exits.
"""

import os
import shutil

# Seconds a request may take before gunicorn kills its worker (gunicorn's default, stated).
# Every call to an outside service has a time limit well below it (lithloop/outside_calls.py;
# tests/faults/test_outside_call_timeouts.py checks that they fit).
timeout = 30


def on_starting(server):
    """Start from an empty metrics directory (stale files would be counted again)."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    """Forget a dead worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
