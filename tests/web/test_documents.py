"""Route documents: the manifest and the dangerous-goods document (SP376/377, totals, access)."""

from __future__ import annotations

import re
from decimal import Decimal

from lithloop.extensions import db
from lithloop.models import (
    BookingStatus,
    PlanRoute,
    PlanStatus,
    Role,
)
from lithloop.services.booking import bookings as booking_service
from lithloop.services.dispatch import transport_docs as docs
from tests import worlds
from tests.factories import make_user
from tests.pdf_text import pdf_text

world = worlds.published_route


def test_entries_follow_condition_and_masses_add_up(world):
    route = db.session.get(PlanRoute, world["route_id"])
    document = docs.dangerous_goods(route)
    assert [t.trip.number for t in document.trips] == [1, 2]
    first = {e.provision.key: e for e in document.trips[0].entries}
    assert set(first) == {"sp377", "sp376", "sp376_reactive"}
    assert (first["sp376"].provision.special_provision, first["sp376"].provision.packing) == (
        376,
        "P908 / LP904",
    )
    assert first["sp376_reactive"].provision.packing == "P911 / LP906"
    assert (first["sp377"].provision.special_provision, first["sp377"].provision.packing) == (
        377,
        "P909",
    )
    assert first["sp377"].mass_kg == Decimal("2900") and first["sp377"].packages == 3
    assert first["sp376"].mass_kg == Decimal("300") and first["sp376"].by_form == {"module": 4}
    assert first["sp376_reactive"].mass_kg == Decimal("450")
    for part in document.trips:
        for entry in part.entries:
            assert entry.mass_kg == sum(Decimal(x.mass_kg) for x in entry.lots)
        assert part.dangerous_kg == sum(Decimal(x.mass_kg) for x in part.trip.lots)
    (second,) = document.trips[1].entries
    assert second.provision is docs.SP377 and second.by_form == {"cell": 40}
    assert document.has_sp376 and document.has_sp377 and docs.PACKING_GROUP is None
    assert second.description == "UN3480 LITHIUM ION BATTERIES, 9, (E)"
    booking_service.change_status(
        world["dispatcher"], world["bookings"][2], BookingStatus.CANCELLED, "客户取消"
    )
    db.session.expire_all()
    after = docs.dangerous_goods(db.session.get(PlanRoute, world["route_id"]))
    assert after.trips[1].entries == [] and after.dangerous_kg == Decimal("3650")


def test_dangerous_goods_document_page(client, auth, world):
    black = db.session.get(booking_service.Booking, world["bookings"][2]).lots[0]
    black.form = "black_mass"  # not a battery: listed apart, not under UN3480
    db.session.commit()
    auth.login(world["dispatcher"].email)
    page = client.get(f"/routes/{world['route_id']}/dangerous-goods")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    truck = world["trucks"][0]
    for expected in (
        "UN3480",
        "LITHIUM ION BATTERIES",
        "锂离子电池组",
        "SP376",
        "SP377",
        "P908 / LP904",
        "P911 / LP906",
        "P909",
        truck.plate,
        "东安汽车经销店",
        "东安区太平路8号",
        "阳明区产业园路1号",
        world["park"].name,
        "(E)",
        "LITHIUM BATTERIES FOR DISPOSAL/RECYCLING",
        "special provision 376",
        "2,900.00",
        "8,000",
        "tel:0453-6100119",
        "Consignor",
        "Consignee",
    ):
        assert expected in text, expected
    assert "documents.css" in text and "<script" not in text
    assert "Goods not carried as UN3480" in text and "3,650 千克" in text  # the LQ note
    printed = client.get(f"/routes/{world['route_id']}/dangerous-goods?format=pdf")
    assert printed.headers["Content-Type"] == "application/pdf"
    words = pdf_text(printed.data)
    for expected in ("UN3480", "锂离子电池组", "危险货物", "P911 / LP906", truck.plate, "2,900.00"):
        assert expected in words, expected
    assert "Download PDF" not in words and "下载 PDF" not in words  # .no-print stays out
    client.get("/lang/en")
    english = client.get(f"/routes/{world['route_id']}/dangerous-goods")
    assert english.status_code == 200 and "Trip" in english.get_data(as_text=True)
    assert "3,650 kg" in english.get_data(as_text=True) and "千克" not in english.get_data(
        as_text=True
    ).split("</h1>")[1].replace("（千克）", "")  # the labels alone stay bilingual


