"""Structured logs: JSON lines with the request id; secrets never reach the output."""

from __future__ import annotations

import io
import json
import logging

import pytest

from lithloop.logs import REDACTED, lithloop_handler, redact_text
from tests.conftest import api_headers, submit
from tests.factories import make_org, make_user


@pytest.fixture
def log_lines(app):
    """Everything the app's log handler writes during the test, as parsed JSON lines."""
    handler = lithloop_handler()
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        handler.setStream(previous)


def raw(lines) -> str:
    return json.dumps(lines, ensure_ascii=False)


def test_a_sane_request_id_is_kept_and_on_every_line_of_the_request(client, log_lines):
    user = make_user(make_org())
    for _ in range(4):
        submit(client, "/login", {"email": user.email, "password": "wrong-password-x"})
    response = submit(
        client,
        "/login",
        {"email": user.email, "password": "wrong-password-x"},
        headers={"X-Request-ID": "edge-7f3a9c-0001"},
    )
    assert response.headers["X-Request-ID"] == "edge-7f3a9c-0001"
    mine = [line for line in log_lines() if line["request_id"] == "edge-7f3a9c-0001"]
    # the lockout warning and the access line, both from inside the request
    assert {line["logger"] for line in mine} >= {
        "lithloop.services.accounts.lockout",
        "lithloop.access",
    }
    access = next(line for line in mine if line["logger"] == "lithloop.access")
    assert access["status"] == 401 and access["path"] == "/login" and access["duration_ms"] >= 0


@pytest.mark.parametrize("given", ["", "short", "has spaces in it", "x" * 200, "bad\u00e9id-123"])
def test_an_odd_request_id_is_replaced(client, given):
    response = client.get("/healthz", headers={"X-Request-ID": given} if given else {})
    rid = response.headers["X-Request-ID"]
    assert rid != given and len(rid) == 32 and int(rid, 16) >= 0


def test_each_request_gets_its_own_id(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_logging_in_never_logs_the_password_or_token(client, log_lines):
    secret = "Very-Secret-Passw0rd!"
    user = make_user(make_org(), password=secret)
    submit(client, "/login", {"email": user.email, "password": secret})
    headers = api_headers(client, user, password=secret)
    token = headers["Authorization"].split()[1]
    client.get("/api/v1/sites/", headers=headers)
    logging.getLogger("lithloop.test").warning(
        "careless %s and %s",
        {"password": secret, "email": user.email},
        f"Bearer {token}",
        extra={"api_token": token, "form": {"password": secret, "note": "ok"}},
    )
    logging.getLogger("lithloop.test").info("posted password=%s token: %s", secret, token)
    text = raw(log_lines())
    assert user.email in text  # the careless line was written...
    assert secret not in text and token not in text  # ...without the secrets
    assert text.count(REDACTED) >= 5


def test_a_reset_links_token_is_not_in_the_access_line(client, log_lines):
    token = "eyJ1IjozLCJoIjoiYWJjIn0.Zm9vYmFy"
    client.get(f"/reset/{token}?x=1")
    access = [line for line in log_lines() if line["logger"] == "lithloop.access"]
    assert access and access[-1]["path"] == f"/reset/{REDACTED}"
    assert token not in raw(log_lines())


def test_redact_text_keeps_ordinary_words():
    assert (
        redact_text("password reset requested for li@example.cn")
        == "password reset requested for li@example.cn"
    )
    assert redact_text('{"password": "hunter2-long"}') == f'{{"password": "{REDACTED}"}}'
    assert redact_text("Authorization: Bearer abc.def") == f"Authorization: Bearer {REDACTED}"
