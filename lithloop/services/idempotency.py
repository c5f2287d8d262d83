"""Idempotency keys: a repeated request gets what the first one made; another body, a 422.

Stripe's rules, for the API's Idempotency-Key and for the one-time token of a form. A key
belongs to an organisation and to one kind of request (its scope). The first request with
a key stores it with a hash of its body and, in the same transaction, the id of what it
made; a repeat with the same body is answered with that again, and one with another body
is refused (422). A request that failed stored nothing (its transaction rolled back), so
it may be sent again with the same key. Keys are forgotten after IDEMPOTENCY_KEY_HOURS.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import IdempotencyKey
from lithloop.services.errors import Code, Conflict, Forbidden, Invalid

MAX_KEY_LENGTH = 255
HEADER = "Idempotency-Key"


class KeyReused(Invalid):
    """The key came before with a different request."""

    code = "idempotency_key_reused"


class KeyOfAnotherUser(Forbidden):
    """The key came before from another person of the organisation."""

    code = "idempotency_key_other_user"


@dataclass
class Claim:
    """This request's hold on a key: a new `record` to bind to what it makes, or the id of
    what an earlier request with the key made (`replay_of`)."""

    record: IdempotencyKey | None = None
    replay_of: int | None = None


def request_hash(body) -> str:
    """sha256 of the request body as canonical JSON (key order and spacing do not count)."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def clean_key(raw, field: str = HEADER) -> str | None:
    """The key as sent (None when absent or blank); Invalid when it is not 1 to 255
    printable ASCII characters."""
    key = str(raw or "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY_LENGTH or not all(" " <= ch <= "~" for ch in key):
        raise Invalid(
            _l("An idempotency key is 1 to %(n)s printable ASCII characters.", n=MAX_KEY_LENGTH),
            field=field,
        )
    return key


def _find(scope: str, org_id: int, key: str) -> IdempotencyKey | None:
    return db.session.scalar(
        sa.select(IdempotencyKey)
        .where(
            IdempotencyKey.organisation_id == org_id,
            IdempotencyKey.scope == scope,
            IdempotencyKey.key == key,
        )
        .execution_options(populate_existing=True)
    )


def known(scope: str, org_id: int, key: str) -> bool:
    """Whether a request sent this key before (a repeat of it is answered by claim())."""
    return _find(scope, org_id, key) is not None


def claim(
    scope: str,
    org_id: int,
    key: str | None,
    body=None,
    *,
    field: str = HEADER,
    user_id: int | None = None,
) -> Claim:
    """Hold `key` for this request, in the caller's transaction (call it before any other
    write: a concurrent request that stored the key first makes this one roll back).

    Returns Claim(record) for a new key (bind() it to what the request makes before the
    commit), Claim(replay_of=id) for a key used before with the same body (or by a form,
    `body` None), Claim() without a key; KeyReused for a key used with another body. With
    `user_id` the key is that person's: KeyOfAnotherUser when someone else sent it first."""
    if key is None:
        return Claim()
    now = clock.now()
    digest = None if body is None else request_hash(body)
    found = _find(scope, org_id, key)
    if found is not None and found.expires_at <= now:
        db.session.delete(found)
        db.session.flush()
        found = None
    if found is None:
        hours = float(current_app.config.get("IDEMPOTENCY_KEY_HOURS", 24))
        record = IdempotencyKey(
            organisation_id=org_id,
            scope=scope,
            key=key,
            request_hash=digest,
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
        db.session.add(record)
        try:
            db.session.flush()  # a twin request's uncommitted key: waits for its commit
            return Claim(record)
        except sa.exc.IntegrityError:
            db.session.rollback()
            found = _find(scope, org_id, key)
            if found is None:
                raise
    if user_id is not None and found.user_id not in (None, user_id):
        raise KeyOfAnotherUser(
            _l(
                "This confirmation was queued by another person on this phone; it is not "
                "sent under your login. Ask them to log in and send it, or discard it."
            ),
            field=field,
        )
    if digest is not None and found.request_hash not in (None, digest):
        raise KeyReused(
            _l(
                "This idempotency key was used before with a different request. "
                "Send the same request again, or use a new key."
            ),
            field=field,
        )
    if found.resource_id is None:
        raise Conflict(
            _l("A request with this key is still being handled; try again."),
            code=Code.IDEMPOTENCY_KEY_IN_USE,
        )
    return Claim(replay_of=found.resource_id)


def bind(held: Claim, resource_id: int) -> None:
    """Record what the request holding the key made (the caller commits)."""
    if held.record is not None:
        held.record.resource_id = resource_id


def purge_expired(now=None) -> int:
    """Forget keys past their time (the caller commits); returns how many."""
    result = db.session.execute(
        sa.delete(IdempotencyKey).where(IdempotencyKey.expires_at < (now or clock.now()))
    )
    return result.rowcount or 0
