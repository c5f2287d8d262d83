"""A refused setting stops every entry point with one line naming the variable and a non-zero
exit, never a Python traceback: `flask run`, any `flask` command, gunicorn (the README's
`'lithloop:create_app()'` and `wsgi:app`, and with --preload), the Celery worker and beat."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PORT = "127.0.0.1:5106"

ENTRY_POINTS = {
    "flask command": [str(BIN / "flask"), "create-admin", "admin@park.example"],
    "flask db upgrade": [str(BIN / "flask"), "db", "upgrade"],
    "flask run": [str(BIN / "flask"), "run", "--port", "5106"],
    "gunicorn create_app": [str(BIN / "gunicorn"), "--bind", PORT, "lithloop:create_app()"],
    "gunicorn wsgi": [str(BIN / "gunicorn"), "--bind", PORT, "wsgi:app"],
    "gunicorn --preload": [str(BIN / "gunicorn"), "--preload", "--bind", PORT, "wsgi:app"],
    "celery worker": [sys.executable, "-m", "celery", "-A", "lithloop.jobs.worker", "worker"],
    "celery beat": [sys.executable, "-m", "celery", "-A", "lithloop.jobs.worker", "beat"],
}

REFUSED = {
    "short SECRET_KEY": (
        {"SECRET_KEY": "too-short"},
        "configuration: SECRET_KEY is not valid (9 bytes, fewer than 32)",
    ),
    "DATABASE_URL of another database": (
        {"DATABASE_URL": "mysql://park@db/lithloop"},
        "configuration: DATABASE_URL='mysql://park@db/lithloop' is not valid",
    ),
}


def _start(command: list[str], settings: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'refused.sqlite3'}",
        "LITHLOOP_INSTANCE": str(tmp_path / "instance"),
        "FLASK_APP": "lithloop:create_app",
        "LOG_FORMAT": "text",
        **settings,
    }
    env.pop("CELERY_BROKER_URL", None)
    return subprocess.run(
        command,
        cwd=ROOT,  # gunicorn reads gunicorn.conf.py here, as the README's command does
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.processes
@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
@pytest.mark.parametrize("refusal", list(REFUSED))
def test_a_refused_setting_is_one_line_without_a_traceback(entry, refusal, tmp_path):
    settings, message = REFUSED[refusal]
    done = _start(ENTRY_POINTS[entry], settings, tmp_path)
    assert done.returncode != 0, done.stderr[-3000:]
    assert message in done.stderr, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    told = [line for line in done.stderr.splitlines() if "configuration:" in line]
    assert len(told) == 1 and told[0].startswith("Error: configuration: "), done.stderr
    assert not (tmp_path / "refused.sqlite3").exists()  # nothing was started


@pytest.mark.processes
@pytest.mark.parametrize("args", [[], ["--help"]])
def test_flask_help_with_a_refused_setting_says_it_in_one_line_above_the_help(args, tmp_path):
    settings, message = REFUSED["short SECRET_KEY"]
    done = _start([str(BIN / "flask"), *args], settings, tmp_path)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    told = [line for line in done.stderr.splitlines() if "configuration:" in line]
    assert len(told) == 1 and message in told[0], done.stderr
    assert "Usage: flask" in done.stdout + done.stderr  # the help is still shown


@pytest.mark.processes
def test_gunicorn_refuses_an_unwritable_counters_file_before_starting_workers(tmp_path):
    """The counters' file is opened by each worker building the app: gunicorn's master
    tries it first, so the refusal is one line, not a traceback and 'Worker failed to boot'."""
    blocked = tmp_path / "a-file"
    blocked.write_text("")  # a file where the counters' folder should be
    settings = {"CACHE_COUNTERS": str(blocked / "counters")}
    done = _start(ENTRY_POINTS["gunicorn create_app"], settings, tmp_path)
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "Worker failed to boot" not in done.stderr
    told = [line for line in done.stderr.splitlines() if "configuration:" in line]
    assert len(told) == 1 and told[0].startswith("Error: configuration: CACHE_COUNTERS="), told
