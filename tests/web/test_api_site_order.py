"""GET /api/v1/sites lists the caller's sites in a stated, stable order: by name, then by id
(the oldest first among sites of one name), whatever order they were added in and whatever
city they are in."""

from __future__ import annotations

from lithloop.extensions import db
from lithloop.models import OrgKind, Role
from tests.conftest import api_headers
from tests.factories import make_org, make_site, make_user


def test_the_api_lists_sites_by_name_then_id(app, client):
    org = make_org()
    added = []
    for name, city in [("Gamma", "A"), ("Alpha", "Z"), ("Beta", "A"), ("Alpha", "B")]:
        site = make_site(org, name=name)
        site.city = city
        added.append(site)
    db.session.commit()
    gamma, alpha_old, beta, alpha_new = (s.id for s in added)
    response = client.get("/api/v1/sites/", headers=api_headers(client, make_user(org)))
    assert response.status_code == 200
    assert [s["id"] for s in response.json] == [alpha_old, alpha_new, beta, gamma]


def test_the_park_sees_every_organisations_sites_in_the_same_order(app, client):
    first, second = make_org(), make_org()
    zeta, eta = make_site(first, name="Zeta"), make_site(second, name="Eta")
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    listed = client.get("/api/v1/sites/", headers=api_headers(client, admin)).json
    assert [s["id"] for s in listed] == [eta.id, zeta.id]
