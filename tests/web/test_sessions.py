"""Sessions that end: logout on the server, log out everywhere, password change and reset
(which also revoke API tokens), and no worker's user cache keeping an ended session alive."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import AuditEntry, OrgKind, Role, User
from lithloop.services.accounts import login_sessions
from tests.conftest import Auth, api_headers, make_app, submit
from tests.factories import PASSWORD, make_org, make_user
from tests.web.test_auth import reset_link
from tests.web.test_shared_cache import in_other_process

NEW_PASSWORD = "brand-new-pass-7"


def saved_cookies(client) -> list:
    """A copy of the client's cookies, as an attacker who stole them would keep it."""
    return [(c.key, c.value, c.domain, c.path) for c in client._cookies.values()]


def replayed(app, cookies):
    """A new client carrying the saved cookies."""
    client = app.test_client()
    for key, value, domain, path in cookies:
        client.set_cookie(key, value, domain=domain, path=path)
    return client


def logged_in(app, user):
    client = app.test_client()
    assert Auth(client).login(user.email).status_code == 302
    return client


def is_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_cookie_saved_before_logout_no_longer_works(app):
    user = make_user(make_org())
    client = logged_in(app, user)
    cookies = saved_cookies(client)
    assert is_in(replayed(app, cookies))
    Auth(client).logout()
    assert not is_in(client)
    assert not is_in(replayed(app, cookies))  # the copy is refused by the server


def test_logout_ends_only_its_own_session(app):
    user = make_user(make_org())
    laptop, phone = logged_in(app, user), logged_in(app, user)
    Auth(laptop).logout()
    assert is_in(phone) and not is_in(laptop)


def test_log_out_everywhere_ends_every_session(app):
    user = make_user(make_org())
    laptop, phone = logged_in(app, user), logged_in(app, user)
    cookies = saved_cookies(phone)
    page = laptop.get("/account").get_data(as_text=True)
    assert (  # the button asks first (confirm.js), saying what happens
        '<form method="post" action="/account/logout-everywhere" data-confirm="'
        '在所有设备上退出登录（包括当前设备）？每台设备都需要重新登录。">'
    ) in page
    response = submit(laptop, "/account/logout-everywhere", {}, page="/account")
    assert response.status_code == 302 and "/login" in response.location
    assert not is_in(laptop) and not is_in(phone) and not is_in(replayed(app, cookies))
    assert is_in(logged_in(app, user))  # a new login works
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "user.sessions_ended")
    )
    assert entry.details == {"reason": "log out everywhere"}


def test_a_password_reset_ends_sessions_and_revokes_api_tokens(app):
    user = make_user(make_org())
    victim_side = logged_in(app, user)  # e.g. an attacker holding the old password
    headers = api_headers(app.test_client(), user)
    assert app.test_client().get("/api/v1/calendar", headers=headers).status_code == 200
    client = app.test_client()
    submit(client, "/reset", {"email": user.email})
    link = reset_link(user.email)
    assert (
        submit(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    )
    assert not is_in(victim_side)
    assert app.test_client().get("/api/v1/calendar", headers=headers).status_code == 401


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app):
    user = make_user(make_org())
    this, other = logged_in(app, user), logged_in(app, user)
    wrong = submit(
        this,
        "/account/password",
        {"current": "not-my-password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        page="/account",
    )
    assert wrong.status_code == 422 and "当前密码错误" in wrong.get_data(as_text=True)
    assert is_in(other)
    response = submit(
        this,
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        page="/account",
    )
    assert response.status_code == 302
    assert is_in(this) and not is_in(other)
    assert Auth(app.test_client()).login(user.email, NEW_PASSWORD).status_code == 302


def test_a_session_ended_by_another_worker_is_refused_at_once(database_url, app, tmp_path):
    """The user snapshot cache (USER_CACHE_S) must not keep an ended session alive: a
    logout or a version bump in another process clears it through the shared counters."""
    served = make_app(database_url, CACHE_COUNTERS=str(tmp_path / "counters"), USER_CACHE_S=300)
    user = make_user(make_org())
    one, two = logged_in(served, user), logged_in(served, user)
    assert is_in(one) and is_in(two)  # both cached in this worker now
    sid = session_id(served, one)
    in_other_process(served, login_sessions.end_session, user.id, sid)
    assert not is_in(one) and is_in(two)
    in_other_process(served, bump_sessions_of, user.id)
    assert not is_in(two)


def session_id(app, client) -> str:
    cookie = client.get_cookie(
        app.config.get("SESSION_COOKIE_NAME", "session"), domain="lithloop.test"
    )
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    return data["_sid"]


def bump_sessions_of(user_id: int) -> None:
    login_sessions.log_out_everywhere(db.session.get(User, user_id))


def test_disabling_a_user_ends_their_sessions_and_tokens_for_good(app):
    """Enabling the account again must not bring back a session or token from before."""
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    user = make_user(make_org())
    session = logged_in(app, user)
    cookies = saved_cookies(session)
    headers = api_headers(app.test_client(), user)
    assert app.test_client().get("/api/v1/calendar", headers=headers).status_code == 200
    console = logged_in(app, admin)
    for enabled in ("0", "1"):
        response = submit(
            console, f"/admin/users/{user.id}/enabled", {"enabled": enabled}, page="/admin/users"
        )
        assert response.status_code == 302
    assert db.session.get(User, user.id).enabled
    assert not is_in(session) and not is_in(replayed(app, cookies))
    assert app.test_client().get("/api/v1/calendar", headers=headers).status_code == 401
    assert is_in(logged_in(app, user))  # a new login works
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "user.sessions_ended")
    )
    assert entry.actor_id == admin.id and entry.details == {"reason": "account disabled"}
