"""Every demo role reaches its own home in both languages; errors and health."""

from __future__ import annotations

import pytest

from tests.conftest import Auth

ROLES = {
    # role: (text on the zh home page, text on the en home page)
    "dealer": ("您的网点", "Your sites"),
    "fleet": ("您的停保场", "Your depots"),
    "dispatcher": ("今天的路线", "Today's routes"),  # home: today's operations
    "plant": ("待分级电池包", "Packs to grade"),  # home: the plant's arrivals and packs
    "driver": ("今天没有您的路线", "No route for you today"),  # home: today's route
    "buyer": ("在售梯次利用电池包", "Second-life packs for sale"),  # home: the catalog
    "admin": ("没有待审核的机构", "Nobody is waiting for approval"),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_demo_role_sees_its_home_in_both_languages(app, demo, role):
    client = app.test_client()
    assert Auth(client).login_demo(role).status_code == 302
    zh = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert ROLES[role][0] in zh
    client.get("/lang/en")
    en = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert ROLES[role][1] in en and ROLES[role][0] not in en


def test_html_and_json_errors(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "这里没有内容" in page.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.mimetype == "application/json"
    assert api.json["code"] == 404 and api.json["message"]


def test_healthz_reports_the_database(client, backend):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "backend": backend}


def test_healthz_reports_an_unreachable_database(tmp_path):
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path}/missing-dir/nothing.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["status"] == "error"


def test_login_required_redirects_to_login(client):
    response = client.get("/sites/")
    assert response.status_code == 302 and "/login" in response.location


def test_openapi_document_lists_the_api(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/auth/token" in spec["paths"] and "/api/v1/sites/{site_id}" in spec["paths"]


def test_api_docs_page_lists_every_operation(client):
    spec = client.get("/api/v1/openapi.json").json
    page = client.get("/api/v1/docs").get_data(as_text=True)
    for path, item in spec["paths"].items():
        for method in item:
            if method in ("get", "post"):
                assert f"{method.upper()} {path}" in page
    assert "<script" not in page.split("</header>")[1]  # server-rendered, no script
