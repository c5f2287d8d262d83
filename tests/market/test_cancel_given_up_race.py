"""Two processes sweeping at the same moment (each app's embedded timer) claim a payment
whose cancellation was given up with one UPDATE each: one wins, one warning is logged.
PostgreSQL only (SQLite serialises writers and ignores row locks)."""

from __future__ import annotations

import logging
import threading

import pytest

from lithloop import clock
from lithloop.services.market import expiry
from tests.market.test_cancel_due import _backdate, _missing_at_stripe, _released_with_cancel_due
from tests.market.test_cancel_given_up_log import _given_up_lines


@pytest.fixture
def backend():
    """PostgreSQL only."""
    return "postgresql"


def test_two_processes_claiming_at_once_log_it_once(app, caplog):
    for _ in range(3):
        order = _released_with_cancel_due()
        _missing_at_stripe(order)
        _backdate(order, app.config["PAYMENT_CANCEL_RETRY_HOURS"] + 1)
    caplog.set_level(logging.INFO)
    now, start, errors = clock.now(), threading.Barrier(2), []

    def sweep():
        try:
            with app.app_context():
                start.wait(timeout=10)
                expiry._log_given_up(now)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(_given_up_lines(caplog)) == 3  # once per payment, not once per process
