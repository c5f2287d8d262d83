"""A pack of the fleet register changed or removed by hand: every bad field told beside its box
at once, a change made meanwhile or a pack on a live booking or at the park refused."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import AuditEntry, BookingStatus, BusPack, OrgKind
from lithloop.services.booking import fleet_register
from tests import worlds
from tests.conftest import submit
from tests.factories import BookingFactory, PackFactory, make_bus_pack, make_org, make_user

CODE_A = "0Q5PB3AMDJ09918650000634"
CODE_B = "0K7PB3BMDJ796989P0001713"


def add_pack(org_id: int, plate: str, code: str | None = None, soh: str | None = "88") -> BusPack:
    soh_pct = None if soh is None else Decimal(soh)
    return make_bus_pack(org_id, plate, pack_code=code, soh_pct=soh_pct)


manager = worlds.logged_in_fleet_manager


def form_of(client, pack_id: int) -> dict[str, str]:
    """The pack's form as the page fills it (inputs and the chemistry chosen)."""
    body = client.get(f"/fleet/packs/{pack_id}").get_data(as_text=True)
    fields = dict(re.findall(r'<input id="(\w+)" name="\w+" type="\w+" value="([^"]*)"', body))
    fields["chemistry"] = re.search(r'<option value="(\w+)" selected>', body).group(1)
    fields["version"] = re.search(r'name="version" value="(\w+)"', body).group(1)
    return fields


def save(client, pack_id: int, form: dict):
    return submit(client, f"/fleet/packs/{pack_id}", form, page=f"/fleet/packs/{pack_id}")


def stored(pack_id: int) -> BusPack | None:
    db.session.expire_all()
    return db.session.get(BusPack, pack_id)


def test_a_new_soh_and_a_mistyped_plate_are_saved_and_audited(client, manager):
    pack = add_pack(manager.organisation_id, "黑C·12345", CODE_A)
    register = client.get("/fleet/packs").get_data(as_text=True)
    assert f'href="/fleet/packs/{pack.id}"' in register
    form = form_of(client, pack.id)
    assert form["vehicle_plate"] == "黑C·12345" and form["soh_pct"] == "88"
    assert form["rated_kwh"] == "295" and form["in_service_since"] == "2019-03-01"

    response = save(client, pack.id, {**form, "soh_pct": "79.5", "vehicle_plate": "黑C·12346"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/fleet/packs#pack-{pack.id}")
    saved = stored(pack.id)
    assert saved.soh_pct == Decimal("79.5") and saved.vehicle_plate == "黑C·12346"
    assert saved.pack_code == CODE_A and saved.rated_kwh == Decimal("295")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "fleet_pack.change"))
    assert entry.details["values"] == {
        "vehicle_plate": ["黑C·12345", "黑C·12346"],
        "soh_pct": ["88.00", "79.50"],
    }
    assert entry.details["plate"] == "黑C·12345"  # the pack as it was
    unchanged = save(client, pack.id, form_of(client, pack.id))  # sent as it is
    assert unchanged.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 1  # nothing recorded
    assert entry.object_type == "bus_pack" and entry.object_id == str(pack.id)


def test_every_bad_field_is_told_beside_it_at_once_and_nothing_is_saved(client, manager):
    pack = add_pack(manager.organisation_id, "黑C·12345")
    form = form_of(client, pack.id)
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    bad = {
        **form,
        "vehicle_plate": "",
        "rated_kwh": "abc",
        "in_service_since": tomorrow,
        "soh_pct": "0.85",  # a fraction: read as 0.85 %, with no preview to warn of it
    }

    response = save(client, pack.id, bad)

    body = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("vehicle_plate", "rated_kwh", "in_service_since", "soh_pct"):
        assert f'id="{field}-err"' in body, field
    assert "必填" in body and "“abc”" in body and tomorrow in body and "0.85" in body
    assert 'value="abc"' in body  # what was typed stays in its box
    kept = stored(pack.id)
    assert kept.vehicle_plate == "黑C·12345" and kept.soh_pct == Decimal("88")


def test_a_code_already_on_another_pack_or_at_the_park_is_refused_beside_it(client, manager):
    add_pack(manager.organisation_id, "黑C·00001", CODE_A)
    pack = add_pack(manager.organisation_id, "黑C·00002")
    form = form_of(client, pack.id)

    taken = save(client, pack.id, {**form, "pack_code": CODE_A, "soh_pct": "150"})
    assert taken.status_code == 422  # told with the other fields' refusals (a walk)
    assert 'id="pack_code-err"' in taken.get_data(as_text=True)
    assert 'id="soh_pct-err"' in taken.get_data(as_text=True)
    assert "已在本单位的电池包台账中" in taken.get_data(as_text=True)

    PackFactory(code=CODE_B)  # a pack the park has received
    received = save(client, pack.id, {**form, "pack_code": CODE_B})
    assert received.status_code == 422
    assert 'id="pack_code-err"' in received.get_data(as_text=True)
    assert stored(pack.id).pack_code is None


