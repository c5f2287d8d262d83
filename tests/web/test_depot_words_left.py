"""The last places a bus company read 网点 (a dealer's branch) for its depot: the site
form's map hint, the reach warning, the reasons a plan left its booking out (booking page,
history, letter), the price page, a missing site and the consignor's signature box."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    OrgKind,
    OutboxMessage,
    PlanRoute,
    PlanUnassigned,
    Role,
    Site,
    SiteKind,
)
from lithloop.services.booking import event_details
from lithloop.services.dispatch import left_out
from tests import worlds
from tests.conftest import submit
from tests.web.test_site_reach import HARBIN

world = worlds.published_route
BRANCH = "网点"


def bus_company(world) -> tuple[Booking, Site]:
    """The world's dealer made a bus company: its sites depots, its user a fleet manager;
    its last booking left out of the published plan (too far), with that in its history."""
    booking = db.session.get(Booking, world["bookings"][-1])
    org = booking.organisation
    org.kind, org.name = OrgKind.BUS_COMPANY, "牡丹江公交集团"
    world["dealer"].role = Role.FLEET_MANAGER
    for i, site in enumerate(db.session.scalars(sa.select(Site).filter_by(organisation=org))):
        site.kind, site.name = SiteKind.BUS_DEPOT, f"第{i + 1}停保场"
    far = booking.site
    far.lat, far.lon = map(float, HARBIN)  # within the region, beyond a working day
    plan = db.session.get(PlanRoute, world["route_id"]).plan
    booking.status, booking.pickup_date = BookingStatus.REQUESTED, plan.plan_date
    plan.unassigned.append(PlanUnassigned(booking=booking, reason="out_of_range", message="far"))
    detail = event_details.left_out(plan.plan_date, "window_unreachable", [])
    booking.events.append(
        BookingEvent(from_status="requested", to_status="requested", note="", detail=detail)
    )
    db.session.commit()
    return booking, far


def said(page: str, word: str = BRANCH) -> str:
    """Where the page says the word, with a little around it (empty when it does not)."""
    at = page.find(word)
    return "" if at < 0 else page[max(at - 150, 0) : at + 50]


def test_a_bus_companys_site_pages_name_its_depot(client, auth, world):
    _booking, far = bus_company(world)
    auth.login(world["dealer"].email)
    no_place = {"name": "新停保场", "lat": "", "lon": "", "opens_at": "08:00", "closes_at": "17:00"}
    pages = {
        "map hint": submit(client, "/sites/new", no_place).get_data(as_text=True),
        "site": client.get(f"/sites/{far.id}").get_data(as_text=True),
        "missing": client.get("/sites/99999").get_data(as_text=True),
    }
    assert "请确定停保场位置" in pages["map hint"] and "往返此停保场" in pages["site"]
    for name, page in pages.items():
        assert BRANCH not in page, (name, said(page))


def test_a_bus_companys_booking_pages_name_its_depot(client, auth, world):
    booking, far = bus_company(world)
    auth.login(world["dealer"].email)
    pages = {
        "form": client.get(f"/bookings/new?site_id={far.id}").get_data(as_text=True),
        "booking": client.get(f"/bookings/{booking.id}").get_data(as_text=True),
        "prices": client.get("/prices").get_data(as_text=True),
    }
    assert "往返此停保场" in pages["form"]
    assert "该停保场超出车辆一个工作日的行驶范围" in pages["booking"]  # the plan's notice
    assert "赶到该停保场" in pages["booking"]  # the history's left-out entry
    for name, page in pages.items():
        assert BRANCH not in page, (name, said(page))


def test_the_left_out_letter_and_the_transport_document_name_the_depot(client, auth, world):
    booking, _far = bus_company(world)
    plan = db.session.get(PlanRoute, world["route_id"]).plan
    left_out.tell_owners(world["dispatcher"], plan, routed=set())
    db.session.commit()
    letter = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == world["dealer"].email)
    ).all()[-1]
    assert "该停保场超出" in letter.body and BRANCH not in letter.body, letter.body
    auth.login(world["dispatcher"].email)
    page = client.get(f"/routes/{world['route_id']}/dangerous-goods").get_data(as_text=True)
    assert "托运人（取货地点）" in page and BRANCH not in page, said(page)
