"""A user sees and changes only their own organisation's data; anything else is 404."""

from __future__ import annotations

import pytest

from lithloop.models import OrgKind, Role
from tests.conftest import api_headers, submit
from tests.factories import PASSWORD, make_org, make_site, make_user


@pytest.fixture
def two_orgs(app):
    mine, theirs = make_org(name="我的网点"), make_org(OrgKind.BUS_COMPANY, name="别人的公交公司")
    return {
        "me": make_user(mine),
        "my_site": make_site(mine, name="我的仓库"),
        "their_site": make_site(theirs, name="别人的停保场"),
    }


def test_pages_hide_other_organisations_sites(client, auth, two_orgs):
    auth.login(two_orgs["me"].email)
    assert client.get(f"/sites/{two_orgs['my_site'].id}").status_code == 200
    for url in (f"/sites/{two_orgs['their_site'].id}", f"/sites/{two_orgs['their_site'].id}/edit"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "别人的停保场" not in response.get_data(as_text=True)
    listing = client.get("/sites/").get_data(as_text=True)
    assert "我的仓库" in listing and "别人的停保场" not in listing


def test_cannot_change_another_organisations_site(client, auth, two_orgs):
    auth.login(two_orgs["me"].email)
    site = two_orgs["their_site"]
    response = submit(
        client,
        f"/sites/{site.id}/edit",
        {
            "name": "被篡改",
            "lat": "44.5",
            "lon": "129.6",
            "opens_at": "08:00",
            "closes_at": "17:00",
        },
        page="/sites/new",
    )
    assert response.status_code == 404
    from lithloop.extensions import db

    db.session.refresh(site)
    assert site.name == "别人的停保场"


def test_api_hides_other_organisations_sites(client, two_orgs):
    headers = api_headers(client, two_orgs["me"])
    mine = client.get(f"/api/v1/sites/{two_orgs['my_site'].id}", headers=headers)
    assert mine.status_code == 200 and mine.json["name"] == "我的仓库"
    theirs = client.get(f"/api/v1/sites/{two_orgs['their_site'].id}", headers=headers)
    assert theirs.status_code == 404 and theirs.json["message"]
    listing = client.get("/api/v1/sites/", headers=headers).json
    assert [s["name"] for s in listing] == ["我的仓库"]


def test_park_staff_see_the_whole_region(client, auth, two_orgs):
    dispatcher = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER)
    auth.login(dispatcher.email)
    assert client.get(f"/sites/{two_orgs['their_site'].id}").status_code == 200


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer llk_not-a-real-token", "Basic abc"])
def test_api_without_a_valid_token_is_401(client, header):
    response = client.get("/api/v1/sites/", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert "Bearer" in response.json["message"] or "令牌" in response.json["message"]


def test_api_ignores_session_cookies(client, auth, two_orgs):
    auth.login(two_orgs["me"].email)  # a browser session is not an API credential
    assert client.get("/api/v1/sites/").status_code == 401


def test_token_of_a_pending_organisation_is_refused(client):
    from lithloop.models import OrgStatus

    user = make_user(make_org(status=OrgStatus.PENDING))
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401 and response.json["error"] == "pending_approval"


def test_token_request_with_missing_fields_names_them(client):
    response = client.post("/api/v1/auth/token", json={"email": "a@b.cn"})
    assert response.status_code == 422
    assert "password" in response.json["errors"]["json"]
    assert "password" in response.json["message"]
