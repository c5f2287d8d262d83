"""An organisation not approved (an import waiting for review, or one rejected) has its
bookings left out of every run, as a registration waiting for approval can book nothing;
the dispatcher's day page lists them with that reason."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, Organisation, OrgStatus, Plan
from lithloop.services.accounts import approvals
from lithloop.services.booking import org_transfer
from lithloop.services.dispatch import day_work, plan_edit, publishing
from lithloop.services.errors import Conflict
from tests.web.test_dispatch import book_late, day_world, run_to_end  # noqa: F401 (the fixture)


def _imported_booking(world, name: str) -> tuple[Organisation, int]:
    """A dealer's booking on the world's day, exported and imported as `name`'s."""
    mine = book_late(world, f"{name}（原）", (44.59, 129.62), "300")
    doc = org_transfer.export_organisation(mine.organisation_id)
    doc["organisation"]["name"] = name
    for user in doc["users"]:
        user["email"] = f"imported-{user['email']}"
    org = org_transfer.import_organisation(doc)
    (booking,) = db.session.scalars(sa.select(Booking.id).where(Booking.organisation_id == org.id))
    return org, booking


def test_an_imported_organisation_waiting_for_approval_is_not_planned(client, auth, day_world):  # noqa: F811
    org, imported = _imported_booking(day_world, "导入的网点")
    assert org.status is OrgStatus.PENDING
    due = {b.id for b in day_world_due(day_world)}
    assert imported not in due and set(day_world["bookings"]) <= due
    run = run_to_end(client, day_world)
    plan = db.session.get(Plan, run["plan_id"])
    on_plan = {s.booking_id for r in plan.routes for s in r.stops} | {
        u.booking_id for u in plan.unassigned
    }
    assert imported not in on_plan and set(day_world["bookings"]) <= on_plan
    auth.login(day_world["dispatcher"].email)
    client.get("/lang/zh_CN")
    page = client.get(f"/dispatch/?date={day_world['day'].isoformat()}").get_data(as_text=True)
    held = page.split('id="held-bookings">')[1].split("</ul>")[0]
    assert "1 个预约不排入路线：所属机构尚未获批准" in held
    assert f"#{imported} " in held and "导入的网点" in held and "待审核" in held
    publishing.publish_plan(day_world["dispatcher"], plan.id, allow_unmanned=True)
    with pytest.raises(Conflict) as refused:
        plan_edit.insert_urgent(day_world["dispatcher"], plan.id, imported)
    assert refused.value.code == "org_not_approved"
    approvals.decide_organisation(org.id, approve=True)
    db.session.commit()
    assert imported in {b.id for b in day_world_due(day_world)}
    assert day_work.held_bookings(day_world["day"]) == []


def test_a_rejected_organisations_bookings_stay_out(client, auth, day_world):  # noqa: F811
    org, imported = _imported_booking(day_world, "被拒的网点")
    approvals.decide_organisation(org.id, approve=False)
    db.session.commit()
    assert imported not in {b.id for b in day_world_due(day_world)}
    auth.login(day_world["dispatcher"].email)
    client.get("/lang/zh_CN")
    page = client.get(f"/dispatch/?date={day_world['day'].isoformat()}").get_data(as_text=True)
    held = page.split('id="held-bookings">')[1].split("</ul>")[0]
    assert "被拒的网点" in held and "未通过审核" in held


def day_world_due(world):
    return day_work.due_bookings(world["day"])
