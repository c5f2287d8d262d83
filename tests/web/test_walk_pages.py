"""Defects found walking the demo as a new user (zh-CN at phone width, English on a desktop):
each test fails without its fix."""

from __future__ import annotations

from lithloop.models import Role


def test_a_page_of_another_role_says_so_in_chinese_not_werkzeugs_english(client, login_as):
    login_as(Role.DEALER_STAFF)
    response = client.get("/dispatch/")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "You don't have the permission" not in page
    assert "您的角色无权打开此页面。" in page
