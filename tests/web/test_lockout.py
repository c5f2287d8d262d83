"""Login lockout per e-mail and client address: growing locks, the same answers for unknown
e-mails, no stranger locking the owner out, across workers; admin unlock."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import AuditEntry, LoginThrottle, OrgKind, Role
from lithloop.services.accounts import lockout
from tests.conftest import freeze_clock, make_app, submit
from tests.factories import PASSWORD, make_org, make_user

LOCKED_ZH = "登录失败次数过多"
WRONG_ZH = "邮箱或密码错误"
OWNER, STRANGER = "203.0.113.7", "198.51.100.66"


def fail(client, email, times=1, addr="127.0.0.1"):
    """Post wrong passwords; return the last response."""
    for _ in range(times):
        response = submit(
            client,
            "/login",
            {"email": email, "password": "wrong-password-x"},
            environ_base={"REMOTE_ADDR": addr},
        )
    return response


def login(client, email, addr="127.0.0.1", password=PASSWORD):
    return submit(
        client, "/login", {"email": email, "password": password}, environ_base={"REMOTE_ADDR": addr}
    )


def locked_until(email: str, addr: str = "127.0.0.1"):
    db.session.expire_all()
    return db.session.scalar(
        sa.select(LoginThrottle.locked_until).where(
            LoginThrottle.email == email, LoginThrottle.address == addr
        )
    )


def later(monkeypatch, minutes: int):
    moment = clock.now() + timedelta(minutes=minutes)
    freeze_clock(monkeypatch, moment)


def test_five_failures_lock_the_pair_even_for_the_right_password(client):
    user = make_user(make_org())
    assert LOCKED_ZH not in fail(client, user.email, 4).get_data(as_text=True)
    fifth = fail(client, user.email)
    assert fifth.status_code == 401 and LOCKED_ZH in fifth.get_data(as_text=True)
    right = login(client, user.email)
    assert right.status_code == 401 and LOCKED_ZH in right.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.locked"))
    assert entry.object_id == str(user.id)


def test_a_stranger_cannot_lock_the_owner_out_admins_included(app, client):
    app.config["RATELIMIT_ENABLED"] = False  # the stranger's address is limited as well
    for role, kind in (
        (Role.DEALER_STAFF, OrgKind.DEALER_BRANCH),
        (Role.ADMIN, OrgKind.PARK_OPERATOR),
    ):
        user = make_user(make_org(kind), role=role)
        fail(client, user.email, 12, addr=STRANGER)  # locked twice over, from the stranger's
        assert LOCKED_ZH in login(client, user.email, STRANGER).get_data(as_text=True)
        assert login(client, user.email, OWNER).status_code == 302  # the owner's address
        submit(client, "/logout", {}, page="/")


def test_unknown_and_known_e_mails_get_the_same_answers(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "20 per minute"  # 11 attempts: the page's and the API's
    user = make_user(make_org())
    for email in (user.email, "nobody-here@example.cn"):
        first = fail(client, email)
        assert first.status_code == 401 and WRONG_ZH in first.get_data(as_text=True)
        fifth = fail(client, email, 4)
        assert fifth.status_code == 401 and LOCKED_ZH in fifth.get_data(as_text=True)
    api = client.post(
        "/api/v1/auth/token", json={"email": "nobody-here@example.cn", "password": "x"}
    )
    assert api.status_code == 401 and api.json["error"] == "locked"


def test_an_unknown_e_mail_costs_as_much_time_as_a_wrong_password(database_url, app):
    slow = make_app(
        database_url,
        PASSWORD_HASH_METHOD="scrypt:32768:8:1",
        RATELIMIT_ENABLED=False,
        LOCKOUT_THRESHOLD=1000,
    )
    with slow.app_context():
        user = make_user(make_org())  # hashed with the cheap test method: re-hash it
        from lithloop.services.accounts.passwords import hash_password

        user.password_hash = hash_password(PASSWORD)
        db.session.commit()
        email = user.email
    client = slow.test_client()

    def timed(address: str) -> float:
        start = time.perf_counter()
        response = client.post("/api/v1/auth/token", json={"email": address, "password": "x"})
        assert response.status_code == 401 and response.json["error"] == "unauthorised"
        return time.perf_counter() - start

    timed(email), timed("warm-up@example.cn")  # the dummy hash is made on first use
    # interleaved, so that a burst of other work on the machine weighs on both alike
    pairs = [(timed(email), timed("nobody-here@example.cn")) for _ in range(9)]
    known = statistics.median(k for k, _ in pairs)
    unknown = statistics.median(u for _, u in pairs)
    assert unknown > 0.6 * known, (known, unknown)


def test_lock_ends_after_its_duration_and_a_login_resets_the_count(client, monkeypatch):
    user = make_user(make_org())
    fail(client, user.email, 5)
    later(monkeypatch, 16)
    assert login(client, user.email).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(LoginThrottle.id))) == 0


def test_each_further_lock_lasts_twice_as_long(client, monkeypatch):
    user = make_user(make_org())
    fail(client, user.email, 5)
    first = locked_until(user.email) - clock.now()
    later(monkeypatch, 16)
    fail(client, user.email, 5)
    second = locked_until(user.email) - clock.now()
    assert timedelta(minutes=14) < first <= timedelta(minutes=15)
    assert timedelta(minutes=29) < second <= timedelta(minutes=30)


def test_failures_spread_beyond_the_window_do_not_lock(client, monkeypatch):
    user = make_user(make_org())
    fail(client, user.email, 4)
    later(monkeypatch, 16)
    fail(client, user.email, 4)
    assert locked_until(user.email) is None
    assert login(client, user.email).status_code == 302


def test_lock_holds_in_another_worker(client, database_url):
    user = make_user(make_org())
    fail(client, user.email, 5)
    other_worker = make_app(database_url).test_client()
    response = other_worker.post(
        "/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}
    )
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
    assert locked_until(user.email) is None and not lockout.locks_for([user.email])
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
    assert locked_until(victim.email) is not None


def test_stale_pairs_are_deleted_and_odd_e_mails_are_stored_safely(app, client, monkeypatch):
    app.config["RATELIMIT_ENABLED"] = False
    fail(client, "once@example.cn")
    lockout._purged["next"] = 0.0
    later(monkeypatch, 20)  # past the window, never locked
    with app.test_request_context():
        lockout.record_failure("odd\x00\ud800@example.cn", "10.0.0.1", None)
    emails = set(db.session.scalars(sa.select(LoginThrottle.email)))
    assert emails == {"odd?@example.cn"}
