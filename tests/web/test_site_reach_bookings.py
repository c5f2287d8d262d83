"""A site stored beyond the service region before its limit takes no new bookings (form:
beside the site; API: 422 naming site_id), saying how far, the limit, and what to do; the
bookings made there before are kept, and a far site within the region still books."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, BookingStatus, OrgKind, Role, Site, SiteKind
from lithloop.services.booking import bookings as booking_service
from lithloop.services.errors import Invalid
from tests import worlds
from tests.booking_forms import one_lot_form
from tests.conftest import api_headers, submit
from tests.factories import make_org, make_site, make_user
from tests.web.test_bookings import body, booking_count
from tests.web.test_site_reach import BEIJING, HARBIN

world = worlds.dealer_at_site
PHONE = "0453-6180000"


@pytest.fixture
def far_world(world):
    """The dealer's site moved beyond the region (as stored before the limit), the park's
    phone known."""
    park_depot = db.session.scalar(sa.select(Site).where(Site.kind == SiteKind.PARK))
    park_depot.contact_phone = PHONE
    world["site"].lat, world["site"].lon = map(float, BEIJING)
    db.session.commit()
    return world


def test_the_form_refuses_a_booking_beside_the_site_saying_why_and_what_to_do(
    client, auth, far_world
):
    auth.login(far_world["dealer"].email)
    form = one_lot_form(far_world["site"], count=2, mass_kg="800", slot="08:00-10:00")
    page = submit(client, "/bookings/new", form, page="/bookings/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and booking_count() == 0
    said = re.search(r'id="site_id-err">([^<]+)<', html)
    assert said, html
    message = said.group(1)
    assert "此网点距产业园道路里程 1,564 公里" in message and "550 公里" in message
    assert "位置" in message and PHONE in message  # what to do: move it, or call the park
    assert html.count("1,564") == 2  # beside the field and in the summary, not a third time


def test_the_api_refuses_with_the_field_and_a_depot_is_called_a_depot(client, world):
    org = make_org(OrgKind.BUS_COMPANY)
    depot = make_site(org, name="北京停保场", lat=float(BEIJING[0]), lon=float(BEIJING[1]))
    depot.kind = SiteKind.BUS_DEPOT
    db.session.commit()
    user = make_user(org, role=Role.FLEET_MANAGER)
    response = client.post("/api/v1/bookings", json=body(depot), headers=api_headers(client, user))
    assert response.status_code == 422 and response.json["field"] == "site_id"
    assert response.json["error"] == "site_out_of_reach"
    message = response.json["message"]
    assert "此停保场" in message and "1,564" in message and "550" in message
    assert "网点" not in message
    assert booking_count() == 0


def test_bookings_made_before_are_kept_and_a_far_site_within_the_region_books(client, world):
    headers = api_headers(client, world["dealer"])
    site = world["site"]
    site.lat, site.lon = map(float, HARBIN)  # far, beyond a working day, within the region
    db.session.commit()
    response = client.post("/api/v1/bookings", json=body(site), headers=headers)
    assert response.status_code == 201, response.json  # warned on the form, still booked
    site.lat, site.lon = map(float, BEIJING)  # then stored beyond (before the limit)
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        booking_service.book_pickup(world["dealer"], body(site))
    assert refused.value.field == "site_id"
    kept = db.session.scalars(sa.select(Booking)).all()
    assert [b.status for b in kept] == [BookingStatus.REQUESTED]
    shown = client.get(f"/api/v1/bookings/{kept[0].id}", headers=headers)
    assert shown.status_code == 200 and shown.json["status"] == "requested"
