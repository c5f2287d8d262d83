"""API tokens expire, record their last use without a GET writing in its own transaction,
and are created (shown once), listed and revoked on the account page (an administrator:
anyone's)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from lithloop import clock
from lithloop.cache import read_cache
from lithloop.extensions import db
from lithloop.i18n import local_time
from lithloop.models import ApiToken, AuditEntry, OrgKind, Role
from lithloop.services.accounts import api_tokens
from tests.conftest import Auth, freeze_clock, submit
from tests.factories import PASSWORD, make_org, make_user


def token_for(client, user, **extra) -> tuple[str, dict]:
    response = client.post(
        "/api/v1/auth/token",
        json={"email": user.email, "password": PASSWORD, "name": "erp", **extra},
    )
    assert response.status_code == 201, response.json
    return response.json["token"], response.json


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def row(token: str) -> ApiToken:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == api_tokens.token_hash(token))
    )


def test_a_token_expires(app, client, monkeypatch):
    user = make_user(make_org())
    token, body = token_for(client, user, expires_in_days=1)
    assert body["expires_at"]
    assert client.get("/api/v1/calendar", headers=bearer(token)).status_code == 200
    moment = clock.now() + timedelta(days=1, minutes=1)
    freeze_clock(monkeypatch, moment)
    response = client.get("/api/v1/calendar", headers=bearer(token))
    assert response.status_code == 401


def test_the_default_lifetime_is_configurable_and_bounded(app, client):
    app.config["API_TOKEN_DAYS"] = 30
    user = make_user(make_org())
    token, _body = token_for(client, user)
    lifetime = row(token).expires_at - clock.now()
    assert timedelta(days=29, hours=23) < lifetime <= timedelta(days=30)
    too_long = client.post(
        "/api/v1/auth/token",
        json={"email": user.email, "password": PASSWORD, "expires_in_days": 5000},
    )
    assert too_long.status_code == 422 and "expires_in_days" in str(too_long.json)


def test_last_use_is_stamped_at_most_once_a_minute_outside_the_request(app, client, monkeypatch):
    user = make_user(make_org())
    token, _body = token_for(client, user)
    assert row(token).last_used_at is None
    generation = read_cache._generations["api_token"]
    assert client.get("/api/v1/calendar", headers=bearer(token)).status_code == 200
    first = row(token).last_used_at
    assert first is not None and clock.now() - first < timedelta(seconds=10)
    assert read_cache._generations["api_token"] == generation  # no cached user cleared
    assert client.get("/api/v1/calendar", headers=bearer(token)).status_code == 200
    assert row(token).last_used_at == first  # within the minute: not written again
    monotonic = api_tokens.time.monotonic() + 61
    monkeypatch.setattr(api_tokens.time, "monotonic", lambda: monotonic)
    moment = clock.now() + timedelta(seconds=61)
    freeze_clock(monkeypatch, moment)
    assert client.get("/api/v1/calendar", headers=bearer(token)).status_code == 200
    assert row(token).last_used_at > first


def test_a_user_lists_and_revokes_their_own_tokens_only(app, client):
    user, other = make_user(make_org()), make_user(make_org())
    mine, _ = token_for(client, user)
    theirs, _ = token_for(client, other)
    Auth(client).login(user.email)
    page = client.get("/account").get_data(as_text=True)
    assert row(mine).prefix in page and row(theirs).prefix not in page
    assert 'name="viewport"' in page and 'class="tokens"' in page  # phone width
    refused = submit(client, f"/account/tokens/{row(theirs).id}/revoke", {}, page="/account")
    assert refused.status_code == 404 and row(theirs).revoked_at is None
    no_csrf = client.post(f"/account/tokens/{row(mine).id}/revoke", data={})
    assert no_csrf.status_code == 400 and row(mine).revoked_at is None
    done = submit(client, f"/account/tokens/{row(mine).id}/revoke", {}, page="/account")
    assert done.status_code == 302
    assert client.get("/api/v1/calendar", headers=bearer(mine)).status_code == 401
    assert client.get("/api/v1/calendar", headers=bearer(theirs)).status_code == 200
    assert "已吊销" in client.get("/account").get_data(as_text=True)


def test_an_admin_sees_and_revokes_anyones_token(app, client):
    holder = make_user(make_org(), email="holder@example.cn")
    token, _ = token_for(client, holder)
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    Auth(client).login(admin.email)
    page = client.get("/admin/tokens").get_data(as_text=True)
    assert "holder@example.cn" in page and row(token).prefix in page
    response = submit(
        client, f"/account/tokens/{row(token).id}/revoke", {"back": "admin"}, page="/admin/tokens"
    )
    assert response.status_code == 302 and response.location.endswith("/admin/tokens")
    assert client.get("/api/v1/calendar", headers=bearer(token)).status_code == 401
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "api_token.revoke"))
    assert entry.actor_id == admin.id
    assert "holder@example.cn" not in client.get("/admin/tokens").get_data(as_text=True)


def test_the_admins_review_of_working_tokens_is_paged_and_misses_none(app, client, monkeypatch):
    monkeypatch.setattr(api_tokens, "TOKENS_PAGE", 4)
    holder = make_user(make_org(), email="many@example.cn")
    issued = [api_tokens.issue_api_token(holder, name=f"key-{n}") for n in range(10)]
    api_tokens.revoke(holder, row(issued[3]).id)  # revoked: not under review
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    Auth(client).login(admin.email)
    seen, page = [], 1
    while True:
        html = client.get(f"/admin/tokens?page={page}").get_data(as_text=True)
        shown = sorted(
            (n for n in range(10) if f"key-{n} <code>" in html),
            key=lambda n: html.index(f"key-{n} <code>"),  # in the page's order
        )
        assert len(shown) <= 4
        seen += shown
        if 'rel="next"' not in html:
            break
        page += 1
    assert page == 3  # 9 working tokens, 4 a page
    assert seen == [9, 8, 7, 6, 5, 4, 2, 1, 0]  # newest first, each once, the revoked one out
    assert client.get("/admin/tokens?page=x").status_code == 200  # a garbled page is page 1
    try:
        api_tokens.working_tokens(holder)
    except Exception as exc:
        assert getattr(exc, "status", None) == 403
    else:
        raise AssertionError("a non-administrator reviewed everyone's tokens")


def test_a_user_creates_a_token_on_the_account_page_and_sees_it_once(app, client):
    """The form asks for the password again, answers each mistake beside its field, and
    shows the token in its answer only: not in a URL, a flash or the session cookie."""
    user = make_user(make_org())
    Auth(client).login(user.email)
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/tokens"' in page
    assert '<option selected value="90">90 天</option>' in page  # API_TOKEN_DAYS chosen
    count = sa.select(sa.func.count(ApiToken.id))
    no_csrf = client.post("/account/tokens", data={"token_password": PASSWORD})
    assert no_csrf.status_code == 400
    empty = submit(client, "/account/tokens", {"name": "erp"}, page="/account")
    assert empty.status_code == 422 and 'id="token_password-err"' in empty.get_data(as_text=True)
    wrong = submit(client, "/account/tokens", {"token_password": "not-it"}, page="/account")
    assert wrong.status_code == 401
    assert '<p class="error" id="token_password-err">当前密码错误。</p>' in wrong.get_data(
        as_text=True
    )
    too_long = submit(
        client,
        "/account/tokens",
        {"expires_in_days": "5000", "token_password": PASSWORD},
        page="/account",
    )
    assert too_long.status_code == 422
    assert 'id="expires_in_days-err"' in too_long.get_data(as_text=True)
    assert db.session.scalar(count) == 0
    made = submit(
        client,
        "/account/tokens",
        {"name": "erp", "expires_in_days": "30", "token_password": PASSWORD},
        page="/account",
    )
    # post, redirect, get: the token is on the page the redirect leads to, not in its answer
    assert made.status_code == 303 and made.location.endswith("/account#new-token")
    assert "llk_" not in made.get_data(as_text=True) + str(made.headers)
    with client.session_transaction() as kept:
        sealed = repr(dict(kept))
    shown = client.get("/account")
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    token = re.search(r'<pre class="secret">(llk_[\w-]+)</pre>', html).group(1)
    assert "它只显示这一次，之后无法再次显示" in html
    assert token not in sealed and token[4:] not in sealed  # sealed in the cookie, not clear
    assert row(token).name == "erp" and row(token).user_id == user.id
    lifetime = row(token).expires_at - clock.now()
    assert timedelta(days=29, hours=23) < lifetime <= timedelta(days=30)
    assert client.get("/api/v1/calendar", headers=bearer(token)).status_code == 200
    assert token not in str(shown.headers)  # not in a Set-Cookie
    with client.session_transaction() as kept:
        assert token not in repr(dict(kept)) and "_sealed" not in kept  # taken: shown once
    # reloading the page shows the token no more and makes no other
    again = client.get("/account").get_data(as_text=True)
    assert token not in again and row(token).prefix in again
    assert 'class="secret"' not in again
    assert db.session.scalar(count) == 1


def test_a_replayed_copy_of_the_sealed_cookie_shows_the_token_for_two_minutes_at_most(
    app, client, frozen_clock
):
    """Review finding: the sealed token rode in the redirect's cookie, and a saved copy of
    that cookie sent again showed the token again, for as long as the session lived."""
    from lithloop.web import one_time_secret

    made_at = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    frozen_clock(made_at)
    user = make_user(make_org())
    Auth(client).login(user.email)
    made = submit(
        client, "/account/tokens", {"name": "erp", "token_password": PASSWORD}, page="/account"
    )
    assert made.status_code == 303
    name = app.config["SESSION_COOKIE_NAME"]
    copy = client.get_cookie(name, domain="lithloop.test").value  # the redirect's, saved
    shown = client.get("/account").get_data(as_text=True)
    token = re.search(r'<pre class="secret">(llk_[\w-]+)</pre>', shown).group(1)
    client.set_cookie(name, copy, domain="lithloop.test")
    assert token in client.get("/account").get_data(as_text=True)  # within the seal's age
    frozen_clock(made_at + timedelta(seconds=one_time_secret.MAX_AGE_S + 1))
    client.set_cookie(name, copy, domain="lithloop.test")
    late = client.get("/account")
    assert late.status_code == 200 and token not in late.get_data(as_text=True)
    assert 'class="secret"' not in late.get_data(as_text=True)


def test_making_a_token_on_the_page_counts_with_the_logins(app, client):
    """Each try checks a password: it shares the login page's and the API's count."""
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    user = make_user(make_org())
    Auth(client).login(user.email)  # the first of three
    tries = [
        submit(client, "/account/tokens", {"token_password": "guess"}, page="/account")
        for _ in range(3)
    ]
    assert [t.status_code for t in tries] == [401, 401, 429]
    assert "尝试次数过多，请一分钟后再试。" in tries[-1].get_data(as_text=True)


def test_the_account_page_speaks_english_too(app, client):
    user = make_user(make_org())
    Auth(client).login(user.email)
    client.get("/lang/en")
    page = client.get("/account").get_data(as_text=True)
    assert "Log out everywhere" in page and "API tokens" in page
    assert "Create an API token" in page and "90 days" in page


def test_a_revoked_or_expired_token_is_refused_saying_so(app, client, monkeypatch):
    """The system holding a token learns why it stopped working, in the account page's word
    (吊销), and what to do; a token never issued stays as vague as before."""
    user = make_user(make_org())
    Auth(client).login(user.email)
    revoked, _ = token_for(client, user)
    submit(client, f"/account/tokens/{row(revoked).id}/revoke", {}, page="/account")
    answer = client.get("/api/v1/calendar", headers=bearer(revoked))
    with app.test_request_context():
        when = local_time(row(revoked).revoked_at)
    assert answer.status_code == 401 and answer.json["error"] == "unauthorised"
    assert answer.json["message"] == (
        f"该 API 令牌已于 {when} 吊销。请通过 POST /api/v1/auth/token 获取新令牌。"
    )
    expiring, _ = token_for(client, user, expires_in_days=1)
    freeze_clock(monkeypatch, clock.now() + timedelta(days=1, minutes=1))
    expired = client.get("/api/v1/calendar", headers=bearer(expiring)).json["message"]
    with app.test_request_context():
        when = local_time(row(expiring).expires_at)
    assert expired == f"该 API 令牌已于 {when} 过期。请通过 POST /api/v1/auth/token 获取新令牌。"
    unknown = client.get("/api/v1/calendar", headers=bearer("llk_" + "x" * 43)).json["message"]
    assert unknown == "该 API 令牌未知、已吊销，或其账户未启用。"


def test_issuing_a_token_is_audited_without_the_token(app, client, auth):
    """Revoking a token was audited, issuing one was not (neither through the API nor on
    the account page). The entry names the token by its prefix; the token never appears."""
    holder = make_user(make_org(), email="holder@example.cn")
    token, _ = token_for(client, holder, expires_in_days=30)
    auth.login(holder.email)
    page = submit(
        client,
        "/account/tokens",
        {"name": "ERP 对接", "expires_in_days": "90", "token_password": PASSWORD},
        page="/account",
        follow_redirects=True,
    ).get_data(as_text=True)
    [second] = re.findall(r"llk_[A-Za-z0-9_-]{20,}", page)
    db.session.expire_all()
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "api_token.issue").order_by(AuditEntry.id)
    ).all()
    assert [(e.actor_id, e.object_type, e.object_id) for e in entries] == [
        (holder.id, "apitoken", str(row(t).id)) for t in (token, second)
    ]
    assert entries[0].details == {
        "prefix": row(token).prefix,
        "user_id": holder.id,
        "label": "erp",
        "days": 30,
    }
    for plain, entry in zip((token, second), entries, strict=True):
        stored = " ".join(str(getattr(entry, c.key)) for c in AuditEntry.__table__.columns)
        assert plain[len(row(plain).prefix) :] not in stored  # not the token, nor its secret
    auth.logout()
    auth.login(make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN).email)
    shown = client.get("/admin/audit?action=api_token.issue").get_data(as_text=True)
    assert "API 令牌已签发" in shown and "令牌名称" in shown and "ERP 对接" in shown
    assert "api_token.issue" not in shown.split("<tbody>")[1]
    client.set_cookie("lang", "en", domain="lithloop.test")
    shown = client.get("/admin/audit?action=api_token.issue").get_data(as_text=True)
    assert "API token issued" in shown and "Valid for (days)" in shown


def test_issuing_a_token_is_not_a_login(app, client):
    """Only a login stamps last_login_at: a token issued through the API or on the account
    page (each asks the password) leaves it as it was."""
    user = make_user(make_org())
    token_for(client, user)
    db.session.expire_all()
    assert db.session.get(type(user), user.id).last_login_at is None
    Auth(client).login(user.email)
    db.session.expire_all()
    logged_in = db.session.get(type(user), user.id).last_login_at
    assert logged_in is not None
    made = submit(
        client, "/account/tokens", {"name": "erp", "token_password": PASSWORD}, page="/account"
    )
    assert made.status_code == 303
    token_for(client, user)
    db.session.expire_all()
    assert db.session.get(type(user), user.id).last_login_at == logged_in


def test_revoking_all_of_a_users_tokens_audits_each_token(app, client):
    """Disabling an account or resetting its password revokes every live token of it: each
    token gets its own api_token.revoke entry (as revoking one does), with the reason; a
    token already revoked gets none."""
    from lithloop.services.accounts import password_reset, user_admin

    holder = make_user(make_org(), email="holder@example.cn")
    first, _ = token_for(client, holder)
    second, _ = token_for(client, holder)
    gone, _ = token_for(client, holder)
    api_tokens.revoke(holder, row(gone).id)
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    with app.test_request_context():
        user_admin.set_enabled(admin, holder.id, False)
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.action == "api_token.revoke", AuditEntry.actor_id == admin.id)
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.object_type, e.object_id) for e in entries] == [
        ("apitoken", str(row(t).id)) for t in (first, second)
    ]
    assert entries[0].details == {
        "prefix": row(first).prefix,
        "user_id": holder.id,
        "reason": "account disabled",
    }
    user_admin.set_enabled(admin, holder.id, True)
    third, _ = token_for(client, holder)
    with app.test_request_context():
        password_reset.reset_password(
            password_reset.make_reset_token(holder), "a new long passphrase 7"
        )
    [entry] = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.action == "api_token.revoke", AuditEntry.object_id == str(row(third).id)
        )
    ).all()
    assert entry.actor_id is None and entry.details["reason"] == "password reset"
