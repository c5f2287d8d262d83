"""Market fixtures: a real localstripe on loopback for the session, packs for sale, buyers."""

from __future__ import annotations

import os

import pytest

from lithloop.payments.localstripe_server import LocalStripe

WEBHOOK_SECRET = "whsec_test_lithloop_market"  # noqa: S105
STRIPE_ENV = {"STRIPE_SECRET_KEY": "sk_test_lithloop_market",
              "STRIPE_PUBLISHABLE_KEY": "pk_test_lithloop_market",
              "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET}


def localstripe_url() -> str:
    """The address of this test process's localstripe."""
    return os.environ["STRIPE_API_BASE"]


@pytest.fixture(scope="session", autouse=True)
def localstripe():
    """localstripe started once per test process; every app built meanwhile points at it."""
    server = LocalStripe().start()
    saved = {k: os.environ.get(k) for k in [*STRIPE_ENV, "STRIPE_API_BASE"]}
    os.environ.update(STRIPE_ENV, STRIPE_API_BASE=server.base_url)
    yield server
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    server.stop()
