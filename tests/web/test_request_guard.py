"""The request guard: NUL, lone surrogates and unreadable JSON are a 400 before any view."""

from __future__ import annotations

import pytest

from tests.conftest import api_headers, submit
from tests.factories import make_org, make_user


def test_nul_in_a_form_is_refused_with_a_page(client):
    response = submit(client, "/login", {"email": "a\x00@b.cn", "password": "x"})
    assert response.status_code == 400 and response.mimetype == "text/html"
    said = response.get_data(as_text=True)
    assert "含有看不见、无法保存的字符，请删除后重试" in said and "NUL" not in said


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


def test_an_over_long_query_string_is_a_414_page_in_the_readers_language(client):
    """A query string beyond MAX_QUERY_STRING is refused before any view (or login) with a
    page saying what to do, in Chinese unless English was chosen; one just within is read."""
    from lithloop.web.request_guard import MAX_QUERY_STRING

    long_q = "/market?q=" + "a" * 10_000
    response = client.get(long_q)
    assert response.status_code == 414 and response.mimetype == "text/html"
    assert "网址过长" in response.get_data(as_text=True)
    submit(client, "/lang/en", {"next": "/"}, page="/login")  # the language switcher
    response = client.get(long_q)
    page = response.get_data(as_text=True)
    assert response.status_code == 414 and "The address is too long" in page
    assert "10002 characters" in page and "at most 4096" in page
    assert client.get("/prices?q=" + "a" * (MAX_QUERY_STRING - 2)).status_code == 200


def test_an_over_long_query_string_is_a_json_414_in_the_api(client):
    response = client.get(
        "/api/v1/traceability/archive?year=" + "9" * 5000, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 414 and response.is_json
    assert response.json["code"] == 414 and "too long" in response.json["message"]
    paths = client.get("/api/v1/openapi.json").json["paths"]
    operation = paths["/api/v1/traceability/archive"]["get"]
    assert "414" in operation["responses"]  # every operation documents what it answers


def test_the_development_server_answers_the_414_page(app):
    """Over a socket, through Werkzeug's own server (`make run`): the guard answers, not
    http.server's bare page (which only a request line over 64 KiB gets)."""
    import socket
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
            conn.sendall(
                f"GET /market?q={'a' * 10_000} HTTP/1.1\r\nHost: lithloop.test\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
    finally:
        server.shutdown()
        server.server_close()
    assert answer.startswith(b"HTTP/1.1 414 ") and "网址过长".encode() in answer


def test_gunicorn_lets_a_too_long_query_string_reach_the_app():
    """gunicorn's default limit (4,094 bytes of request line) would answer its own bare 414
    before the app's page could."""
    import runpy
    from pathlib import Path

    from lithloop.web.request_guard import MAX_QUERY_STRING

    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert conf["limit_request_line"] >= MAX_QUERY_STRING + 1000
