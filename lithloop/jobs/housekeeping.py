"""Periodic housekeeping: release expired reservations, end runs whose worker went silent,
deliver the mail requests could not, reprice listings once a new price index is in force.

Pages only read; this is where the writes happen. With CELERY_BROKER_URL set, Celery beat
sends the `lithloop.housekeeping` task every HOUSEKEEPING_INTERVAL_S seconds (run
`celery -A lithloop.jobs.worker beat` beside the workers); in the embedded default a daemon timer
thread in each web process does the same, started by the first request (not by CLI
commands). HOUSEKEEPING_INTERVAL_S=0 turns the timer off; tests call `run_all` directly.
`flask housekeeping` runs every task once (from cron where no beat or worker serves the
housekeeping queue).
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app

log = logging.getLogger(__name__)


def sweep_reservations() -> int:
    """Release every pending order whose reservation expired; returns how many."""
    from lithloop.services.market.expiry import sweep_expired

    return sweep_expired()


def fail_stale_runs() -> int:
    """End failed the runs whose worker stopped beating; returns how many."""
    from lithloop.services.dispatch.runs import fail_stale_runs as fail

    return fail()


def deliver_mail() -> int:
    """Send the outbox's mail that no request could deliver; returns how many."""
    from lithloop.mail import deliver_pending

    return deliver_pending()


def return_undelivered() -> int:
    """Bring back to the park the deliveries of days past not handed over; returns how many."""
    from lithloop.services.dispatch.delivery_back import sweep_days_over

    return sweep_days_over()


def reprice_listings() -> int:
    """Price again the unsold packs listed under an index no longer in force; how many."""
    from lithloop.services.market.repricing import reprice_listings as reprice

    return reprice()


TASKS = {
    "sweep_reservations": sweep_reservations,
    "fail_stale_runs": fail_stale_runs,
    "return_undelivered": return_undelivered,
    "deliver_mail": deliver_mail,
    "reprice_listings": reprice_listings,
}


def run_all() -> dict[str, int]:
    """Each housekeeping task once, in the current app context; counts by task.

    One task failing (Stripe unreachable, say) is logged and does not stop the others."""
    from lithloop.extensions import db

    done = {}
    for name, task in TASKS.items():
        try:
            done[name] = task()
        except Exception:  # a periodic task must outlive one bad round
            log.exception("housekeeping %s failed", name)
            db.session.rollback()
            done[name] = -1
        finally:
            db.session.remove()
    return done


def interval_s(app: Flask) -> float:
    """Seconds between rounds (0: no timer thread)."""
    return float(app.config.get("HOUSEKEEPING_INTERVAL_S", 30))


def _loop(app: Flask, stop: threading.Event) -> None:
    while not stop.wait(interval_s(app)):
        with app.app_context():
            run_all()


def start_timer(app: Flask) -> threading.Thread | None:
    """Start this process's housekeeping thread once (embedded default, not under tests)."""
    state = app.extensions.setdefault("lithloop_housekeeping", {})
    if state.get("thread") or app.testing or "celery" in app.extensions or interval_s(app) <= 0:
        return state.get("thread")
    stop = threading.Event()
    thread = threading.Thread(target=_loop, args=(app, stop), name="housekeeping", daemon=True)
    state.update(thread=thread, stop=stop)
    thread.start()
    return thread


def init_app(app: Flask) -> None:
    """Start the timer with the first request this process serves."""

    @app.before_request
    def _housekeeping_timer() -> None:
        if "thread" not in app.extensions.get("lithloop_housekeeping", {}):
            start_timer(current_app._get_current_object())