def test_a_change_made_meanwhile_is_not_undone_and_its_values_are_shown(client, manager):
    pack = add_pack(manager.organisation_id, "黑C·12345")
    form = form_of(client, pack.id)
    stored(pack.id).soh_pct = Decimal("70")  # a colleague's save, after the page was read
    db.session.commit()

    response = save(client, pack.id, {**form, "vehicle_plate": "黑C·99999"})

    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'value="70"' in body  # the values as stored now, to check
    assert stored(pack.id).vehicle_plate == "黑C·12345"
    assert stored(pack.id).soh_pct == Decimal("70")


def test_a_pack_on_a_live_booking_is_neither_changed_nor_removed(client, manager):
    pack = add_pack(manager.organisation_id, "黑C·12345", CODE_A)
    booking = BookingFactory(created_by=manager)
    form = form_of(client, pack.id)
    stored(pack.id).booking_id = booking.id
    db.session.commit()
    version = fleet_register.pack_version(stored(pack.id))

    page = client.get(f"/fleet/packs/{pack.id}").get_data(as_text=True)
    assert f"预约 {booking.id}" in page and 'name="soh_pct"' not in page
    assert f'href="/bookings/{booking.id}"' in page
    changed = save(client, pack.id, {**form, "soh_pct": "70", "version": version})
    assert changed.status_code == 409
    removed = submit(client, f"/fleet/packs/{pack.id}/remove", {"version": version})
    assert removed.status_code == 409
    assert stored(pack.id).soh_pct == Decimal("88")

    booking.status = BookingStatus.CANCELLED  # a cancelled booking holds it no longer
    db.session.commit()
    again = save(client, pack.id, {**form, "soh_pct": "70", "version": version})
    assert again.status_code == 302 and stored(pack.id).soh_pct == Decimal("70")


def test_a_removed_pack_leaves_the_register_and_the_forecast(client, manager):
    pack = add_pack(manager.organisation_id, "黑C·12345", soh="75")
    other = add_pack(manager.organisation_id, "黑C·54321", soh="75")
    version = form_of(client, pack.id)["version"]

    response = submit(client, f"/fleet/packs/{pack.id}/remove", {"version": version})

    assert response.status_code == 302
    assert stored(pack.id) is None and stored(other.id) is not None
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "fleet_pack.remove"))
    assert entry.details["plate"] == "黑C·12345"
    register = client.get("/fleet/packs").get_data(as_text=True)
    assert "黑C·12345 的电池包已从台账中删除" in register  # said once, after the redirect
    assert "<td>黑C·12345</td>" not in register and "<td>黑C·54321</td>" in register


def test_another_organisation_s_pack_is_not_found_and_other_roles_are_refused(
    client, auth, manager
):
    theirs = add_pack(make_org(OrgKind.BUS_COMPANY).id, "黑C·77777", soh="90")
    assert client.get(f"/fleet/packs/{theirs.id}").status_code == 404
    ours = add_pack(manager.organisation_id, "黑C·12345")
    form = form_of(client, ours.id)
    version = fleet_register.pack_version(stored(theirs.id))
    refused = save(client, theirs.id, {**form, "version": version})
    assert refused.status_code == 404 and stored(theirs.id).vehicle_plate == "黑C·77777"
    auth.logout()
    auth.login(make_user(make_org()).email)  # a dealer
    assert client.get(f"/fleet/packs/{ours.id}").status_code == 403


def test_a_save_comes_back_to_the_pack_s_row_on_its_page_of_the_register(client, manager):
    """Walk finding: after a save the register opened at its top, 48 packs above."""
    for n in range(55):
        add_pack(manager.organisation_id, f"黑C·{n:05d}")
    last = add_pack(manager.organisation_id, "黑C·99999")
    response = save(client, last.id, {**form_of(client, last.id), "soh_pct": "70"})
    assert response.headers["Location"].endswith(f"/fleet/packs?page=2#pack-{last.id}")
    page = client.get("/fleet/packs?page=2").get_data(as_text=True)
    assert f'id="pack-{last.id}"' in page
