"""The draft an urgent insert already made: pressing "insert" again (back button, double
tap) opens that draft instead of making a second one with the same booking."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Plan, PlanRoute, PlanRun, PlanStatus, PlanStop

#: PlanRun.runner of a draft made by hand (an urgent insert).
MANUAL = "manual"


def draft_holding(published: Plan, booking_id: int) -> Plan | None:
    """The newest hand-made draft of the published plan's day, made since it was published,
    that already has the booking on a truck (None if there is none)."""
    since = published.published_at
    if since is None:
        return None
    return db.session.scalar(
        sa.select(Plan)
        .join(PlanRun, Plan.run_id == PlanRun.id)
        .join(PlanRoute, PlanRoute.plan_id == Plan.id)
        .join(PlanStop, PlanStop.route_id == PlanRoute.id)
        .where(
            Plan.plan_date == published.plan_date,
            Plan.status == PlanStatus.DRAFT,
            PlanRun.runner == MANUAL,
            PlanRun.started_at >= since,
            PlanStop.booking_id == booking_id,
        )
        .order_by(Plan.id.desc())
        .limit(1)
    )
