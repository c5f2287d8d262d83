"""Rate limits: per client address and route, only where set, and never a 500."""

from __future__ import annotations

from lithloop.payments.localstripe_server import free_port
from tests.conftest import make_app
from tests.factories import PASSWORD, make_org, make_user


def token(client, email: str, password: str, address: str = "10.0.0.1"):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_the_token_endpoint_is_limited_per_client_address(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    user = make_user(make_org())
    assert [token(client, user.email, "wrong-password").status_code
            for _ in range(4)] == [401, 401, 401, 429]
    refused = token(client, user.email, PASSWORD)
    assert refused.status_code == 429 and refused.json["message"]
    assert token(client, user.email, PASSWORD, address="10.0.0.2").status_code == 201


def test_reading_a_form_is_not_counted_and_each_route_has_its_own_count(app, client, auth):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    user = make_user(make_org())
    for _ in range(5):
        assert client.get("/login").status_code == 200
    assert [auth.login(user.email, "wrong-password").status_code
            for _ in range(3)] == [401, 401, 429]
    assert token(client, user.email, PASSWORD, address="127.0.0.1").status_code == 201


def test_disabled_limits_count_nothing(app, client):
    app.config.update(LOGIN_RATE_LIMIT="1 per minute", RATELIMIT_ENABLED=False)
    user = make_user(make_org())
    assert {token(client, user.email, "wrong-password").status_code
            for _ in range(3)} == {401}


def test_with_the_storage_down_requests_go_through(database_url, app, caplog):
    down = make_app(database_url, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
                    LOGIN_RATE_LIMIT="1 per minute")
    user = make_user(make_org())
    client = down.test_client()
    assert token(client, user.email, PASSWORD).status_code == 201
    assert token(client, user.email, PASSWORD).status_code == 201  # not counted, not a 500
    assert "rate-limit storage unavailable" in caplog.text
