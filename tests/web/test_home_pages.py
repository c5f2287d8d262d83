"""Each role lands on a home page made for its work: the dealer books and sees what is
coming, the dispatcher sees today, the plant its arrivals, the buyer the catalog, the
admin what waits for them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.geo.projection import fit_canvas
from lithloop.models import (
    BusPack,
    Organisation,
    OrgKind,
    OrgStatus,
    OutboxMessage,
    Role,
    Site,
    SiteKind,
)
from lithloop.services.booking import prices as price_service
from tests import worlds
from tests.conftest import api_headers
from tests.factories import make_org, make_park, make_site, make_user
from tests.web.test_bookings import body

booking_world = worlds.dealer_at_site  # the fixture


def home(client, user):
    """The user's home page, in English."""
    client.get("/lang/en")
    from tests.conftest import Auth

    Auth(client).login(user.email)
    return client.get("/")


def test_a_dealer_home_offers_booking_and_lists_what_is_coming(client, booking_world):
    dealer = booking_world["dealer"]
    booked = client.post(
        "/api/v1/bookings", json=body(booking_world["site"]), headers=api_headers(client, dealer)
    ).json["id"]
    page = home(client, dealer).get_data(as_text=True)
    assert 'href="/bookings/new"' in page and "Book a pickup" in page
    assert f'href="/bookings/{booked}"' in page and "Requested" in page


@pytest.mark.parametrize(
    ("role", "kind", "target"),
    [(Role.BUYER, OrgKind.BUYER, "/market/"), (Role.PLANT_OPERATOR, None, "/plant/")],
)
def test_buyer_and_plant_land_where_they_work(app, client, role, kind, target):
    price_service.ensure_default_index()
    org = make_org(kind) if kind else make_park()
    response = home(client, make_user(org, role=role))
    assert response.status_code == 302 and response.location.endswith(target)


def test_the_dispatcher_home_is_today(client, booking_world):
    dealer = booking_world["dealer"]
    client.post(
        "/api/v1/bookings", json=body(booking_world["site"]), headers=api_headers(client, dealer)
    )
    dispatcher = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER)
    db.session.commit()
    page = home(client, dispatcher).get_data(as_text=True)
    assert "No plan is published for today." in page
    assert "1 requested booking for the coming days." in page


def test_the_admin_home_lists_what_waits(client, app):
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    page = home(client, admin).get_data(as_text=True)
    assert "0 requests for quote to answer" in page and "0 e-mails not delivered" in page
    # walk finding: "62 messages sent." beside an outbox that said none leave without SMTP
    db.session.add(OutboxMessage(recipient="a@example.com", subject="s", body="b"))
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "1 message in the outbox." in page and "sent." not in page


def test_the_admin_home_counts_waiting_organisations_without_loading_them(client, app):
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    for _ in range(3):
        make_org(status=OrgStatus.PENDING)
    loaded: list[Organisation] = []
    listener = lambda org, context: loaded.append(org)  # noqa: E731
    sa.event.listen(Organisation, "load", listener)
    try:
        page = home(client, admin).get_data(as_text=True)
    finally:
        sa.event.remove(Organisation, "load", listener)
    assert "3 organisations are waiting." in page
    assert [o for o in loaded if o.status is OrgStatus.PENDING] == []


@pytest.mark.parametrize(("lang", "label"), [("en", "Recycling park"), ("zh_CN", "产业园")])
def test_a_dealer_home_map_draws_the_park_where_pickups_go(client, booking_world, lang, label):
    """The dealer's map showed its own sites only, nothing of where the trucks take the packs."""
    site = booking_world["site"]
    park = db.session.scalar(sa.select(Site).where(Site.kind == SiteKind.PARK))
    home(client, booking_world["dealer"])
    client.get(f"/lang/{lang}")
    page = client.get("/").get_data(as_text=True)
    svg = page.split('<figure class="map" id="site-map">', 1)[1].split("</figure>", 1)[0]
    canvas = fit_canvas([(site.lat, site.lon), (park.lat, park.lon)])
    x, y = canvas.xy(park.lat, park.lon)
    mark = re.search(r'<g class="park-here"><circle cx="([\d.]+)" cy="([\d.]+)" r="9"', svg)
    assert mark and (float(mark[1]), float(mark[2])) == (x, y), svg
    assert re.search(rf'class="park-label">{label}</text>', svg)
    assert 'class="key park"' in svg.split("<figcaption>", 1)[1]
    # drawn beneath the branches, so a branch beside the park is still the one a tap reaches
    assert svg.index('class="park-here"') < svg.index(f'href="/sites/{site.id}"'), svg


