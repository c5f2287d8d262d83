"""The audit log of admin and security actions: record one, list them."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_request_context, request

from lithloop.extensions import db
from lithloop.models import AuditEntry, User
from lithloop.services import paging

PAGE_SIZE = 50
SECRET_WORDS = ("password", "token", "secret", "authorization", "api_key")


def _clean(details: dict) -> dict:
    """Details as JSON-safe values, with anything secret-looking left out."""
    clean = {}
    for key, value in (details or {}).items():
        if any(word in str(key).lower() for word in SECRET_WORDS):
            continue
        if isinstance(value, dict):
            value = _clean(value)
        elif not isinstance(value, (str, int, float, bool, list, type(None))):
            value = str(value)
        clean[str(key)] = value
    return clean


def record(
    action: str,
    *,
    actor: User | None,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    details: dict | None = None,
) -> AuditEntry:
    """Add an entry to the session: it commits (or rolls back) with the caller's change."""
    if obj is not None:
        object_type = object_type or type(obj).__name__.lower()
        object_id = object_id or obj.id
    entry = AuditEntry(
        action=action[:64],
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else "",
        object_type=object_type[:40],
        object_id=str(object_id)[:64],
        details=_clean(details or {}),
    )
    if has_request_context():
        entry.request_id = (getattr(g, "request_id", "") or "")[:64]
        entry.ip = (request.remote_addr or "")[:45]
    db.session.add(entry)
    return entry


def entries(*, action: str = "", page: int = 1) -> paging.Page[AuditEntry]:
    """Entries newest first, optionally only one action, PAGE_SIZE per page."""
    page = max(1, page)
    query = sa.select(AuditEntry).options(sa.orm.selectinload(AuditEntry.actor))
    if action:
        query = query.where(AuditEntry.action == action)
    ordered = query.order_by(AuditEntry.id.desc())
    rows = list(db.session.scalars(paging.window(ordered, page=page, per_page=PAGE_SIZE)))
    count = query.with_only_columns(AuditEntry.id)
    return paging.page_of(rows, page=page, per_page=PAGE_SIZE, count=count)


def actions() -> list[str]:
    """Every action recorded so far, for the filter."""
    return list(
        db.session.scalars(sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    )
