"""Runners for optimisation runs: a worker thread in the web process (the default)."""

from __future__ import annotations

import threading

from flask import Flask, current_app

_threads: dict[int, threading.Thread] = {}


def _run_in_thread(app: Flask, run_id: int) -> None:
    from lithloop.extensions import db
    from lithloop.services.planning import execute_run

    with app.app_context():
        try:
            execute_run(run_id)
        finally:
            db.session.remove()


def submit(run_id: int) -> None:
    """Start the run in a worker thread of this process."""
    app = current_app._get_current_object()
    thread = threading.Thread(target=_run_in_thread, args=(app, run_id),
                              name=f"plan-run-{run_id}", daemon=True)
    _threads[run_id] = thread
    thread.start()


def wait(run_id: int, timeout: float | None = None) -> bool:
    """Wait for a run started here to finish; True if it has."""
    thread = _threads.get(run_id)
    if thread is None:
        return True
    thread.join(timeout)
    return not thread.is_alive()
