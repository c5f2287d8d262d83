# ruff: noqa: F811  (tests take the imported fixtures as arguments)
"""Defects found walking the dispatcher's, driver's and plant's journeys as new users (zh-CN
at phone width, English on a desktop, hostile input): each test fails without its fix."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import BookingStatus, PackState, Plan, PlanStatus, Warehouse
from lithloop.services.dispatch import publishing
from tests import worlds
from tests.conftest import submit
from tests.pack_builders import make_pack
from tests.web.test_dispatch import (
    book_late,
    day_world,  # noqa: F401 (the fixture)
    run_to_end,
)
from tests.worlds import arrival  # noqa: F401 (the fixture)

dealer_world = worlds.dealer_at_site

TONNES = re.compile(r"<span class=\"nowrap\">[\d,]+\.\d ([^<]+)</span>")


def test_the_days_tonnes_on_the_dispatch_pages_are_in_chinese_beside_their_kilograms(
    client, auth, day_world
):
    """The day's mass and the plan's collected mass read "4.5 t" on Chinese pages whose
    every other mass says 千克: the tonne is 吨 there, and stays t in English."""
    plan_id = run_to_end(client, day_world)["plan_id"]
    auth.login(day_world["dispatcher"].email)
    urls = [f"/dispatch/?date={day_world['day'].isoformat()}", f"/dispatch/plans/{plan_id}"]
    for url in urls:
        page = client.get(url).get_data(as_text=True)
        assert "千克" in page
        assert TONNES.findall(page) == ["吨"], url
    client.get("/lang/en")
    for url in urls:
        assert TONNES.findall(client.get(url).get_data(as_text=True)) == ["t"], url


def test_a_scrap_pack_sent_to_aging_is_refused_with_its_decision_in_words(client, auth, arrival):
    """Sending a grade S pack to the aging warehouse was refused with "处置决定为 recycle":
    the stored decision's code on a Chinese page."""
    pack = make_pack(arrival["operator"], soh="40", grade="S", decision="recycle")
    auth.login(arrival["operator"].email)
    client.get("/lang/zh_CN")
    refused = submit(client, f"/plant/packs/{pack.id}/send", {"to": "aging"}, page="/plant/")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "处置决定为回收拆解" in page.replace(" ", "") and "recycle" not in page, page
    client.get("/lang/en")
    refused = submit(client, f"/plant/packs/{pack.id}/send", {"to": "aging"}, page="/plant/")
    assert "with decision Recycle:" in refused.get_data(as_text=True)


def test_pressing_insert_urgent_again_after_back_opens_the_same_draft(client, auth, day_world):
    """Back after "insert into the published plan" and the button pressed again made a second
    draft with the same booking inserted (two drafts to tell apart before publishing)."""
    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    publishing.publish_plan(day_world["dispatcher"], plan.id, allow_unmanned=True)
    urgent = book_late(day_world, "急件网点", (44.59, 129.62), "300")
    auth.login(day_world["dispatcher"].email)
    index = f"/dispatch/?date={day_world['day'].isoformat()}"
    url, data = f"/dispatch/plans/{plan.id}/urgent", {"booking_id": urgent.id}
    first = submit(client, url, data, page=index)
    again = submit(client, url, data, page=index)
    drafts = db.session.scalars(sa.select(Plan).where(Plan.status == PlanStatus.DRAFT)).all()
    assert len(drafts) == 1
    assert first.location == again.location == f"/dispatch/plans/{drafts[0].id}"


def test_the_publish_confirmation_names_a_booking_cancelled_since_the_plan(client, auth, day_world):
    """The confirmation listed a booking cancelled since the plan was made among those to
    be told "scheduled", and only the publish itself then refused: it says so first."""
    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    gone = next(s.booking for r in plan.routes for s in r.stops if s.booking is not None)
    gone.status = BookingStatus.CANCELLED
    db.session.commit()
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{plan.id}/publish").get_data(as_text=True)
    warning = page.split('id="changed-bookings"')[1].split("</div>")[0]
    assert f"计划生成后，预约 #{gone.id} 已取消；请重新运行规划。" in warning
    told = page.split("已排程，附到达时间段")[1].split("</ul>")[0]
    assert f"#{gone.id} " not in told


def test_the_warehouse_filter_names_chemistries_in_words(client, auth, arrival):
    """The plant's warehouse filter offered "LFP" on a Chinese page where the catalogue and
    the pack pages say 磷酸铁锂 LFP."""
    make_pack(arrival["operator"], grade="A", state=PackState.AGING, warehouse=Warehouse.AGING)
    auth.login(arrival["operator"].email)
    client.get("/lang/zh_CN")
    page = client.get("/plant/warehouses/aging").get_data(as_text=True)
    select = page.split('<select name="chemistry">')[1].split("</select>")[0]
    assert '<option value="LFP">磷酸铁锂 LFP</option>' in select, select
