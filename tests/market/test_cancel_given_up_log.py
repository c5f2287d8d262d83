"""The sweep that first finds a payment past PAYMENT_CANCEL_RETRY_HOURS (its age crossed the
limit within one housekeeping interval) logs one warning line about it, with the order and
intent as fields; later sweeps, another process's sweep and a sweep late by more than an
interval included, do not repeat it (the payment's `cancel_given_up_at` records the claim).
Against localstripe."""

from __future__ import annotations

import logging
from datetime import timedelta

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Payment
from lithloop.services.market import expiry
from tests.market.test_cancel_due import _backdate, _missing_at_stripe, _released_with_cancel_due


def _given_up_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "given up" in r.getMessage()]


def test_the_sweep_logs_a_given_up_cancel_once(app, caplog):
    order = _released_with_cancel_due()
    intent_id = _missing_at_stripe(order)
    hours = app.config["PAYMENT_CANCEL_RETRY_HOURS"]
    interval = float(app.config.get("HOUSEKEEPING_INTERVAL_S", 30) or 30)
    _backdate(order, hours - 1 / 3600)  # one second before the limit: still asked
    caplog.set_level(logging.INFO)
    expiry.sweep_expired()
    assert _given_up_lines(caplog) == []
    now = clock.now() + timedelta(seconds=2)  # the next sweep: the age crossed the limit
    expiry.sweep_expired(now=now)
    (line,) = _given_up_lines(caplog)
    assert line.levelno == logging.WARNING
    assert line.order_id == order.id and line.intent_id == intent_id
    assert intent_id in line.getMessage()
    caplog.clear()
    expiry.sweep_expired(now=now + timedelta(seconds=interval + 1))  # a later sweep: silent
    assert _given_up_lines(caplog) == []
    assert [p.intent_id for p in expiry.stuck_cancels(now=now)] == [intent_id]


def test_two_sweeps_at_the_same_moment_log_it_once(app, caplog):
    """Every process with the embedded timer sweeps: each used to log the payment whose
    retries ran out in its last interval. The claim (cancel_given_up_at) makes it one."""
    order = _released_with_cancel_due()
    _missing_at_stripe(order)
    _backdate(order, app.config["PAYMENT_CANCEL_RETRY_HOURS"] + 1 / 3600)
    caplog.set_level(logging.INFO)
    now = clock.now()
    expiry.sweep_expired(now=now)
    expiry.sweep_expired(now=now)  # another process's timer, the same moment
    assert len(_given_up_lines(caplog)) == 1


def test_a_sweep_late_by_more_than_an_interval_still_logs_it(app, caplog):
    order = _released_with_cancel_due()
    intent_id = _missing_at_stripe(order)
    _backdate(order, app.config["PAYMENT_CANCEL_RETRY_HOURS"] + 2)  # no sweep for two hours
    caplog.set_level(logging.INFO)
    expiry.sweep_expired()
    (line,) = _given_up_lines(caplog)
    assert line.intent_id == intent_id
    assert db.session.get(Payment, order.payment.id).cancel_given_up_at is not None