def test_manifest_shows_stops_in_order_with_local_times(client, auth, world):
    auth.login(world["driver"].email)
    page = client.get(f"/routes/{world['route_id']}/manifest")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text.index("09:10") < text.index("10:05") < text.index("11:30") < text.index("13:00")
    assert 'href="tel:13804530001"' in text and "王师傅" in text and "西安网点" in text
    b1, _, b3 = world["bookings"]
    assert f"#{b1}" in text and f"#{b3}" in text
    assert "/bookings/" not in text  # the booking pages are not the driver's (issue 17)
    b1_codes = db.session.get(booking_service.Booking, b1).lots[0].codes
    assert all(c in text for c in b1_codes)
    assert "P911 / LP906" in text and "3,650" in text  # trip 1: 2,700 + 950 kg
    assert f"/routes/{world['route_id']}/dangerous-goods" in text
    words = pdf_text(client.get(f"/routes/{world['route_id']}/manifest?format=pdf").data)
    assert words.index("09:10") < words.index("10:05") < words.index("13:00")
    assert "王师傅" in words and "西安网点" in words and all(c in words for c in b1_codes)
    auth.logout()
    auth.login(world["dispatcher"].email)
    text = client.get(f"/routes/{world['route_id']}/manifest").get_data(as_text=True)
    assert f"/bookings/{b1}" in text and f"/bookings/{b3}" in text


def test_who_may_open_the_documents(client, auth, world):
    expected = [
        (world["dispatcher"], 200),
        (make_user(world["park"], role=Role.PLANT_OPERATOR), 200),
        (make_user(world["park"], role=Role.ADMIN), 200),
        (world["driver"], 200),
        (world["other_driver"], 404),
        (world["dealer"], 404),
    ]
    for user, status in expected:
        auth.login(user.email)
        for kind in ("manifest", "dangerous-goods"):
            response = client.get(f"/routes/{world['route_id']}/{kind}")
            assert response.status_code == status, (user.role, kind)
        assert client.get("/routes/999999/manifest").status_code == 404
        auth.logout()


def test_drafts_are_for_the_park_only_and_login_is_required(client, auth, world):
    route = db.session.get(PlanRoute, world["route_id"])
    route.plan.status = PlanStatus.DRAFT
    db.session.commit()
    assert client.get(f"/routes/{route.id}/manifest").status_code == 302  # to the login page
    auth.login(world["driver"].email)
    assert client.get(f"/routes/{route.id}/manifest").status_code == 404


def test_documents_name_each_site_and_organisation_once(client, auth, world):
    """The park's depot and the demo's branches bear their organisation's name: the
    dangerous-goods document printed it before and after the address, the manifest above
    and below the stop. Each name is now said once, and a site named otherwise keeps both."""
    first = db.session.get(booking_service.Booking, world["bookings"][0]).site
    first.name = first.organisation.name  # as the demo's branches are named
    depot = db.session.get(PlanRoute, world["route_id"]).truck.depot
    depot.name = depot.organisation.name  # as the demo's park is named
    db.session.commit()
    branch, park, other = first.organisation.name, depot.name, "西安网点"
    auth.login(world["dispatcher"].email)
    text = client.get(f"/routes/{world['route_id']}/dangerous-goods").get_data(as_text=True)
    consignee = text.split('<span class="en" lang="en">Consignee</span></dt><dd>')[1]
    consignee = consignee.split("</dd>")[0]
    assert consignee == f"{park}、牡丹江 阳明区产业园路1号", consignee
    consignors = re.findall(r"<li>([^<]*)（预约 #", text)
    assert f"{branch} — 牡丹江 东安区太平路8号" in consignors, consignors
    assert f"{branch} · {other} — 牡丹江" in consignors, consignors
    assert all(line.count(branch) == 1 for line in consignors), consignors
    signed = re.findall(r"</span><br><strong>([^<]*)</strong>（#", text)
    assert branch in signed and f"{branch} · {other}" in signed, signed
    manifest = client.get(f"/routes/{world['route_id']}/manifest").get_data(as_text=True)
    stops = re.findall(r'<li class="stop">(.*?)</li>\s*(?=<li class="stop">|</ol>)', manifest, re.S)
    pickups = [s for s in stops if "东安区太平路8号" in s]
    assert pickups and all(s.count(branch) == 1 for s in pickups), pickups


def test_the_trip_totals_count_in_english_plurals(client, auth, world):
    """Walk finding: the manifest's trip of one pickup read "1 pickups" in English; stops
    (places) and bookings are counted apart."""
    auth.login(world["dispatcher"].email)
    client.get("/lang/en")
    text = client.get(f"/routes/{world['route_id']}/manifest").get_data(as_text=True)
    totals = re.findall(r'<p class="trip-total">(.*?)</p>', text, re.S)
    assert len(totals) == 2, totals
    assert "2 stops · 2 bookings" in totals[0] and "1 stop · 1 booking ·" in totals[1], totals
    assert not re.search(r"\b1 (stops|bookings|packages|SP376 lots)\b", " ".join(totals))
    client.get("/lang/zh_CN")
    chinese = client.get(f"/routes/{world['route_id']}/manifest").get_data(as_text=True)
    assert "1 个站点 · 1 个预约" in chinese and "2 个站点 · 2 个预约" in chinese
