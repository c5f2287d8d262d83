"""A running optimisation run's heartbeat: proof that its worker process is alive.

The solver reports progress only when it finds a better solution, which may not happen
for minutes; so while a run executes, a daemon thread stamps `heartbeat_at` at a quarter
of the stale limit. A worker that dies (killed, out of memory, machine lost) stops
beating, and `runs.fail_stale_runs` ends its run failed once the limit has passed.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import PlanRun, RunStatus

log = logging.getLogger(__name__)


def stale_after() -> timedelta:
    """How long a run may go without a heartbeat before it counts as dead."""
    return timedelta(seconds=current_app.config.get("RUN_STALE_AFTER_S", 120))


class Heartbeat:
    """`with Heartbeat(run_id):` stamps the run's heartbeat until the block ends."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.app: Flask = current_app._get_current_object()
        self.interval_s = max(0.2, stale_after().total_seconds() / 4)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"run-{run_id}-heartbeat", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _beat(self) -> None:
        with self.app.app_context():
            while not self._stop.wait(self.interval_s):
                try:  # its own short transaction, apart from the solver's session
                    with db.engine.begin() as conn:
                        conn.execute(
                            sa.update(PlanRun)
                            .where(PlanRun.id == self.run_id, PlanRun.status == RunStatus.RUNNING)
                            .values(heartbeat_at=clock.now())
                        )
                except sa.exc.SQLAlchemyError:
                    log.warning("heartbeat of run %s not recorded", self.run_id, exc_info=True)
