"""Rate limits on the few routes that need them: logins, registration, reset, API tokens.

A decorator on those routes rather than a hook that runs on every request (the API's hot
reads pay nothing for limits they do not have). Each limit (e.g. LOGIN_RATE_LIMIT, "10 per
minute") is counted per client address and route (or per address and scope, for routes
that share one count: the web login and the API token endpoint both guess passwords, so
they share the "login" scope), in a fixed window, in
RATELIMIT_STORAGE_URI, shared by every worker by default: Redis (with REDIS_URL, every
host) or an SQLite file (shared_limits.py, every process of one host); memory:// counts per
process. With the
storage unreachable the request goes through and the failure is logged: an account still
locks after repeated wrong passwords (services/accounts/lockout.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, current_app, request
from flask.typing import ResponseReturnValue
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from lithloop import outside_calls

EXTENSION = "lithloop_rate_limits"
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Count the app's limits in RATELIMIT_STORAGE_URI (RATELIMIT_ENABLED=False: none)."""
    from lithloop.web import shared_limits  # noqa: F401 (registers sqlitefile://)

    uri = app.config.get("RATELIMIT_STORAGE_URI", "memory://")
    # A hung Redis costs a login REDIS_TIMEOUT_S, then the request goes through (below).
    options = outside_calls.redis_options(app.config) if uri.startswith("redis") else {}
    storage = storage_from_string(uri, **options)
    app.extensions[EXTENSION] = FixedWindowRateLimiter(storage)


#: The count shared by every route that checks a password (web login, API token).
LOGIN_SCOPE = "login"


def rate_limited(
    limit: Callable[[], str],
    methods: tuple[str, ...] = ("POST",),
    scope: str | None = None,
    refused: Callable[[], ResponseReturnValue] | None = None,
):
    """Refuse with 429 a client that exceeds limit() (read per request) on these methods.

    Routes given the same `scope` share one count per address; without one, a route has
    its own. `refused()` answers instead of the generic 429 page (a form page shows
    itself again, with what was typed and why)."""

    def decorate(view):
        @wraps(view)
        def limited(*args, **kwargs):
            if request.method in methods and not _allowed(limit(), scope):
                return refused() if refused is not None else abort(429)
            return view(*args, **kwargs)

        return limited

    return decorate


def _allowed(text: str, scope: str | None = None) -> bool:
    strategy = current_app.extensions.get(EXTENSION)
    if strategy is None or not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    key = (scope or request.endpoint or "", request.remote_addr or "unknown")
    try:
        return all([strategy.hit(item, *key) for item in parse_many(text)])
    except Exception as exc:
        log.warning("rate-limit storage unavailable, not counting: %s", exc)
        return True
