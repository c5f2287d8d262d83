# ruff: noqa: F811  (tests take the imported fixtures as arguments)
"""Defects found walking the dispatcher's, driver's and plant's journeys as new users (zh-CN
at phone width, English on a desktop, hostile input): each test fails without its fix."""

from __future__ import annotations

import re

from tests.conftest import submit
from tests.pack_builders import make_pack
from tests.web.test_dispatch import (
    day_world,  # noqa: F401 (the fixture)
    run_to_end,
)
from tests.worlds import arrival  # noqa: F401 (the fixture)

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
