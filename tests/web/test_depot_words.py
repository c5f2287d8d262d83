"""A bus company's sites are depots (停保场), a dealer's are sites (网点): the sites pages,
the booking form and list, the settlements list and statement pick the word by one rule."""

from __future__ import annotations

from datetime import time

import pytest

from lithloop.extensions import db
from lithloop.models import Grade, OrgKind, PackState, Role, SiteKind
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import sites as site_service
from lithloop.services.errors import Invalid
from tests import worlds
from tests.conftest import submit
from tests.factories import make_org, make_site, make_user
from tests.plant_world import booked, make_pack, receive, settle_as_shown

world = worlds.plant_staff

PAGES = ["/sites/", "/sites/new", "/bookings/new", "/bookings", "/settlements/"]


def owner(auth, kind: OrgKind, role: Role, site_kind: SiteKind | None = None):
    """A logged-in owner of the kind, with one site of the given kind (none when None)."""
    org = make_org(kind)
    if site_kind:
        make_site(org, name="第一场").kind = site_kind
        db.session.commit()
    user = make_user(org, role=role)
    auth.login(user.email)
    return user


@pytest.mark.parametrize("with_site", [True, False])
def test_a_bus_companys_pages_call_its_sites_depots(client, auth, with_site):
    """Trace walk: /sites said 网点 and 添加网点, the booking form 网点 to a fleet manager."""
    owner(auth, OrgKind.BUS_COMPANY, Role.FLEET_MANAGER, SiteKind.BUS_DEPOT if with_site else None)
    for url in PAGES:
        page = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert "网点" not in page, (url, page[page.find("网点") - 200 : page.find("网点") + 50])
    assert "添加停保场" in client.get("/sites/new").get_data(as_text=True)


def test_a_dealers_pages_still_call_its_sites_sites(client, auth):
    owner(auth, OrgKind.DEALER_BRANCH, Role.DEALER_STAFF, SiteKind.BRANCH)
    assert "添加网点" in client.get("/sites/").get_data(as_text=True)
    assert "<h1>添加网点</h1>" in client.get("/sites/new").get_data(as_text=True)
    assert '<label for="site_id">网点</label>' in client.get("/bookings/new").get_data(as_text=True)
    assert "停保场" not in client.get("/sites/").get_data(as_text=True)


def test_a_saved_depot_is_flashed_as_a_depot(client, auth):
    owner(auth, OrgKind.BUS_COMPANY, Role.FLEET_MANAGER)
    fields = {
        "name": "东停保场", "lat": "44.58", "lon": "129.62", "opens_at": "08:00",
        "closes_at": "17:00", "address": "", "city": "", "district": "",
        "contact_name": "", "contact_phone": "",
    }  # fmt: skip
    saved = submit(client, "/sites/new", fields, follow_redirects=True)
    page = saved.get_data(as_text=True)
    assert "停保场已保存。" in page and "网点" not in page


def test_a_bus_depots_settlement_statement_names_its_depot(client, auth, world):
    """The statement of a bus company's pickup labelled its depot 网点."""
    booking = booked(world)
    booking.site.kind = SiteKind.BUS_DEPOT
    booking.site.organisation.kind = OrgKind.BUS_COMPANY
    receive(world, booking, "610")
    make_pack(
        world["plant"], PackState.DISMANTLED, grade=Grade.S, soh="20", mass="610",
        booking=booking, lot=booking.lots[0],
    )  # fmt: skip
    auth.login(world["plant"].email)
    settle_as_shown(client, booking.id)
    page = client.get(f"/settlements/{booking.id}").get_data(as_text=True)
    assert "<dt>停保场</dt>" in page and "<dt>网点</dt>" not in page


def test_a_bus_companys_refusals_name_its_depot(app):
    """A fleet manager's site with no name and a window outside its hours were refused with
    网点 (请输入网点名称 / 网点营业时间)."""
    org = make_org(OrgKind.BUS_COMPANY)
    depot = make_site(org)
    depot.kind = SiteKind.BUS_DEPOT
    manager = make_user(org, role=Role.FLEET_MANAGER)
    with app.test_request_context(headers={"Cookie": "lang=zh_CN"}):
        with pytest.raises(Invalid) as unnamed:
            site_service.create_site(manager, site_service.SiteInput(name=" ", lat=44.6, lon=129.6))
        with pytest.raises(Invalid) as early:
            booking_service.check_window(depot, time(6, 0), time(7, 0))
    assert str(unnamed.value) == "请输入停保场名称。"
    assert "停保场开放时间" in str(early.value) and "网点" not in str(early.value)


@pytest.mark.parametrize("kind", [SiteKind.BUS_DEPOT, None])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_window_refusal_writes_the_hours_with_an_en_dash(app, kind, lang):
    """Walk finding: check_window wrote the opening hours "08:00-17:00" with a hyphen, where
    every other place (the slots, the depot's hours) writes "08:00–17:00"."""
    site = make_site(make_org(OrgKind.BUS_COMPANY if kind else OrgKind.DEALER_BRANCH))
    if kind:
        site.kind = kind
    hours = f"{site.opens_at:%H:%M}–{site.closes_at:%H:%M}"
    with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
        with pytest.raises(Invalid) as early:
            booking_service.check_window(site, time(5, 0), time(6, 0))
    assert hours in str(early.value)
