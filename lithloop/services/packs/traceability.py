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
from sqlalchemy.orm import aliased, selectinload

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Organisation, Pack, PackEvent, User
from lithloop.services.accounts import policies
from lithloop.services.errors import Conflict, Invalid, NotFound
from lithloop.services.packs import events as pack_events
from lithloop.services.packs import holiday_calendar
from lithloop.services.packs.errors import Code
from lithloop.services.reporting.csv_export import csv_stream, csv_text

#: Handovers shown per group on a page (the counts are of all of them).
GROUP_PAGE = 50


@dataclass
class DueGroups:
    """Unreported handovers split by deadline: one page of each group ordered by deadline,
    and how many each group holds in all."""

    today: date
    soon_until: date  # the last day counted as "due soon"
    overdue: list[PackEvent] = field(default_factory=list)
    due_soon: list[PackEvent] = field(default_factory=list)
    later: list[PackEvent] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    page: int = 1
    per_page: int = GROUP_PAGE
    organisation_id: int | None = None

    @property
    def total(self) -> int:
        """How many handovers are still to be reported."""
        return sum(self.counts.values())

    @property
    def has_next(self) -> bool:
        """Whether a group holds more than this page shows."""
        return any(n > self.page * self.per_page for n in self.counts.values())


def _unreported(organisation_id: int | None = None):
    """Handover events with a deadline and no upload mark (optionally of one organisation)."""
    where = [PackEvent.report_due.is_not(None), PackEvent.reported_at.is_(None)]
    if organisation_id is not None:
        where.append(PackEvent.organisation_id == organisation_id)
    return where


def _loaded(query):
    return query.options(
        selectinload(PackEvent.pack).selectinload(Pack.owner),
        selectinload(PackEvent.pack).selectinload(Pack.buyer),
        selectinload(PackEvent.organisation),
    ).order_by(PackEvent.report_due, PackEvent.at, PackEvent.id)


def pending(organisation_id: int | None = None) -> list[PackEvent]:
    """Handover events with a deadline and no upload mark, oldest deadline first."""
    query = _loaded(sa.select(PackEvent).where(*_unreported(organisation_id)))
    return list(db.session.scalars(query))


def due_groups(
    today: date | None = None,
    *,
    page: int = 1,
    per_page: int = GROUP_PAGE,
    organisation_id: int | None = None,
) -> DueGroups:
    """Overdue (deadline passed), due soon (within N working days), and later: the counts
    from one aggregate, and one page of each group (a fixed number of queries)."""
    today = today or clock.today()
    soon_days = int(current_app.config.get("TRACE_DUE_SOON_WORKING_DAYS", 3))
    groups = DueGroups(
        today,
        pack_events.calendar().add_working_days(today, soon_days),
        page=page,
        per_page=per_page,
        organisation_id=organisation_id,
    )
    due = PackEvent.report_due
    bounds = {
        "overdue": due < today,
        "due_soon": sa.and_(due >= today, due <= groups.soon_until),
        "later": due > groups.soon_until,
    }
    row = db.session.execute(
        sa.select(
            *(sa.func.count().filter(where).label(name) for name, where in bounds.items())
        ).where(*_unreported(organisation_id))
    ).one()
    groups.counts = dict(row._mapping)
    if not groups.total:
        return groups
    # One page of each group in one query: per group, the deadline range read in the
    # partial index's order with LIMIT (a few index entries, whatever the history), joined
    # back to the events by primary key. Not a row_number() over every unreported
    # handover joined to pack_event: the planner cannot estimate the unreported share (two
    # columns it takes for independent: ~40x too many at ten years) and hashed the whole
    # event table for it.
    order = (due, PackEvent.at, PackEvent.id)
    pages = []
    for name, where in bounds.items():
        ids = (
            sa.select(PackEvent.id)
            .where(*_unreported(organisation_id), where)
            .order_by(*order)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .subquery()
        )
        pages.append(sa.select(ids.c.id, sa.literal(name).label("grp")))
    chosen = sa.union_all(*pages).subquery()
    query = (
        sa.select(PackEvent, chosen.c.grp)
        .join(chosen, chosen.c.id == PackEvent.id)
        .options(selectinload(PackEvent.pack), selectinload(PackEvent.organisation))
        .order_by(*order)
    )
    for event, name in db.session.execute(query):
        getattr(groups, name).append(event)
    return groups


def handovers_of_year(year: int, organisation_id: int | None = None):
    """Every handover of a Beijing-time year, reported or not, oldest first: the export's
    rows as a query (`csv_chunks`)."""
    start, end = clock.at(date(year, 1, 1)), clock.at(date(year + 1, 1, 1))
    where = [PackEvent.report_due.is_not(None), PackEvent.at >= start, PackEvent.at < end]
    if organisation_id is not None:
        where.append(PackEvent.organisation_id == organisation_id)
    return _export_rows(where).order_by(PackEvent.at, PackEvent.id)


