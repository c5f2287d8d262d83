"""The audit log of admin and security actions: record one, list them."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_request_context, request

from lithloop.extensions import db
from lithloop.models import AuditEntry, Site, User
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


#: A truck change's fields that hold an id, and the table whose name each stands for.
TRUCK_CHANGE_IDS = ("driver_id", "depot_site_id")


def truck_change_names(rows: list[AuditEntry]) -> dict[str, dict[str, str]]:
    """The drivers' and depots' names the truck changes among `rows` name, read in one
    query: {"driver_id": {"12": "王师傅"}, "depot_site_id": {"3": "园区"}} (ids as recorded)."""
    wanted: dict[str, set[int]] = {field: set() for field in TRUCK_CHANGE_IDS}
    for entry in rows:
        changed = (entry.details or {}).get("changed") if entry.action == "truck.change" else None
        for field in TRUCK_CHANGE_IDS:
            value = str((changed or {}).get(field, "")) if isinstance(changed, dict) else ""
            if value.isdigit() and len(value) < 10:
                wanted[field].add(int(value))
    parts = []
    if wanted["driver_id"]:
        name = sa.func.coalesce(sa.func.nullif(User.name, ""), User.email)
        parts.append(
            sa.select(sa.literal("driver_id"), User.id, name).where(
                User.id.in_(wanted["driver_id"])
            )
        )
    if wanted["depot_site_id"]:
        parts.append(
            sa.select(sa.literal("depot_site_id"), Site.id, Site.name).where(
                Site.id.in_(wanted["depot_site_id"])
            )
        )
    names: dict[str, dict[str, str]] = {field: {} for field in TRUCK_CHANGE_IDS}
    if parts:
        for field, object_id, shown in db.session.execute(sa.union_all(*parts)):
            names[field][str(object_id)] = shown
    return names
