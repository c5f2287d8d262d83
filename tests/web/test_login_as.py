"""The shared fixtures log in as any role, through the real login form and token endpoint."""

from __future__ import annotations

import pytest

from lithloop.models import Role


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_login_as_each_role_reaches_its_home(client, login_as, role):
    user = login_as(role)
    assert user.role is role
    page = client.get("/", follow_redirects=True)
    assert page.status_code == 200
    assert "/login" not in page.request.path


def test_bearer_as_gives_a_working_token(client, bearer_as):
    user, headers = bearer_as(Role.DEALER_STAFF)
    assert client.get("/api/v1/sites/", headers=headers).status_code == 200
    assert client.get("/api/v1/sites/").status_code == 401
