"""A fleet CSV that updates the register: with "update" ticked, a row whose code is in the
register replaces that pack's values (a month's SoH readings), new codes are added, and a
pack on an open booking or at the park is refused by its row; without it, such a row is an
error that says how to update."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import BookingStatus, BusPack
from tests import worlds
from tests.conftest import csrf_token, submit
from tests.factories import BookingFactory, PackFactory, make_bus_pack

HEADER = "vehicle_plate,pack_code,chemistry,rated_kwh,mass_kg,in_service_since,soh_pct\n"
CODE_A = "0Q5PB3AMDJ09918650000634"
CODE_B = "0K7PB3BMDJ796989P0001713"


manager = worlds.logged_in_fleet_manager


def registered(org_id: int, code: str, soh: str = "90") -> BusPack:
    return make_bus_pack(org_id, "黑C·00001", pack_code=code, soh_pct=Decimal(soh))


def upload(client, data: bytes, update: bool):
    fields = {"csrf_token": csrf_token(client, "/fleet/packs"), "file": (io.BytesIO(data), "f.csv")}
    if update:
        fields["update"] = "1"
    return client.post("/fleet/packs", data=fields, content_type="multipart/form-data")


def confirm(client, preview: str):
    token = re.search(r'name="token" value="([^"]+)"', preview).group(1)
    update = {"update": "1"} if 'name="update" value="1"' in preview else {}
    return submit(client, "/fleet/packs/confirm", {"token": token, **update}, page="/fleet/packs")


def stored(code: str) -> BusPack | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(BusPack).where(BusPack.pack_code == code))


def test_a_month_of_soh_readings_updates_the_register_and_adds_new_packs(client, manager):
    pack = registered(manager.organisation_id, CODE_A, soh="90")
    data = (
        HEADER + f"黑C·00002,{CODE_A},LFP,295,2225,2019-03-01,84.5\n"
        f"黑C·00003,{CODE_B},LFP,295,2225,2020-05-01,97\n"
    ).encode()

    preview = upload(client, data, update=True)

    body = preview.get_data(as_text=True)
    assert preview.status_code == 200, body
    assert "新增 1 个电池包并更新台账中的 1 个" in body and ">更新</span>" in body
    response = confirm(client, body)
    assert response.status_code == 302
    updated = stored(CODE_A)
    assert updated.id == pack.id and updated.soh_pct == Decimal("84.5")
    assert updated.vehicle_plate == "黑C·00002"
    assert stored(CODE_B).soh_pct == Decimal("97")
    count = db.session.scalar(sa.select(sa.func.count(BusPack.id)))
    assert count == 2
    shown = client.get("/fleet/packs").get_data(as_text=True)
    assert "已导入 1 个电池包" in shown or "1 个电池包已导入" in shown
    assert "已更新 1 个电池包" in shown


def test_without_the_tick_a_registered_code_is_an_error_that_says_how_to_update(client, manager):
    registered(manager.organisation_id, CODE_A, soh="90")
    data = (HEADER + f"黑C·00002,{CODE_A},LFP,295,2225,2019-03-01,84.5\n").encode()
    preview = upload(client, data, update=False)
    body = preview.get_data(as_text=True)
    assert preview.status_code == 422
    assert "已在本单位的电池包台账中" in body and "勾选“更新台账中已有的电池包”" in body
    assert stored(CODE_A).soh_pct == Decimal("90")


def test_a_pack_on_an_open_booking_or_at_the_park_is_not_updated(client, manager):
    pack = registered(manager.organisation_id, CODE_A, soh="90")
    booking = BookingFactory(created_by=manager)
    pack.booking_id = booking.id
    db.session.commit()
    data = (HEADER + f"黑C·00002,{CODE_A},LFP,295,2225,2019-03-01,84.5\n").encode()

    preview = upload(client, data, update=True)
    body = preview.get_data(as_text=True)
    assert preview.status_code == 422 and f"已在预约 {booking.id} 中" in body
    assert stored(CODE_A).soh_pct == Decimal("90")

    booking.status = BookingStatus.CANCELLED  # a cancelled booking holds it no longer
    db.session.commit()
    assert upload(client, data, update=True).status_code == 200

    other = registered(manager.organisation_id, CODE_B, soh="90")
    PackFactory(code=CODE_B)  # the park has received it: its record is the park's
    at_park = (HEADER + f"黑C·00002,{CODE_B},LFP,295,2225,2019-03-01,80\n").encode()
    refused = upload(client, at_park, update=True)
    assert refused.status_code == 422 and "产业园已接收" in refused.get_data(as_text=True)
    assert stored(CODE_B).id == other.id and stored(CODE_B).soh_pct == Decimal("90")


def test_a_pack_booked_between_the_preview_and_the_import_is_not_updated(client, manager):
    pack = registered(manager.organisation_id, CODE_A, soh="90")
    data = (HEADER + f"黑C·00002,{CODE_A},LFP,295,2225,2019-03-01,84.5\n").encode()
    body = upload(client, data, update=True).get_data(as_text=True)
    pack.booking_id = BookingFactory(created_by=manager).id  # a proposal accepted meanwhile
    db.session.commit()

    response = confirm(client, body)

    assert response.status_code == 422
    assert stored(CODE_A).soh_pct == Decimal("90")
