"""Market fixtures: a real localstripe on loopback for the session, packs for sale, buyers."""

from __future__ import annotations

import os

import pytest

from tests.conftest import STRIPE_ENV
from tests.conftest import STRIPE_WEBHOOK_SECRET as WEBHOOK_SECRET

__all__ = ["STRIPE_ENV", "WEBHOOK_SECRET", "localstripe_url"]


def localstripe_url() -> str:
    """The address of this test process's localstripe."""
    return os.environ["STRIPE_API_BASE"]


@pytest.fixture(scope="session", autouse=True)
def _market_localstripe(localstripe):
    """Every market test runs with the session's localstripe (tests/conftest.py)."""
    return localstripe
