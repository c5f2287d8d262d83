"""Time limits of the calls lithloop makes to outside services, read from the settings.

Every call to Stripe, Nominatim, OSRM, SMTP and Redis has a timeout well below the web
worker's (gunicorn.conf.py): a service that hangs costs a request a few seconds and a clear
error, never a worker killed mid-request with its work half done.
"""

from __future__ import annotations

from collections.abc import Mapping

#: The SDK's back-off before its n-th retry is at most min(0.5 × 2^(n-1), 5) seconds.
_STRIPE_FIRST_DELAY_S, _STRIPE_MAX_DELAY_S = 0.5, 5.0


def stripe_retries(config: Mapping, *, embedded: bool = False) -> int:
    """Network retries of one Stripe call (none against the embedded localstripe)."""
    return 0 if embedded else max(0, int(config.get("STRIPE_MAX_NETWORK_RETRIES", 1)))


def stripe_call_budget_s(config: Mapping, *, embedded: bool = False) -> float:
    """The longest one Stripe call may take when Stripe does not answer: each try's
    timeout plus the SDK's back-off between tries."""
    retries = stripe_retries(config, embedded=embedded)
    waits = sum(min(_STRIPE_FIRST_DELAY_S * 2**n, _STRIPE_MAX_DELAY_S) for n in range(retries))
    return float(config.get("STRIPE_TIMEOUT_S", 5)) * (retries + 1) + waits


def redis_options(config: Mapping) -> dict[str, float]:
    """Socket timeouts for a Redis client (rate limits, the Celery broker)."""
    seconds = float(config.get("REDIS_TIMEOUT_S", 1))
    return {"socket_timeout": seconds, "socket_connect_timeout": seconds}


def longest_call_s(config: Mapping) -> dict[str, float]:
    """The longest wait of one call to each outside service, by service."""
    return {
        "stripe": stripe_call_budget_s(config),
        "nominatim": float(config.get("NOMINATIM_TIMEOUT_S", 5)),
        "osrm": float(config.get("OSRM_TIMEOUT_S", 5)),
        "smtp": float(config.get("MAIL_TIMEOUT_S", 5)),
        "redis": float(config.get("REDIS_TIMEOUT_S", 1)),
    }
