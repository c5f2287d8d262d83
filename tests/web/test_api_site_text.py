"""POST /api/v1/sites refuses the free text the site form refuses: a name, address, district
or contact carrying an invisible text-direction control (U+202E shows it backwards on every
page, manifest and driver's stop), beside its field, and stores nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Role, Site

BODY = {
    "name": "海林服务站",
    "address": "海林市长安街5号",
    "city": "海林市",
    "district": "长安街道",
    "contact_name": "王伟",
    "lat": 44.594,
    "lon": 129.38,
}


@pytest.mark.parametrize("field", ["name", "address", "district", "contact_name"])
def test_a_direction_control_in_a_sites_text_is_refused_beside_it(client, bearer_as, field):
    _, headers = bearer_as(Role.DEALER_STAFF)
    body = {**BODY, field: BODY[field] + "\u202e站"}
    response = client.post("/api/v1/sites/", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json["field"] == field
    assert db.session.scalar(sa.select(sa.func.count(Site.id))) == 0


def test_the_same_site_without_it_is_added(client, bearer_as):
    _, headers = bearer_as(Role.DEALER_STAFF)
    response = client.post("/api/v1/sites/", json=BODY, headers=headers)
    assert response.status_code == 201
    assert response.json["name"] == BODY["name"]
