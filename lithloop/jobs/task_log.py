"""A background task's start and end in the log: its ids, how long it took and its outcome.

One line when a task starts and one when it ends, at INFO, through lithloop's handler (JSON
or text, LOG_FORMAT), with the task's ids, `outcome` and `duration_s` as fields of their own,
so that a worker's log says which runs it did and how each ended.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("lithloop.jobs")


@contextmanager
def logged(what: str, task: str, **ids: object) -> Iterator[dict]:
    """Log `what` started and ended; the block sets the yielded dict's "outcome"."""
    result: dict = {"outcome": "error"}  # an exception leaves it so
    started = time.monotonic()
    log.info("%s started", what, extra={"task": task, **ids})
    try:
        yield result
    finally:
        seconds = time.monotonic() - started
        log.info(
            "%s ended: %s in %.1f s",
            what,
            result["outcome"],
            seconds,
            extra={
                "task": task,
                **ids,
                "outcome": result["outcome"],
                "duration_s": round(seconds, 3),
            },
        )
