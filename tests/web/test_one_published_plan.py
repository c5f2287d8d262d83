"""One published plan a day, kept by the database (uq_plan_published_day, migration 0019),
on SQLite and PostgreSQL; the race tests are in tests/test_plan_concurrency.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Plan, PlanStatus
from lithloop.services.dispatch import publishing
from tests.web.test_dispatch import day_world, run_to_end  # noqa: F401 (fixture)


def test_the_database_refuses_a_second_published_plan_for_a_day(client, day_world):  # noqa: F811
    first = run_to_end(client, day_world)["plan_id"]
    second = run_to_end(client, day_world)["plan_id"]
    publishing.publish_plan(day_world["dispatcher"], first, allow_unmanned=True)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.update(Plan).where(Plan.id == second).values(status=PlanStatus.PUBLISHED)
        )
        db.session.flush()
    db.session.rollback()
    # superseded and draft plans of the day are not limited
    db.session.execute(sa.update(Plan).where(Plan.id == first).values(status=PlanStatus.SUPERSEDED))
    db.session.execute(
        sa.update(Plan).where(Plan.id == second).values(status=PlanStatus.SUPERSEDED)
    )
    db.session.commit()


def test_an_older_draft_published_over_a_newer_plan_supersedes_it(client, day_world):  # noqa: F811
    # The newer plan is superseded (and flushed) before the older one becomes published:
    # updated in id order in one flush, the older one would break the unique index first.
    older = run_to_end(client, day_world)["plan_id"]
    newer = run_to_end(client, day_world)["plan_id"]
    publishing.publish_plan(day_world["dispatcher"], newer, allow_unmanned=True)
    publishing.publish_plan(day_world["dispatcher"], older, allow_unmanned=True)
    db.session.expire_all()
    assert db.session.get(Plan, older).status is PlanStatus.PUBLISHED
    assert db.session.get(Plan, newer).status is PlanStatus.SUPERSEDED


def test_publishing_again_tells_only_the_owners_whose_truck_or_arrival_changed(
    client,
    day_world,  # noqa: F811
):
    """An urgent booking inserted into the published plan moves nothing else: publishing
    that draft tells the urgent booking's owner, not every owner again."""
    import sqlalchemy as sa

    from lithloop.models import OutboxMessage
    from lithloop.services.dispatch import plan_edit
    from tests.web.test_dispatch import book_late

    def letters() -> int:
        return db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))

    def places(plan_id: int) -> dict:
        plan = db.session.get(Plan, plan_id)
        return {s.booking_id: (r.truck_id, s.arrival) for r in plan.routes for s in r.stops}

    first = run_to_end(client, day_world)["plan_id"]
    publishing.publish_plan(day_world["dispatcher"], first, allow_unmanned=True)
    urgent = book_late(day_world, "急件网点二", (44.59, 129.62), "300")
    draft = plan_edit.insert_urgent(day_world["dispatcher"], first, urgent.id)
    before_places, now_places = places(first), places(draft.id)
    changed = [b for b, place in now_places.items() if b and before_places.get(b) != place]
    assert urgent.id in changed and len(changed) < len([b for b in now_places if b])
    before = letters()
    publishing.publish_plan(day_world["dispatcher"], draft.id, allow_unmanned=True)
    assert letters() - before == len(changed)  # an unchanged pickup is not announced again
