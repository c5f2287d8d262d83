"""Links mailed to prove an address: a signed token that names its issue time, read back
with its age checked (password reset, registration confirmation)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from lithloop import clock
from lithloop.services.errors import Invalid

#: A token issued up to this many seconds in the future (another worker's clock) is read.
CLOCK_SKEW_S = 60


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def fingerprint(secret: str) -> str:
    """A short digest of a stored secret: a token carrying it stops working once it changes."""
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def make_token(purpose: str, payload: dict) -> str:
    """A signed token for `purpose` holding the payload and the time it was issued."""
    return _serializer(purpose).dumps({**payload, "iat": int(clock.now().timestamp())})


def read_token(
    purpose: str, token: str, *, max_age_s: int | Callable[[dict], int], not_valid, expired
) -> dict:
    """The payload of a token for `purpose`, or Invalid(field='token'): `not_valid` for a
    forged or damaged one, `expired` for one older than max_age_s. Either of `max_age_s` and
    `expired` may be a function of the payload (one purpose, links of different lives)."""
    try:
        data = _serializer(purpose).loads(token)
    except BadSignature as exc:
        raise Invalid(not_valid, field="token") from exc
    if not isinstance(data, dict):
        raise Invalid(not_valid, field="token")
    age = clock.now().timestamp() - data.get("iat", 0)
    limit = max_age_s(data) if callable(max_age_s) else max_age_s
    if age > limit or age < -CLOCK_SKEW_S:
        raise Invalid(expired(data) if callable(expired) else expired, field="token")
    return data
