# ruff: noqa: F811  (tests take the imported fixtures as arguments)
"""Defects found walking the demo as a new user (zh-CN at phone width, English on a desktop):
each test fails without its fix."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.i18n import LANG_COOKIE
from lithloop.models import Booking, BookingEvent, BookingStatus, OutboxMessage, Plan, Role
from lithloop.services.booking import event_details
from lithloop.services.dispatch import publishing
from lithloop.services.errors import Conflict
from lithloop.services.plant import settlement as settlement_service
from lithloop.web.booking_text import event_text
from tests.market.support import list_packs
from tests.pack_builders import make_pack
from tests.plant_world import booked, receive
from tests.web.test_dispatch import (
    day_world,  # noqa: F401 (the fixture)
    run_to_end,
)
from tests.worlds import arrival, plant_staff  # noqa: F401 (the fixtures)


def test_a_page_of_another_role_says_so_in_chinese_not_werkzeugs_english(client, login_as):
    login_as(Role.DEALER_STAFF)
    response = client.get("/dispatch/")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "You don't have the permission" not in page
    assert "您的角色无权打开此页面。" in page


def test_plates_on_the_publish_confirmation_and_map_key_stay_on_one_line(
    client,
    auth,
    day_world,
):
    """A plate (黑C·F0614) broke after its province character at phone width: each is in a
    span.plate (white-space: nowrap), in the list of who will be told and under the map."""
    plan_id = run_to_end(client, day_world)["plan_id"]
    plan = db.session.get(Plan, plan_id)
    auth.login(day_world["dispatcher"].email)
    confirm = client.get(f"/dispatch/plans/{plan_id}/publish").get_data(as_text=True)
    told = confirm.split('<ul class="rows flow">')[-1].split("</ul>")[0]
    shown = client.get(f"/dispatch/plans/{plan_id}").get_data(as_text=True)
    key = shown.split("<figcaption>")[1].split("</figcaption>")[0]
    for route in plan.routes:
        plate = route.truck.plate
        assert f'<span class="plate">{plate}</span>' in told
        assert re.search(rf'<span class="plate"><span class="key [^"]*"></span>{plate}</span>', key)


def test_a_final_test_is_named_on_the_listing_and_the_plant_page(client, auth, login_as):
    """An assembled pack's test (kind 'final') showed '(final)' to buyers and 'Intake test'
    to the plant."""
    pack = list_packs(1)[0]
    client.get("/lang/zh_CN")
    login_as(Role.BUYER)
    listing = client.get(f"/market/packs/{pack.id}").get_data(as_text=True)
    assert "（出厂检测）" in listing and "(final)" not in listing  # full-width on a Chinese page
    auth.logout()
    login_as(Role.PLANT_OPERATOR)
    plant = client.get(f"/plant/packs/{pack.id}").get_data(as_text=True)
    tests = plant.split("<tbody>")[-1].split("</tbody>")[0]
    assert "出厂检测" in tests and "入厂检测" not in tests


def test_the_plant_names_a_lots_form_in_words(client, auth, arrival):
    """The receive form's lots read '2 × pack' and a pack's page '磷酸铁锂 LFP · pack'."""
    auth.login(arrival["operator"].email)
    form = client.get(f"/plant/bookings/{arrival['booking_id']}/receive").get_data(as_text=True)
    legends = re.findall(r"<legend>(.*?)</legend>", form)
    assert any("2 个电池包" in text for text in legends), legends
    assert any("4 个模组" in text for text in legends), legends
    assert not any("× pack" in text or "module" in text for text in legends)
    pack = make_pack(arrival["operator"])
    shown = client.get(f"/plant/packs/{pack.id}").get_data(as_text=True)
    assert "· pack" not in shown and " · 电池包" in shown


def test_the_private_passport_lays_its_events_out_as_cards_without_a_script(client, auth, arrival):
    """The passport runs no script, so cards.js never labelled its four-column tables: at
    390 px they were squeezed to one character a column. The template labels them itself."""
    pack = make_pack(arrival["operator"])
    auth.login(arrival["operator"].email)
    page = client.get(f"/packs/{pack.code}").get_data(as_text=True)
    assert '<table class="chain cards">' in page
    row = page.split(f'id="event-{pack.events[0].id}"')[1].split("</tr>")[0]
    labels = re.findall(r'<td[^>]*data-label="([^"]+)"', row)
    assert labels == ["时间", "事件", "记录人", "详情"]


def test_the_history_details_of_publishing_pickup_and_intake_are_told_in_words(app):
    """They were stored as English notes ('picked up 6240.00 kg, 13 codes', '黑C·F1688, ETA
    10:16') and parsed back by the page; now they are data, told in the reader's language."""
    details = [
        (event_details.scheduled("黑C·F1688", "10:16"), "", "车辆 黑C·F1688，预计 10:16 到达"),
        (
            event_details.scheduled("黑C·F0614", "09:52", again=True),
            "",
            "已重新规划：车辆 黑C·F0614，预计 09:52 到达",
        ),
        (event_details.picked_up(Decimal("6240.00"), 13), "", "已取货 6,240 千克，13 个编码"),
        (
            event_details.picked_up(Decimal("574"), 0, mass_off_pct=Decimal("-85.8"), missing=5),
            "无编码",
            "已取货 574 千克，0 个编码（质量偏差 -85.8 %；缺少 5 个编码）；无编码",
        ),
        (event_details.received(Decimal("6208.80")), "", "入厂称重 6,208.8 千克"),
        (event_details.received(Decimal("2400")), "少了一箱", "入厂称重 2,400 千克；少了一箱"),
        (
            event_details.moved(date(2026, 12, 7), date(2026, 12, 8)),
            "",
            "2026-12-07 已约满，改到 2026-12-08",
        ),
        (
            event_details.moved(date(2026, 12, 7), date(2026, 12, 9), full=False),
            "",
            "由 2026-12-07 改到 2026-12-09",
        ),
        (
            event_details.left_out(date(2026, 12, 7), "day_full", ["2026-12-08"]),
            "",
            "未排入 2026-12-07 的计划：当天已满（运力或时间）：请改到其他日期。"
            " 可改约的日期：2026-12-08。",
        ),
        (None, "门口见", "门口见"),  # a person's own note, as written
    ]
    with app.test_request_context(headers={"Cookie": f"{LANG_COOKIE}=zh_CN"}):
        for detail, note, words in details:
            assert event_text(BookingEvent(detail=detail, note=note)) == words
    with app.test_request_context(headers={"Cookie": f"{LANG_COOKIE}=en"}):
        event = BookingEvent(detail=event_details.scheduled("黑C·F1688", "10:16"), note="")
        assert event_text(event) == "Truck 黑C·F1688, expected at 10:16"


def test_a_pickup_of_one_code_is_told_in_the_singular_in_english(app):
    """Walk finding: the history read "Picked up 250 kg, 1 codes (1 codes missing)"."""
    one = event_details.picked_up(Decimal("250"), 1, missing=1, unexpected=1)
    two = event_details.picked_up(Decimal("250"), 2, missing=2)
    with app.test_request_context(headers={"Cookie": f"{LANG_COOKIE}=en"}):
        assert event_text(BookingEvent(detail=one, note="")) == (
            "Picked up 250 kg, 1 code (1 code missing; 1 code unexpected)"
        )
        assert event_text(BookingEvent(detail=two, note="")).startswith(
            "Picked up 250 kg, 2 codes (2 codes missing"
        )
    with app.test_request_context(headers={"Cookie": f"{LANG_COOKIE}=zh_CN"}):
        assert event_text(BookingEvent(detail=one, note="")) == (
            "已取货 250 千克，1 个编码（缺少 1 个编码；多出 1 个编码）"
        )


def test_the_owners_letter_and_page_tell_truck_and_eta_in_their_language(client, auth, day_world):
    """The owner's mail quoted the stored English note: '黑C·X0812, ETA 12:48'."""
    english_owner = db.session.get(Booking, day_world["bookings"][1]).created_by
    english_owner.locale = "en"
    db.session.commit()
    plan_id = run_to_end(client, day_world)["plan_id"]
    publishing.publish_plan(day_world["dispatcher"], plan_id, allow_unmanned=True)
    plan = db.session.get(Plan, plan_id)
    stops = [(r, s) for r in plan.routes for s in r.stops if s.booking_id]
    for route, stop in stops:
        booking = db.session.get(Booking, stop.booking_id)
        eta = clock.local(stop.arrival).strftime("%H:%M")
        last = db.session.scalar(
            sa.select(OutboxMessage)
            .where(OutboxMessage.recipient == booking.created_by.email)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
        if booking.created_by.locale == "en":
            assert f"Truck {route.truck.plate}, expected at {eta}" in last.body
        else:
            assert f"车辆 {route.truck.plate}，预计 {eta} 到达" in last.body, last.body
        assert "ETA" not in last.body
        assert booking.events[-1].note == ""  # no English words stored
    assert any(
        b.created_by.locale == "en"
        for b in (db.session.get(Booking, s.booking_id) for _r, s in stops)
    )
    route, stop = next((r, s) for r, s in stops if s.booking_id != day_world["bookings"][1])
    booking = db.session.get(Booking, stop.booking_id)
    eta = clock.local(stop.arrival).strftime("%H:%M")
    auth.login(booking.created_by.email)
    client.get("/lang/zh_CN")
    page = client.get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert f"车辆 {route.truck.plate}，预计 {eta} 到达" in page and "ETA" not in page


LOT = {"chemistry": "LFP", "form": "pack", "count": 2, "condition": "intact", "codes": []}


def test_the_statement_names_the_units_of_its_lines(client, auth, plant_staff):
    """The payable coefficient's line read '-0.22 → -0.22 x value' on the Chinese statement."""
    booking = booked(plant_staff)
    receive(plant_staff, booking, "610")
    settlement_service.settle(plant_staff["plant"], booking.id)
    auth.login(plant_staff["plant"].email)
    page = client.get(f"/settlements/{booking.id}").get_data(as_text=True)
    assert "× 回收金属价值" in page and "x value" not in page
    # its lines are items of the statement, not production lines ("产线"), and the lot's
    # masses have their thousands separator
    head = page.split("<section>")[1].split("</thead>")[0]
    assert "<th>项目</th>" in head and "产线" not in head
    big = booked(plant_staff, [{**LOT, "mass_kg": "6240"}])
    receive(plant_staff, big, "6208.8")
    settlement_service.settle(plant_staff["plant"], big.id)
    page = client.get(f"/settlements/{big.id}").get_data(as_text=True)
    assert "<p>预约 6,240.00 千克，实测 6,208.80 千克</p>" in page  # read 6240.00
    # the lines' quantities grouped and in the same unit words as the lot's masses: 千克, as
    # on every Chinese page (tests/test_kilogram_words.py)
    assert "6,240 → 6,208.8 千克" in page
    assert not re.search(r"(?<![A-Za-z_])kg(?![A-Za-z_])", page.split("<section>")[1]), page
    # nor tonnes and tonne-kilometres in English symbols beside 千克 ("6.24 → 6.209 t",
    # "26.832 → 26.698 t·km"): the statement and the price pages share one unit table
    lines = page.split("<section>")[1]
    assert "6.24 → 6.209 吨<" in lines, lines
    assert "吨·公里" in lines, lines
    assert not re.search(r"\d t(?![A-Za-z_])|t·km", lines), lines


def test_a_refused_publish_names_the_bookings_state_in_words(app, client, day_world):
    """'预约 #34 当前状态为 picked_up；请重新运行规划。': the state's code, not its word."""
    plan_id = run_to_end(client, day_world)["plan_id"]
    plan = db.session.get(Plan, plan_id)
    stop = next(s for r in plan.routes for s in r.stops if s.booking_id)
    stop.booking.status = BookingStatus.PICKED_UP
    db.session.commit()
    with app.test_request_context(headers={"Cookie": f"{LANG_COOKIE}=zh_CN"}):
        with pytest.raises(Conflict) as refused:
            publishing.publish_plan(day_world["dispatcher"], plan_id, allow_unmanned=True)
        message = str(refused.value.message)
    assert "已取货" in message and "picked_up" not in message


def test_the_plant_pack_page_says_soh_as_the_catalogue_does(client, auth, arrival):
    """The plant's pack page wrote 'SoH' untranslated beside the translated 'SOH'."""
    pack = make_pack(arrival["operator"], soh="85", grade="A")
    auth.login(arrival["operator"].email)
    client.get("/lang/zh_CN")
    page = client.get(f"/plant/packs/{pack.id}").get_data(as_text=True)
    assert re.search(r'· (<span class="nowrap">)?SOH 85(\.0+)? %', page) and "SoH" not in page, (
        page[page.find('id="grade"') :][:200]
    )
