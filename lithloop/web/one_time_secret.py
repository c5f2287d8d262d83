"""A secret carried across one redirect (post, redirect, get) in the session, sealed.

A page that makes a secret (a new API token) answers its POST with a redirect, so that
reloading the page it lands on makes nothing. The secret rides to that page in the session
cookie, which Flask signs but does not encrypt: so it is sealed there, XORed with a key
stream of HMAC-SHA256 (keyed from SECRET_KEY) over a fresh random nonce. The cookie never
holds it in clear, and the page that shows it takes it out, so it is shown once. A copy
of that one cookie sent again (a replay) would show it again: so the seal carries the time
it was made, and a seal older than MAX_AGE_S shows nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app, session

from lithloop import clock

_KEY = "_sealed"
_NONCE_BYTES = 16
MAX_AGE_S = 120  # from the POST to the page it redirects to: a few seconds at most


def _key() -> bytes:
    secret = current_app.secret_key or ""
    raw = secret if isinstance(secret, bytes) else str(secret).encode()
    return hashlib.sha256(b"lithloop.one_time_secret\0" + raw).digest()


def _stream(nonce: bytes, length: int) -> bytes:
    key, out, block = _key(), b"", 0
    while len(out) < length:
        out += hmac.new(key, nonce + block.to_bytes(4, "big"), hashlib.sha256).digest()
        block += 1
    return out[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def put(name: str, secret: str) -> None:
    """Keep a secret, sealed, in the session until the next page takes it."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    data = f"{int(clock.now().timestamp())}:{secret}".encode()
    sealed = base64.urlsafe_b64encode(nonce + _xor(data, _stream(nonce, len(data))))
    session[_KEY] = {**session.get(_KEY, {}), name: sealed.decode()}


def take(name: str) -> str | None:
    """The secret kept under this name, once: it leaves the session (None if none, or if
    sealed more than MAX_AGE_S ago)."""
    kept = session.get(_KEY)
    if not kept or name not in kept:
        return None
    rest = {k: v for k, v in kept.items() if k != name}
    if rest:
        session[_KEY] = rest
    else:
        session.pop(_KEY)
    try:
        raw = base64.urlsafe_b64decode(kept[name].encode())
    except (ValueError, TypeError, AttributeError):
        return None
    nonce, body = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    try:
        made, _, secret = _xor(body, _stream(nonce, len(body))).decode().partition(":")
        age = clock.now().timestamp() - int(made)
    except (UnicodeDecodeError, ValueError):
        return None
    return secret if secret and 0 <= age <= MAX_AGE_S else None
