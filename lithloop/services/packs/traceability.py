"""Handovers owed to the national traceability platform: due, due soon, overdue; marking; CSV.

China's 2018 traceability rules give each handover an upload deadline in working days
(FACTS.md §5). `pack_events.record` stamps `report_due` on handover events; this module
lists the ones not yet reported, marks them reported, and exports what the platform needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import PackEvent, User
from lithloop.services.errors import Conflict, Invalid, NotFound
from lithloop.services.packs import events as pack_events
from lithloop.services.packs import holiday_calendar
from lithloop.services.packs.errors import Code
from lithloop.services.reporting.csv_export import csv_text


@dataclass
class DueGroups:
    """Unreported handovers split by deadline, each list ordered by deadline."""

    today: date
    soon_until: date  # the last day counted as "due soon"
    overdue: list[PackEvent] = field(default_factory=list)
    due_soon: list[PackEvent] = field(default_factory=list)
    later: list[PackEvent] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many handovers are still to be reported."""
        return len(self.overdue) + len(self.due_soon) + len(self.later)


def pending() -> list[PackEvent]:
    """Handover events with a deadline and no upload mark, oldest deadline first."""
    query = (
        sa.select(PackEvent)
        .where(PackEvent.report_due.is_not(None), PackEvent.reported_at.is_(None))
        .options(selectinload(PackEvent.pack), selectinload(PackEvent.organisation))
        .order_by(PackEvent.report_due, PackEvent.at, PackEvent.id)
    )
    return list(db.session.scalars(query))


def due_groups(today: date | None = None) -> DueGroups:
    """Overdue (deadline passed), due soon (within N working days), and later."""
    today = today or clock.today()
    soon_days = int(current_app.config.get("TRACE_DUE_SOON_WORKING_DAYS", 3))
    groups = DueGroups(today, pack_events.calendar().add_working_days(today, soon_days))
    for event in pending():
        if event.report_due < today:
            groups.overdue.append(event)
        elif event.report_due <= groups.soon_until:
            groups.due_soon.append(event)
        else:
            groups.later.append(event)
    return groups


def mark_reported(user: User, event_ids: list[int]) -> list[PackEvent]:
    """Mark handovers as uploaded, all or none; any already marked is a Conflict."""
    ids = sorted({int(i) for i in event_ids})
    if not ids:
        raise Invalid(_l("Choose at least one handover to mark as reported."), field="events")
    events = list(
        db.session.scalars(
            sa.select(PackEvent)
            .where(PackEvent.id.in_(ids))
            .order_by(PackEvent.id)
            .with_for_update()
        )
    )
    try:
        missing = sorted(set(ids) - {e.id for e in events})
        if missing:
            raise NotFound(_l("No such event: %(ids)s.", ids=", ".join(map(str, missing))))
        not_handover = [e.id for e in events if e.report_due is None]
        if not_handover:
            raise Invalid(
                _l("Event %(id)s is not a handover to report.", id=not_handover[0]), field="events"
            )
        done = [e.id for e in events if e.reported_at is not None]
        if done:
            raise Conflict(
                _l("Event %(id)s was already marked as reported.", id=done[0]),
                code=Code.ALREADY_REPORTED,
            )
    except Exception:
        db.session.rollback()
        raise
    now = clock.now()
    for event in events:
        event.reported_at = now
        event.reported_by_id = user.id
    db.session.commit()
    return events


#: The columns of the CSV the national platform's upload needs.
CSV_COLUMNS = (
    "pack_code",
    "original_code",
    "chemistry",
    "event_kind",
    "event_time_local",
    "organisation",
    "counterparty",
    "mass_kg",
    "report_due",
    "report_due_status",
)
#: The last column when a deadline was counted without that year's official calendar.
PROVISIONAL = "暂定 provisional"


def counterparty(event: PackEvent) -> str:
    """Who the pack was handed over from or to, where we know it."""
    pack = event.pack
    if event.data.get("counterparty"):
        return str(event.data["counterparty"])
    if event.kind == "received" and pack.owner is not None:
        return pack.owner.name
    if event.kind == "sold" and pack.buyer is not None:
        return pack.buyer.name
    return ""


def csv_export(events: list[PackEvent]) -> str:
    """The handovers as CSV (UTF-8 with BOM, so that spreadsheet programs read the Chinese);
    cells that would be formulas are escaped (services.csv_export)."""
    return csv_text(
        CSV_COLUMNS,
        (
            [
                event.pack.code,
                event.pack.original_code or "",
                event.pack.chemistry,
                event.kind,
                clock.local(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                event.organisation.name if event.organisation else "",
                counterparty(event),
                event.pack.mass_kg,
                event.report_due.isoformat(),
                PROVISIONAL if holiday_calendar.event_provisional(event) else "",
            ]
            for event in events
        ),
    )
