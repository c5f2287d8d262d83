# ruff: noqa: F811  (tests take the imported fixtures as arguments)
"""Defects found walking the dispatcher's, driver's and plant's journeys as new users (zh-CN
at phone width, English on a desktop, hostile input): each test fails without its fix."""

from __future__ import annotations

import re

from tests.web.test_dispatch import (
    day_world,  # noqa: F401 (the fixture)
    run_to_end,
)

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
