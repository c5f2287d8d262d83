"""The service region: a site beyond the region's reach by road is refused
(form and API, beside the position, saying how far, how far the park collects and whom to
call); one far but within it is kept with the warning; a depot stored beyond it gets no
pickup proposals, with the reason."""

from __future__ import annotations

import csv
import io
from datetime import time
from importlib import resources

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.config import load_settings
from lithloop.extensions import db
from lithloop.models import OrgKind, Role, Site, SiteKind
from lithloop.services.booking import fleet_proposals, reach
from lithloop.services.booking import sites as site_service
from lithloop.services.booking.distances import distance_from_park_km
from lithloop.services.errors import Invalid
from tests import worlds
from tests.conftest import api_headers, submit
from tests.factories import make_org, make_park, make_site, make_user
from tests.web.test_fleet import small_register

BEIJING = ("39.9042", "116.4074")  # about 1,564 km by road (haversine x 1.3)
HARBIN = ("45.8030", "126.5351")  # about 364 km: within reach, beyond a 10-hour working day
SITE = {
    "name": "北京网点",
    "address": "东城区",
    "city": "北京市",
    "district": "",
    "contact_name": "王伟",
    "contact_phone": "13800000000",
    "opens_at": "08:00",
    "closes_at": "17:30",
}

dealer = worlds.logged_in_dealer


@pytest.fixture
def park(app):
    """The park (its depot's phone is whom a refused site is told to call) and trucks."""
    org = make_park()
    depot = db.session.scalar(sa.select(Site).where(Site.kind == SiteKind.PARK))
    depot.contact_phone = "0453-6180000"
    db.session.commit()
    return org


def site_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Site.id)))


def test_the_default_reach_holds_every_place_of_the_region(app, park):
    """The region (lithloop/data/region_places.csv, FACTS: Daqing and Changchun at the edge of
    500 km by road) is where the park collects: none of its places is refused, and the limit
    is the farthest place rounded up to the next 10 km, no wider."""
    text = resources.files("lithloop.data").joinpath("region_places.csv").read_text("utf-8")
    places = list(csv.DictReader(io.StringIO(text)))
    km = [distance_from_park_km(float(p["lat"]), float(p["lon"])) for p in places]
    limit = load_settings()["SITE_MAX_ROAD_KM"]
    assert len(places) == 59 and max(km) <= limit < max(km) + 10
    assert reach.beyond_reach(*map(float, BEIJING)) is not None


def test_the_form_refuses_a_site_beyond_the_region_beside_the_position(client, dealer, park):
    lat, lon = BEIJING
    response = submit(client, "/sites/new", {**SITE, "lat": lat, "lon": lon})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and site_count() == 1  # the park's depot only
    refusal = "此地距产业园道路里程 1,564 公里；产业园收运范围为 550 公里"
    assert refusal in body and "0453-6180000" in body, body
    assert 'id="lat-err"' in body and 'aria-invalid="true"' in body


def test_the_api_refuses_it_with_the_field_and_a_reachable_far_site_is_kept(app, client, park):
    user = make_user(make_org(OrgKind.BUS_COMPANY), role=Role.FLEET_MANAGER)
    headers = api_headers(client, user)
    lat, lon = BEIJING
    body = {"name": "北京停保场", "lat": float(lat), "lon": float(lon)}
    response = client.post("/api/v1/sites/", json=body, headers=headers)
    assert response.status_code == 422 and response.json["field"] == "lat"
    assert "1,564" in response.json["message"] and "550" in response.json["message"]
    harbin = {"name": "哈尔滨停保场", "lat": float(HARBIN[0]), "lon": float(HARBIN[1])}
    response = client.post("/api/v1/sites/", json=harbin, headers=headers)
    assert response.status_code == 201  # far, but a truck goes and comes back in a shift
    assert reach.warning(*map(float, HARBIN)) is not None  # ... not in a 10-hour day: warned


def test_the_limit_is_configuration(app, client, park):
    from flask import current_app

    app = current_app  # the test body runs in the twin app's context
    user = make_user(make_org(), role=Role.DEALER_STAFF)
    data = site_service.SiteInput(name="哈尔滨网点", lat=float(HARBIN[0]), lon=float(HARBIN[1]))
    app.config["SITE_MAX_ROAD_KM"] = 300
    with pytest.raises(Invalid) as refused:
        site_service.create_site(user, data)
    assert refused.value.field == "lat" and "300" in str(refused.value.message)
    app.config["SITE_MAX_ROAD_KM"] = 2000
    assert site_service.create_site(user, data).id


def test_a_site_stored_beyond_the_region_keeps_working(app, park):
    """Sites stored before the limit: editing their phone must not fail; moving farther does."""
    org = make_org()
    user = make_user(org, role=Role.DEALER_STAFF)
    far = make_site(org, name="北京网点", lat=float(BEIJING[0]), lon=float(BEIJING[1]))
    same = site_service.SiteInput(
        name="北京网点", lat=far.lat, lon=far.lon, contact_phone="13900000000"
    )
    assert site_service.update_site(user, far.id, same).contact_phone == "13900000000"
    farther = site_service.SiteInput(name="北京网点", lat=far.lat - 1, lon=far.lon - 1)
    with pytest.raises(Invalid):
        site_service.update_site(user, far.id, farther)


def test_the_forecast_proposes_no_pickup_at_a_depot_beyond_the_region(client, auth, park):
    org = make_org(OrgKind.BUS_COMPANY)
    depot = make_site(org, name="北京停保场", lat=float(BEIJING[0]), lon=float(BEIJING[1]))
    depot.kind, depot.opens_at, depot.closes_at = SiteKind.BUS_DEPOT, time(8), time(17)
    db.session.commit()
    user = make_user(org, role=Role.FLEET_MANAGER)
    packs = small_register(org.id, clock.today())
    assert fleet_proposals.proposals(user, clock.today()) == []
    auth.login(user.email)
    body = client.get("/fleet/forecast").get_data(as_text=True)
    assert 'id="depot-out-of-reach"' in body and "北京停保场" in body and "1,564" in body
    assert 'name="proposal_id"' not in body
    with pytest.raises(Invalid) as refused:
        fleet_proposals.accept_proposal(
            user, depot.id, [packs["worn"].id], "2099-01-01", ("09:00", "11:00")
        )
    assert refused.value.field == "site_id"
