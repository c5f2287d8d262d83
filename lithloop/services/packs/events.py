"""The pack's chain of events: append-only records, corrections, and handover deadlines.

Every service that changes a pack calls `record` in the same transaction, so that a pack's
state and its chain never disagree. Events are never updated or deleted (the database refuses
it too: models/append_only.py), except for the traceability upload mark (`reported_at`) and
its deadline (`report_due`, counted again when a year's holiday calendar arrives), which are
not part of the chain itself.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock, vocab
from lithloop.batteries.working_days import WorkCalendar
from lithloop.extensions import db
from lithloop.models import Pack, PackEvent, User
from lithloop.services.accounts import policies
from lithloop.services.errors import Invalid, NotFound
from lithloop.services.packs import holiday_calendar
from lithloop.services.reporting import rollups

#: Kinds of event (their words: labels.PACK_EVENT).
KINDS = frozenset(vocab.values(vocab.PackEventKind))

#: Handovers the national traceability platform must be told of, by kind.
HANDOVERS = frozenset({"received", "built", "dismantled", "sold"})


def calendar() -> WorkCalendar:
    """The working-day calendar in force (stored years over the shipped file)."""
    return holiday_calendar.calendar()


def report_due(at: datetime):
    """The upload deadline of a handover recorded at `at` (local date + N working days)."""
    days = int(current_app.config.get("TRACE_DEADLINE_WORKING_DAYS", 15))
    return calendar().add_working_days(clock.local_day(at), days)


def record(
    pack: Pack,
    kind: str,
    user: User | None,
    *,
    data: dict | None = None,
    public: bool = True,
    at: datetime | None = None,
    organisation_id: int | None = None,
) -> PackEvent:
    """Append an event to the pack's chain (the caller commits)."""
    if kind not in KINDS:
        raise ValueError(f"unknown pack event kind {kind!r}")
    at = at or clock.now()
    org = (
        organisation_id
        if organisation_id is not None
        else (user.organisation_id if user is not None else None)
    )
    event = PackEvent(
        pack=pack,
        kind=kind,
        at=at,
        by_user_id=user.id if user else None,
        organisation_id=org,
        data=dict(data or {}),
        public=public,
        report_due=report_due(at) if kind in HANDOVERS else None,
    )
    db.session.add(event)
    rollups.on_event(event)
    return event


def correct(user: User, event_id: int, note: str, data: dict | None = None) -> PackEvent:
    """Append a correction naming the event it corrects; the original stays as it was."""
    policies.require(
        user, policies.HISTORY_EDITORS, _l("Only the plant corrects a pack's history.")
    )
    original = db.session.get(PackEvent, event_id)
    if original is None:
        raise NotFound(_l("No such event."))
    note = (note or "").strip()
    if not note:
        raise Invalid(_l("Say what was wrong and what is right."), field="note")
    if original.kind == "correction":
        raise Invalid(_l("Correct the original event, not a correction."), field="event")
    event = record(
        original.pack,
        "correction",
        user,
        data={"note": note[:500], **(data or {})},
        public=original.public,
    )
    event.corrects_id = original.id
    db.session.commit()
    return event


def chain(pack: Pack, *, public_only: bool = False) -> list[PackEvent]:
    """The pack's events in order, with those of its parents before it was built."""
    events = [e for e in pack.events if e.public or not public_only]
    return sorted(events, key=lambda e: (e.at, e.id))