def test_a_new_bus_company_is_asked_for_a_depot_not_a_dealer_site(client, app):
    """Trace walk: a bus company's home said "您的停保场" above "还没有网点……" and a button
    "添加网点" (a dealer's words), where the forecast asks for a depot (添加停保场)."""
    price_service.ensure_default_index()
    manager = make_user(make_org(OrgKind.BUS_COMPANY), role=Role.FLEET_MANAGER)
    from tests.conftest import Auth

    Auth(client).login(manager.email)
    page = client.get("/").get_data(as_text=True)
    assert "还没有停保场" in page and "添加停保场" in page
    assert "网点" not in page.split("<main", 1)[1].split("</main>")[0]
    make_site(manager.organisation, name="第一停保场").kind = SiteKind.BUS_DEPOT
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "第一停保场" in page and "您的停保场地图" in page
    assert "网点" not in page.split("<main", 1)[1].split("</main>")[0]


def test_the_admin_home_counts_handovers_past_their_upload_deadline(client, app):
    """Walk finding: the admin's home listed quote requests, orders and mail as waiting, not
    the handovers overdue for the national traceability platform (a legal deadline): a new
    admin learnt of them only by opening the traceability page."""
    from tests.pack_builders import make_pack, utc

    park = make_org(OrgKind.PARK_OPERATOR)
    admin = make_user(park, role=Role.ADMIN)
    plant = make_user(park, role=Role.PLANT_OPERATOR)
    make_pack(plant, received_at=utc(2020, 3, 2, 2))  # due in March 2020: long overdue
    make_pack(plant, received_at=utc(2099, 3, 2, 2))  # not due yet
    page = home(client, admin).get_data(as_text=True)
    assert "1 handover past its upload deadline" in page and 'href="/trace/"' in page


@pytest.mark.parametrize(("lang", "script"), [("en", r"[A-Za-z]"), ("zh_CN", r"[\u4e00-\u9fff]")])
def test_a_dealer_home_map_draws_the_region_beneath_its_sites(client, booking_world, lang, script):
    """New-user walk: a new dealer's home map was its one site and the park as two dots in an
    empty box, nothing saying where either is; it has the region's boundaries, the places'
    names in the page's language and a scale bar, as the site form's map and route maps do."""
    home(client, booking_world["dealer"])
    client.get(f"/lang/{lang}")
    page = client.get("/").get_data(as_text=True)
    svg = page.split('<figure class="map" id="site-map">', 1)[1].split("</figure>", 1)[0]
    assert re.search(r'<g class="boundaries"><path d="M', svg), svg
    names = re.findall(r'class="place [a-z]+">([^<]+)</text>', svg)
    assert names and all(re.match(script, n) for n in names), names
    assert 'class="scale-bar"' in svg and " km</text>" in svg
    # beneath the park and the sites: a tap on a dot reaches the dot
    assert svg.index('class="boundaries"') < svg.index('class="park-here"')


def test_a_bus_company_home_offers_the_fleet_import_then_the_forecast(client, app):
    """First-journey walk: fleet import and the retirement forecast were only in the menu;
    an empty fleet's home offers the import first, a registered one the forecast."""
    price_service.ensure_default_index()
    manager = make_user(make_org(OrgKind.BUS_COMPANY), role=Role.FLEET_MANAGER)
    from tests.conftest import Auth

    Auth(client).login(manager.email)
    main = client.get("/").get_data(as_text=True).split("<main", 1)[1]
    assert "登记册中还没有电池包" in main
    assert 'class="button" href="/fleet/packs"' in main and "从 CSV 文件导入电池包" in main
    db.session.add(
        BusPack(
            organisation_id=manager.organisation_id,
            vehicle_plate="黑C12345",
            chemistry="LFP",
            rated_kwh=Decimal("200"),
            mass_kg=Decimal("1500"),
            in_service_since=date(2018, 5, 1),
        )
    )
    db.session.commit()
    main = client.get("/").get_data(as_text=True).split("<main", 1)[1]
    assert "登记册中还没有电池包" not in main
    assert 'class="button" href="/fleet/forecast"' in main and "退役预测" in main
    # a dealer's home has no fleet
    dealer = make_user(make_org(OrgKind.DEALER_BRANCH), role=Role.DEALER_STAFF)
    Auth(client).logout()
    Auth(client).login(dealer.email)
    assert "/fleet/" not in client.get("/").get_data(as_text=True).split("<main", 1)[1]
