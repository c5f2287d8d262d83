"""Handovers owed to the national traceability platform: due, due soon, overdue; marking.

China's 2018 traceability rules give each handover an upload deadline in working days
(FACTS.md §5). `pack_events.record` stamps `report_due` on handover events; this module
lists the ones not yet reported and marks them reported; `handover_export` writes the
platform's upload file.
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
from lithloop.i18n import listed
from lithloop.models import Organisation, Pack, PackEvent, User
from lithloop.services.accounts import policies
from lithloop.services.errors import Conflict, Invalid, NotFound
from lithloop.services.packs import events as pack_events
from lithloop.services.packs.errors import Code

#: Handovers shown per group on a page (the counts are of all of them).
GROUP_PAGE = 50


@dataclass
class DueGroups:
    """Unreported handovers split by deadline: one page of each group ordered by deadline,
    and how many each group holds in all. Three lists under one page number, not one list
    of rows: paged here, not by services/paging.py (whose past-the-end rule `pages` keeps)."""

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

    @property
    def pages(self) -> int | None:
        """Past every group's end, the last page with rows (0 when none); None otherwise."""
        last = max((-(-n // self.per_page) for n in self.counts.values()), default=0)
        return last if self.page > max(last, 1) else None


def party_to(organisation_id: int) -> sa.ColumnElement[bool]:
    """Handovers the organisation is a party to: those it recorded (the park's intake,
    builds, dismantling and sales), the receipt of packs it handed over (the pack's owner),
    and the sale of packs to it (the buyer): the upload file's organisation and counterparty."""
    handed_over = sa.select(Pack.id).where(Pack.owner_id == organisation_id)
    bought = sa.select(Pack.id).where(Pack.buyer_id == organisation_id)
    return sa.or_(
        PackEvent.organisation_id == organisation_id,
        sa.and_(PackEvent.kind == "received", PackEvent.pack_id.in_(handed_over)),
        sa.and_(PackEvent.kind == "sold", PackEvent.pack_id.in_(bought)),
    )


def unreported_where(organisation_id: int | None = None):
    """Handover events with a deadline and no upload mark (optionally those an organisation
    is a party to, `party_to`)."""
    where = [PackEvent.report_due.is_not(None), PackEvent.reported_at.is_(None)]
    if organisation_id is not None:
        where.append(party_to(organisation_id))
    return where


def overdue_count(today: date | None = None) -> int:
    """How many handovers are past their upload deadline and not marked reported."""
    overdue = PackEvent.report_due < (today or clock.today())
    return db.session.scalar(sa.select(sa.func.count()).where(*unreported_where(), overdue))


def _loaded(query):
    return query.options(
        selectinload(PackEvent.pack).selectinload(Pack.owner),
        selectinload(PackEvent.pack).selectinload(Pack.buyer),
        selectinload(PackEvent.organisation),
    ).order_by(PackEvent.report_due, PackEvent.at, PackEvent.id)


def pending(organisation_id: int | None = None) -> list[PackEvent]:
    """Handover events with a deadline and no upload mark, oldest deadline first."""
    query = _loaded(sa.select(PackEvent).where(*unreported_where(organisation_id)))
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
        ).where(*unreported_where(organisation_id))
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
            .where(*unreported_where(organisation_id), where)
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
        .options(
            selectinload(PackEvent.pack).selectinload(Pack.owner),
            selectinload(PackEvent.pack).selectinload(Pack.buyer),
            selectinload(PackEvent.organisation),
        )
        .order_by(*order)
    )
    for event, name in db.session.execute(query):
        getattr(groups, name).append(event)
    return groups


def organisations_owing() -> list[tuple[int, str, int]]:
    """(id, name, unreported handovers it is a party to) of each organisation with some, by
    name (a query; the parties as `party_to` counts them, each handover once per party)."""
    unreported = unreported_where()
    parties = sa.union(
        sa.select(PackEvent.organisation_id.label("org"), PackEvent.id.label("event")).where(
            *unreported
        ),
        sa.select(Pack.owner_id, PackEvent.id)
        .join(Pack, Pack.id == PackEvent.pack_id)
        .where(*unreported, PackEvent.kind == "received"),
        sa.select(Pack.buyer_id, PackEvent.id)
        .join(Pack, Pack.id == PackEvent.pack_id)
        .where(*unreported, PackEvent.kind == "sold"),
    ).subquery()
    query = (
        sa.select(Organisation.id, Organisation.name, sa.func.count(parties.c.event))
        .join(parties, parties.c.org == Organisation.id)
        .group_by(Organisation.id, Organisation.name)
        .order_by(Organisation.name)
    )
    return [tuple(row) for row in db.session.execute(query)]


def organisation_exists(organisation_id: int) -> bool:
    """Whether an organisation has this id (the page's filter names one, or a changed link)."""
    found = db.session.scalar(sa.select(Organisation.id).where(Organisation.id == organisation_id))
    return found is not None


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
            .execution_options(populate_existing=True)
        )
    )
    try:
        missing = sorted(set(ids) - {e.id for e in events})
        if missing:
            raise NotFound(_l("No such event: %(ids)s.", ids=listed([str(i) for i in missing])))
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
