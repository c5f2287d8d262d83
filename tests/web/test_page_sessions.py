"""The JSON API ignores the session cookie; the pages (the API documentation too) keep it."""

from __future__ import annotations

import pytest
from flask import request, session

from lithloop.web.page_sessions import is_api_request
from tests.conftest import api_headers
from tests.factories import make_org, make_user


def test_a_logged_in_browser_gets_nothing_from_the_api_by_its_session(client, auth):
    user = make_user(make_org())
    assert auth.login(user.email).status_code == 302
    assert client.get("/api/v1/calendar").status_code == 401  # the cookie is not a token
    answer = client.get("/api/v1/calendar", headers=api_headers(client, user))
    assert answer.status_code == 200
    assert not any(h.startswith("session=") for h in answer.headers.getlist("Set-Cookie"))
    assert 'action="/logout"' in client.get("/").get_data(as_text=True)  # still logged in


def test_the_api_documentation_page_keeps_the_visitors_session(client, auth):
    user = make_user(make_org())
    auth.login(user.email)
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert 'action="/logout"' in page


def test_the_api_cannot_write_to_a_session(app):
    with app.test_request_context("/api/v1/packs"):
        app.preprocess_request()
        assert is_api_request(request)
        with pytest.raises(RuntimeError):
            session["cart"] = [1]
