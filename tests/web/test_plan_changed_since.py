"""A draft whose booking changed since it was made (cancelled, picked up by another plan's
truck): publishing refuses it (booking_changed), yet the plan page offered "发布计划…" and
the confirmation its button, which could only fail. Both say which booking changed and
offer planning the day again instead."""

from __future__ import annotations

import re

from lithloop.extensions import db
from lithloop.models import BookingStatus, Plan
from tests.plain_language import untranslated
from tests.web.test_dispatch import day_world, run_to_end  # noqa: F401 (the fixture)


def _cancel_one(client, world) -> tuple[Plan, int]:
    plan = db.session.get(Plan, run_to_end(client, world)["plan_id"])
    gone = next(s.booking for r in plan.routes for s in r.stops if s.booking is not None)
    gone.status = BookingStatus.CANCELLED
    db.session.commit()
    return plan, gone.id


def test_the_plan_names_the_changed_booking_and_offers_a_replan_not_publish(
    client,
    auth,
    day_world,  # noqa: F811
):
    plan, gone = _cancel_one(client, day_world)
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{plan.id}").get_data(as_text=True)
    section = page.split('id="publishing"')[1].split("</section>")[0]
    assert f"/dispatch/plans/{plan.id}/publish" not in section  # no button that can only fail
    warning = section.split('id="plan-changed"')[1].split("</div>")[0]
    assert f"计划生成后，预约 #{gone} 已取消；请重新运行规划。" in warning, warning
    assert untranslated(re.sub(r"<[^>]+>", " ", warning)) == []
    replan = section.split('id="replan-form"')[1].split("</form>")[0]
    assert 'action="/dispatch/runs"' in page.split('id="replan-form"')[0].rsplit("<form", 1)[1]
    assert f'name="date" value="{plan.plan_date.isoformat()}"' in replan
    assert "重新规划当天" in replan
    confirm = client.get(f"/dispatch/plans/{plan.id}/publish").get_data(as_text=True)
    form = confirm.split('id="publish-form"')[1].split("</form>")[0]
    assert 'type="submit"' not in form  # the confirmation has no publish button either
    assert 'id="replan-form"' in confirm and 'id="plan-changed"' not in confirm  # said once
    client.get("/lang/en")
    english = client.get(f"/dispatch/plans/{plan.id}").get_data(as_text=True)
    assert (
        f"Booking #{gone} has been cancelled since the plan was made; run the plan again."
        in english
    )


def test_an_unchanged_draft_still_offers_publishing(client, auth, day_world):  # noqa: F811
    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{plan.id}").get_data(as_text=True)
    section = page.split('id="publishing"')[1].split("</section>")[0]
    assert f"/dispatch/plans/{plan.id}/publish" in section and 'id="plan-changed"' not in page
    confirm = client.get(f"/dispatch/plans/{plan.id}/publish").get_data(as_text=True)
    assert 'type="submit"' in confirm.split('id="publish-form"')[1].split("</form>")[0]
