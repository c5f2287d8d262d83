"""Account lockout after repeated failed logins, across addresses and workers; admin unlock."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import AuditEntry, OrgKind, Role, User
from tests.conftest import freeze_clock, make_app, submit
from tests.factories import PASSWORD, make_org, make_user

LOCKED_ZH = "登录失败次数过多"


def fail(client, email, times=1, addr="127.0.0.1"):
    """Post wrong passwords; return the last response."""
    for _ in range(times):
        response = submit(client, "/login", {"email": email, "password": "wrong-password-x"},
                          environ_base={"REMOTE_ADDR": addr})
    return response


def refreshed(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def later(monkeypatch, minutes: int):
    moment = clock.now() + timedelta(minutes=minutes)
    freeze_clock(monkeypatch, moment)


def test_five_failures_lock_the_account_even_for_the_right_password(client, auth):
    user = make_user(make_org())
    assert LOCKED_ZH not in fail(client, user.email, 4).get_data(as_text=True)
    fifth = fail(client, user.email)
    assert fifth.status_code == 401 and LOCKED_ZH in fifth.get_data(as_text=True)
    right = auth.login(user.email, PASSWORD)
    assert right.status_code == 401 and LOCKED_ZH in right.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.locked"))
    assert entry.object_id == str(user.id)


def test_lock_ends_after_its_duration_and_a_login_resets_the_count(client, auth, monkeypatch):
    user = make_user(make_org())
    fail(client, user.email, 5)
    later(monkeypatch, 16)
    assert auth.login(user.email, PASSWORD).status_code == 302
    assert refreshed(user).failed_logins == 0


def test_failures_spread_beyond_the_window_do_not_lock(client, auth, monkeypatch):
    user = make_user(make_org())
    fail(client, user.email, 4)
    later(monkeypatch, 16)
    fail(client, user.email, 4)
    assert refreshed(user).locked_until is None
    assert auth.login(user.email, PASSWORD).status_code == 302


def test_lockout_holds_across_addresses_where_the_rate_limit_does_not(client, auth):
    user = make_user(make_org())
    for i in range(5):  # one failure from each of five addresses: never rate limited
        assert fail(client, user.email, addr=f"198.51.100.{i + 1}").status_code == 401
    assert refreshed(user).locked_until is not None
    assert LOCKED_ZH in auth.login(user.email, PASSWORD).get_data(as_text=True)


def test_lock_holds_in_another_worker(client, database_url):
    user = make_user(make_org())
    fail(client, user.email, 5)
    other_worker = make_app(database_url).test_client()
    response = other_worker.post("/api/v1/auth/token",
                                 json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401 and response.json["error"] == "locked"


def test_rate_limit_still_applies_per_address(app, client):
    app.config["LOCKOUT_THRESHOLD"] = 1000
    user = make_user(make_org())
    statuses = [fail(client, user.email).status_code for _ in range(11)]
    assert statuses[-1] == 429


def test_admin_sees_the_lock_and_unlocks(client, auth):
    user = make_user(make_org(), email="locked.out@example.cn")
    fail(client, user.email, 5)
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    auth.login(admin.email)
    page = client.get("/admin/users?q=locked.out").get_data(as_text=True)
    assert "locked.out@example.cn" in page and "锁定至" in page
    response = submit(client, f"/admin/users/{user.id}/unlock", {}, page="/admin/users")
    assert response.status_code == 302
    assert refreshed(user).locked_until is None
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.unlock"))
    assert entry.actor_id == admin.id and entry.details == {"was_locked": True}
    auth.logout()
    assert auth.login(user.email, PASSWORD).status_code == 302


def test_only_admins_unlock(client, auth):
    victim = make_user(make_org())
    fail(client, victim.email, 5)
    dispatcher = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER)
    auth.login(dispatcher.email)
    response = submit(client, f"/admin/users/{victim.id}/unlock", {}, page="/")
    assert response.status_code == 403
    assert refreshed(victim).locked_until is not None
