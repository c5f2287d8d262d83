"""gunicorn settings read from the working directory: Prometheus multiprocess housekeeping.

With PROMETHEUS_MULTIPROC_DIR set, every worker writes its metric samples to files in that
directory and /metrics adds them up. At start gunicorn removes only the files of processes
no longer running (a Celery worker on this host sharing the directory keeps its counts), and
a dead worker's live gauges are dropped when it exits.
"""

import glob
import os
import re
import sys

# Seconds a request may take before gunicorn kills its worker (gunicorn's default, stated).
# Every call to an outside service has a time limit well below it (lithloop/outside_calls.py;
# tests/faults/test_outside_call_timeouts.py checks that they fit).
timeout = 30

# The longest request line (method, path, query string, version) gunicorn reads: its highest
# limit but unlimited (the default is 4,094). A longer query string than the app reads
# (request_guard.MAX_QUERY_STRING) then reaches the app, whose 414 page says what to do;
# gunicorn answers a line longer than this with its own bare 414.
limit_request_line = 8190

#: prometheus_client's file names: counter_123.db, histogram_123.db, gauge_livesum_123.db.
_SAMPLE_FILE = re.compile(r"[a-z]+(?:_[a-z]+)?_(\d+)\.db")


def _started_at(pid):
    """When the process started (epoch seconds, Linux /proc), None when unknown."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            ticks = int(handle.read().rpartition(")")[2].split()[19])
        with open("/proc/stat") as handle:
            boot = next(int(line.split()[1]) for line in handle if line.startswith("btime "))
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def _writer_alive(pid, path):
    """True while the process that wrote the file runs (not a later one given its pid)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        pass
    started = _started_at(pid)
    return started is None or os.stat(path).st_mtime >= started - 1


def _refuse_bad_settings():
    """A refused setting stops gunicorn with one line naming the variable, exit 1 (each
    worker building the app would log a traceback, then "Worker failed to boot")."""
    from lithloop.settings_values import ConfigError, check_environment

    try:
        check_environment()
    except ConfigError as refused:
        sys.exit(f"Error: {refused}")


def on_starting(server):
    """Check the settings; remove the sample files of dead processes (their counts would be
    added again)."""
    _refuse_bad_settings()
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    os.makedirs(directory, exist_ok=True)
    for path in glob.glob(os.path.join(directory, "*.db")):
        found = _SAMPLE_FILE.fullmatch(os.path.basename(path))
        try:
            if found and not _writer_alive(int(found.group(1)), path):
                os.remove(path)
        except FileNotFoundError:  # removed meanwhile
            pass


def child_exit(server, worker):
    """Forget a dead worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def _preloading() -> bool:
    """True when gunicorn was told to build the app in its master (--preload)."""
    words = sys.argv[1:] + os.environ.get("GUNICORN_CMD_ARGS", "").split()
    return "--preload" in words


# With --preload the master builds the app before on_starting, and a refused setting would
# be its traceback: check as this file is read instead.
if _preloading():
    _refuse_bad_settings()
