"""Rate limits: per client address and route, only where set, and never a 500."""

from __future__ import annotations

import pytest

from lithloop.payments.localstripe_server import free_port
from tests.conftest import make_app, submit
from tests.factories import PASSWORD, make_org, make_user


def token(client, email: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/api/v1/auth/token",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_token_endpoint_is_limited_per_client_address(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    user = make_user(make_org())
    assert [token(client, user.email, "wrong-password").status_code for _ in range(4)] == [
        401,
        401,
        401,
        429,
    ]
    refused = token(client, user.email, PASSWORD)
    assert refused.status_code == 429 and refused.json["message"]
    assert token(client, user.email, PASSWORD, address="10.0.0.2").status_code == 201


def test_reading_a_form_is_not_counted_and_reset_has_its_own_count(app, client, auth):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    user = make_user(make_org())
    for _ in range(5):
        assert client.get("/login").status_code == 200
    assert [auth.login(user.email, "wrong-password").status_code for _ in range(3)] == [
        401,
        401,
        429,
    ]
    assert submit(client, "/reset", {"email": user.email}).status_code == 302


@pytest.mark.parametrize("backend", ["sqlite"])  # refused before any query: one backend
def test_a_refused_login_shows_the_login_page_again_with_the_email_kept(app, client, auth):
    app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
    assert auth.login("who@example.cn", "wrong-password").status_code == 401
    refused = auth.login("who@example.cn", "typed-password")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert '<p class="error form-error" role="alert">尝试次数过多，请一分钟后再试。</p>' in page
    assert 'name="email"' in page and 'value="who@example.cn"' in page
    assert 'name="password"' in page and "typed-password" not in page
    client.set_cookie("lang", "en", domain="lithloop.test")
    english = auth.login("who@example.cn", "typed-password")
    assert english.status_code == 429
    assert "Too many attempts. Wait a minute and try again." in english.get_data(as_text=True)


def test_the_login_page_and_the_token_endpoint_share_one_count(app, client, auth):
    """Password guesses through either door count together: not twice the limit."""
    app.config["LOGIN_RATE_LIMIT"] = "4 per minute"
    user = make_user(make_org())
    assert [auth.login(user.email, "wrong-password").status_code for _ in range(2)] == [401, 401]
    guesses = [token(client, user.email, "wrong", address="127.0.0.1").status_code for _ in "ab"]
    assert guesses == [401, 401]
    assert token(client, user.email, PASSWORD, address="127.0.0.1").status_code == 429
    assert auth.login(user.email, PASSWORD).status_code == 429
    assert token(client, user.email, PASSWORD, address="10.0.0.9").status_code == 201


def test_disabled_limits_count_nothing(app, client):
    app.config.update(LOGIN_RATE_LIMIT="1 per minute", RATELIMIT_ENABLED=False)
    user = make_user(make_org())
    assert {token(client, user.email, "wrong-password").status_code for _ in range(3)} == {401}


def test_with_the_storage_down_requests_go_through(database_url, app, caplog):
    down = make_app(
        database_url,
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
        LOGIN_RATE_LIMIT="1 per minute",
    )
    user = make_user(make_org())
    client = down.test_client()
    assert token(client, user.email, PASSWORD).status_code == 201
    assert token(client, user.email, PASSWORD).status_code == 201  # not counted, not a 500
    assert "rate-limit storage unavailable" in caplog.text


def test_by_default_every_worker_counts_in_one_shared_storage(monkeypatch):
    from lithloop.config import load_settings

    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.setenv("REDIS_URL", "")
    assert load_settings()["RATELIMIT_STORAGE_URI"].startswith("sqlitefile://")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert load_settings()["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_the_login_limit_is_shared_by_two_apps_and_two_processes(database_url, app, tmp_path):
    """Two workers: two app instances, then a forked process, counting in one file."""
    import multiprocessing

    shared = f"sqlitefile://{tmp_path / 'limits.sqlite3'}"
    one, two = (
        make_app(database_url, RATELIMIT_STORAGE_URI=shared, LOGIN_RATE_LIMIT="6 per minute")
        for _ in range(2)
    )
    user = make_user(make_org())
    clients = [one.test_client(), two.test_client()]
    statuses = [token(clients[i % 2], user.email, "wrong-password").status_code for i in range(6)]
    assert statuses == [401] * 6
    assert token(clients[0], user.email, PASSWORD).status_code == 429
    assert token(clients[1], user.email, PASSWORD).status_code == 429

    def other_worker():  # a new address, limited in the child...
        from lithloop.extensions import db

        with two.app_context():
            db.engine.dispose(close=False)  # the parent's connections stay the parent's
        for _ in range(6):
            token(two.test_client(), user.email, "wrong-password", address="10.0.0.9")

    child = multiprocessing.get_context("fork").Process(target=other_worker)
    child.start()
    child.join(60)
    assert child.exitcode == 0
    # ...is limited here too
    assert token(clients[0], user.email, PASSWORD, address="10.0.0.9").status_code == 429


REGISTRATION = {
    "kind": "buyer",
    "organisation": "牡丹江储能",
    "city": "牡丹江",
    "phone": "0453-1234567",
    "name": "王工",
    "email": "wang@example.cn",
    "password": "typed-password-1",
    "confirm": "typed-password-1",
}


@pytest.mark.parametrize("backend", ["sqlite"])  # refused before any query: one backend
def test_a_refused_registration_shows_the_form_again_with_what_was_typed(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
    assert submit(client, "/register", {**REGISTRATION, "confirm": "other"}).status_code == 422
    refused = submit(client, "/register", REGISTRATION)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert '<p class="error form-error" role="alert">尝试次数过多，请一分钟后再试。</p>' in page
    for name in ("organisation", "city", "phone", "name", "email"):
        assert f'value="{REGISTRATION[name]}"' in page, name
    assert 'name="password"' in page and "typed-password-1" not in page
    client.set_cookie("lang", "en", domain="lithloop.test")
    english = submit(client, "/register", REGISTRATION)
    assert english.status_code == 429
    text = english.get_data(as_text=True)
    assert "Too many attempts. Wait a minute and try again." in text
    assert 'value="wang@example.cn"' in text and "typed-password-1" not in text


@pytest.mark.parametrize("backend", ["sqlite"])  # refused before any query: one backend
def test_a_refused_reset_request_shows_the_form_again_with_the_email_kept(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
    assert submit(client, "/reset", {"email": "who@example.cn"}).status_code == 302
    refused = submit(client, "/reset", {"email": "who@example.cn"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert '<p class="error form-error" role="alert">尝试次数过多，请一分钟后再试。</p>' in page
    assert 'name="email"' in page and 'value="who@example.cn"' in page
    client.set_cookie("lang", "en", domain="lithloop.test")
    english = submit(client, "/reset", {"email": "who@example.cn"})
    assert english.status_code == 429
    text = english.get_data(as_text=True)
    assert "Too many attempts. Wait a minute and try again." in text
    assert 'value="who@example.cn"' in text
