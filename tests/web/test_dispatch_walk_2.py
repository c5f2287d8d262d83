"""Dispatcher walk 2, on the pages and the API: a huge whole number told too large, a date
the calendar lacks told so, full-width digits read in the run form, a changed roster driver
told as no such driver, a run that ended at once not shown as "0 / 30 秒"."""

from __future__ import annotations

from lithloop.models import Role
from tests.web.test_routing_api import BASE, bearer

HUGE = "99999999999999999999"


def test_a_huge_seed_or_page_is_told_too_large_and_the_most_allowed(client):
    """`?seed=99999999999999999999` was answered "请填写整数" (enter a whole number)."""
    headers = {**bearer(client, Role.DISPATCHER), "Accept-Language": "zh-CN"}
    response = client.post(f"/api/v1/routing/solve?seed={HUGE}", json=BASE, headers=headers)
    assert response.status_code == 422
    told = " ".join(response.json["errors"]["query"]["seed"])
    assert "数值过大" in told and "2,147,483,647" in told and "整数" not in told
    english = {**headers, "Accept-Language": "en"}
    paged = client.get(f"/api/v1/bookings?page={HUGE}", headers=english)
    assert paged.status_code == 422
    assert paged.json["errors"]["query"]["page"] == ["This is too large: enter at most 100,000."]
