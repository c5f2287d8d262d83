"""The request guard: NUL, lone surrogates and unreadable JSON are a 400 before any view."""

from __future__ import annotations

import pytest

from tests.conftest import api_headers, submit
from tests.factories import make_org, make_user


def test_nul_in_a_form_is_refused_with_a_page(client):
    response = submit(client, "/login", {"email": "a\x00@b.cn", "password": "x"})
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "含有无法保存的字符（NUL" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/sites/?q=%00", "/certificates/abc%00def", "/passport/abc%00"])
def test_nul_in_the_address_is_refused(client, url):
    assert client.get(url).status_code in (400, 404)
    assert client.get(url).status_code != 500


@pytest.mark.parametrize(
    "body",
    [
        '{"email": "\\u0000", "password": "x"}',
        '{"email": "\\ud800", "password": "x"}',
        "[" * 100_000 + "]" * 100_000,
        '{"email": ' + "9" * 5000 + "}",
        '{"email": "a", "password": "x"',
    ],
)
def test_unstorable_or_unreadable_json_is_a_json_400(client, body):
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.is_json and response.json["code"] == 400
    assert response.json["error"] == "bad_input" and response.json["message"]


def test_broken_json_says_where_in_the_readers_language(client):
    body = '{"email": "a",\n "password": "x"'
    headers = {"Accept-Language": "zh-CN"}
    response = client.post(
        "/api/v1/auth/token", data=body, content_type="application/json", headers=headers
    )
    message = response.json["message"]
    assert "第 2 行" in message and "Expecting" not in message and "delimiter" not in message


def test_a_nul_in_a_string_deep_inside_a_body_is_found(client):
    user = make_user(make_org())
    response = client.post(
        "/api/v1/sites",
        json={"name": "x", "lat": 44.5, "lon": 129.6, "contact": {"notes": ["ok", "bad\x00"]}},
        headers=api_headers(client, user),
    )
    assert response.status_code == 400


def test_ordinary_json_and_forms_pass(client):
    response = client.post("/api/v1/auth/token", json={"email": "nobody@x.cn", "password": "wrong"})
    assert response.status_code == 401
