"""The pack register searched by plate or pack code, as people type them, and narrowed to the
packs still to book or those on a live booking; the pager keeps both."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import BookingStatus, BusPack, OrgKind
from tests import worlds
from tests.conftest import submit
from tests.factories import BookingFactory, make_bus_pack, make_org
from tests.web.test_fleet import accept_form, demo_fleet, small_register  # noqa: F401

CODE_A = "0Q5PB3AMDJ09918650000634"
CODE_B = "0K7PB3BMDJ796989P0001713"


manager = worlds.logged_in_fleet_manager


def rows(client, query: str = "") -> list[str]:
    """The plates of the register's rows the page shows for this query string."""
    body = client.get(f"/fleet/packs{query}").get_data(as_text=True)
    return re.findall(r'<tr id="pack-\d+"><td>([^<]*)</td>', body)


@pytest.mark.parametrize(
    "typed",
    ["黑C·D12345", "黑cd12345", "黑C-D12345", "d12345", "Ｄ１２３４５", " 黑C D12345 ", "D123"],
)
def test_a_plate_is_found_however_it_is_typed(client, manager, typed):
    org = manager.organisation_id
    make_bus_pack(org, "黑C·D12345")
    make_bus_pack(org, "黑C·D12345", pack_code=CODE_A)  # a bus has several packs
    make_bus_pack(org, "黑C·77777")
    assert rows(client, f"?q={typed}") == ["黑C·D12345", "黑C·D12345"]


@pytest.mark.parametrize("stored", ["黑Ｃ·Ｄ12345", "黑C－D12345", "黑C\u3000D12345", "黑C‧D12345"])
def test_a_plate_stored_as_its_owner_typed_it_is_found(client, manager, stored):
    """Review finding: a plate imported with full-width letters or another dash or space was
    found by no search, not even typed as stored."""
    make_bus_pack(manager.organisation_id, stored)
    make_bus_pack(manager.organisation_id, "黑C·D99999")
    for typed in (stored, "d12345", "黑CD12345"):
        assert rows(client, f"?q={typed}") == [stored], typed


def test_a_pack_code_is_found_by_a_part_of_it_and_other_fleets_stay_hidden(client, manager):
    make_bus_pack(manager.organisation_id, "黑C·11111", pack_code=CODE_A)
    make_bus_pack(manager.organisation_id, "黑C·22222", pack_code=CODE_B)
    other = make_org(OrgKind.BUS_COMPANY)
    make_bus_pack(other.id, "黑C·33333", pack_code=CODE_A[:20] + "9999")
    assert rows(client, "?q=0q5pb3") == ["黑C·11111"]
    assert rows(client, f"?q={CODE_B}") == ["黑C·22222"]
    assert rows(client, "?q=%25") == []  # a LIKE wildcard is a character like any other
    body = client.get("/fleet/packs?q=nothing-like-it").get_data(as_text=True)
    assert "没有符合搜索条件的电池包" in body or "No pack matches this search" in body
    assert 'name="file"' in body  # the upload form stays


def test_the_filter_splits_packs_by_their_bookings_state(client, manager):
    """Walk finding: 'on a booking' listed packs the park had received and settled long ago
    among those still to be picked up, with no status beside the booking's number."""
    org = manager.organisation_id
    states = {
        "黑C·10001": BookingStatus.REQUESTED,
        "黑C·10002": BookingStatus.CANCELLED,
        "黑C·10004": BookingStatus.PICKED_UP,
        "黑C·10005": BookingStatus.SETTLED,
    }
    for plate, status in states.items():
        make_bus_pack(org, plate, booking_id=BookingFactory(created_by=manager, status=status).id)
    make_bus_pack(org, "黑C·10003")
    assert rows(client, "?show=booked") == ["黑C·10001", "黑C·10004"]
    assert rows(client, "?show=collected") == ["黑C·10005"]
    assert rows(client, "?show=unbooked") == ["黑C·10002", "黑C·10003"]
    assert rows(client, "?show=unbooked&q=10003") == ["黑C·10003"]
    assert len(rows(client, "?show=everything")) == 5
    body = client.get("/fleet/packs?show=collected").get_data(as_text=True)
    assert re.search(r"<h1>车队电池包 <small[^>]*>5</small>", body)  # the register's size
    assert "显示 5 个中的 1 个电池包" in body
    assert re.search(r'#\d+</a> <span class="status settled">已结算</span>', body)


def test_the_pager_keeps_the_search_and_the_filter(client, manager):
    for n in range(55):
        make_bus_pack(manager.organisation_id, f"黑C·2{n:04d}", commit=False)
    make_bus_pack(manager.organisation_id, "黑C·99999")
    body = client.get("/fleet/packs?q=黑C2&show=unbooked").get_data(as_text=True)
    assert len(re.findall(r'<tr id="pack-', body)) == 50
    link = re.search(r'href="([^"]+)" rel="next"', body).group(1).replace("&amp;", "&")
    assert "show=unbooked" in link and "page=2" in link and "q=" in link
    assert len(rows(client, link[len("/fleet/packs") :])) == 5
    past = client.get("/fleet/packs?q=黑C2&page=9").get_data(as_text=True)
    assert "past-last" in past and 'rel="prev"' not in past  # one way back: the last page


def test_a_booking_from_a_proposal_names_the_buses_its_packs_come_off(
    client,
    demo_fleet,  # noqa: F811
):
    small_register(demo_fleet.id, clock.today())
    worn = {"soh_pct": Decimal("70"), "in_service_since": date(2016, 1, 1)}
    make_bus_pack(demo_fleet.id, "A", **worn)  # a second pack of bus A, as worn as its first
    forecast = client.get("/fleet/forecast").get_data(as_text=True)
    proposed = re.search(r'<dd class="plates">(.*?)</dd>', forecast).group(1)
    assert '<span class="nowrap">A</span><span class="nowrap">（2 个电池包）</span>' in proposed
    fields = accept_form(forecast)
    page = submit(client, "/fleet/forecast/accept", fields, page="/fleet/forecast")
    booking_id = int(re.search(r"/bookings/(\d+)", page.headers["Location"]).group(1))
    booked = db.session.scalars(
        sa.select(BusPack.vehicle_plate).where(BusPack.booking_id == booking_id)
    ).all()
    counts = {plate: booked.count(plate) for plate in sorted(set(booked))}
    assert counts.get("A") == 2  # the proposal's packs, linked to the booking
    body = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    buses = re.search(r'id="buses">(.*?)</dd>', body).group(1)
    assert all(
        f'<span class="nowrap">（{n} 个电池包）</span>' in buses for n in counts.values() if n > 1
    )
    shown = re.sub(r"<[^>]+>", "", buses)
    assert shown == "、".join(
        plate + (f"（{n} 个电池包）" if n > 1 else "") for plate, n in counts.items()
    )