def organisations_owing() -> list[tuple[int, str, int]]:
    """(id, name, unreported handovers) of each organisation with some, by name (a query)."""
    query = (
        sa.select(Organisation.id, Organisation.name, sa.func.count(PackEvent.id))
        .join(PackEvent, PackEvent.organisation_id == Organisation.id)
        .where(*_unreported())
        .group_by(Organisation.id, Organisation.name)
        .order_by(Organisation.name)
    )
    return [tuple(row) for row in db.session.execute(query)]


def unreported_query(organisation_id: int | None = None):
    """The unreported handovers, oldest deadline first: the export's rows as a query."""
    order = (PackEvent.report_due, PackEvent.at, PackEvent.id)
    return _export_rows(_unreported(organisation_id)).order_by(*order)


def _export_rows(where):
    """The export's columns of the handovers matching `where`, joined in one query: plain
    rows, no ORM objects and no loading per batch (an export reads thousands)."""
    owner, buyer, party = (aliased(Organisation) for _ in range(3))
    return (
        sa.select(
            Pack.code,
            Pack.original_code,
            Pack.chemistry,
            PackEvent.kind,
            PackEvent.at,
            party.name.label("organisation"),
            PackEvent.data,
            owner.name.label("owner"),
            buyer.name.label("buyer"),
            Pack.mass_kg,
            PackEvent.report_due,
        )
        .join(Pack, Pack.id == PackEvent.pack_id)
        .outerjoin(party, party.id == PackEvent.organisation_id)
        .outerjoin(owner, owner.id == Pack.owner_id)
        .outerjoin(buyer, buyer.id == Pack.buyer_id)
        .where(*where)
    )


def mark_reported(user: User, event_ids: list[int]) -> list[PackEvent]:
    """Mark handovers as uploaded, all or none; any already marked is a Conflict."""
    policies.require(user, policies.ADMINS, _l("Only administrators do this."))
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


def _counterparty(kind: str, data: dict, owner: str | None, buyer: str | None) -> str:
    if data.get("counterparty"):
        return str(data["counterparty"])
    if kind == "received" and owner is not None:
        return owner
    if kind == "sold" and buyer is not None:
        return buyer
    return ""


def counterparty(event: PackEvent) -> str:
    """Who the pack was handed over from or to, where we know it."""
    pack = event.pack
    owner = pack.owner.name if pack.owner is not None else None
    buyer = pack.buyer.name if pack.buyer is not None else None
    return _counterparty(event.kind, event.data, owner, buyer)


def _cells(code, original, chemistry, kind, at, organisation, party, mass, due, provisional):
    return [
        code,
        original or "",
        chemistry,
        kind,
        clock.local(at).strftime("%Y-%m-%d %H:%M:%S"),
        organisation or "",
        party,
        mass,
        due.isoformat(),
        PROVISIONAL if provisional else "",
    ]


def csv_row(event: PackEvent, work=None) -> list:
    """One handover's cells in CSV_COLUMNS order (`work`: the calendar, if already read)."""
    pack = event.pack
    return _cells(
        pack.code,
        pack.original_code,
        pack.chemistry,
        event.kind,
        event.at,
        event.organisation.name if event.organisation else None,
        counterparty(event),
        pack.mass_kg,
        event.report_due,
        holiday_calendar.event_provisional(event, work),
    )


def csv_export(events: list[PackEvent]) -> str:
    """The handovers as CSV (UTF-8 with BOM, so that spreadsheet programs read the Chinese);
    cells that would be formulas are escaped (services.csv_export)."""
    work = holiday_calendar.calendar()
    return csv_text(CSV_COLUMNS, (csv_row(event, work) for event in events))


def csv_chunks(query, batch: int = 500):
    """The CSV of an export query's rows (`unreported_query`, `handovers_of_year`), streamed:
    read from a server-side cursor `batch` rows at a time, the calendar read once."""
    work = holiday_calendar.calendar()
    rows = db.session.execute(query.execution_options(yield_per=batch))

    def cells(row) -> list:
        provisional = holiday_calendar.is_provisional(clock.local_day(row.at), row.report_due, work)
        party = _counterparty(row.kind, row.data, row.owner, row.buyer)
        return _cells(
            row.code,
            row.original_code,
            row.chemistry,
            row.kind,
            row.at,
            row.organisation,
            party,
            row.mass_kg,
            row.report_due,
            provisional,
        )

    yield from csv_stream(CSV_COLUMNS, (cells(row) for row in rows))
