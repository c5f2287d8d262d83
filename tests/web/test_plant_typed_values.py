"""What a plant operator types in the receive and test forms, read as a person means it: a
Chinese keyboard's digits, a unit of kilograms after a mass, a box that holds no number told
so beside it (a walk of the operator's pages)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Intake, Pack
from tests import worlds
from tests.conftest import submit
from tests.intake_world import row_counts

world = worlds.arrival


def _receive(client, world, lot0_mass: str):
    url = f"/plant/bookings/{world['booking_id']}/receive"
    form = {
        "lot-0-mass_kg": lot0_mass,
        "lot-0-codes": "\n".join(world["codes"]),
        "lot-1-mass_kg": "300",
        "lot-1-codes": "",
        "generate": "1",
        "note": "",
    }
    return submit(client, url, form)


def _first_pack(world) -> Pack:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(Pack).where(Pack.booking_id == world["booking_id"]).order_by(Pack.id)
    ).first()


def _received_pack(client, auth, world) -> Pack:
    auth.login(world["operator"].email)
    assert _receive(client, world, "2400").status_code == 302
    return _first_pack(world)


def _error_text(page: str, field: str) -> str:
    found = re.search(rf'id="err-{re.escape(field)}"[^>]*>([^<]*)<', page)
    assert found, f"no message beside {field}"
    return found.group(1)


def test_a_cycle_count_typed_in_full_width_digits_is_read_as_the_mass_is(client, auth, world):
    """Walk finding: a cycle count of １２ was refused while the capacity beside it read ９０."""
    pack = _received_pack(client, auth, world)
    url = f"/plant/packs/{pack.id}"
    typed = {
        "capacity_ah": "１８０",
        "soh_pct": "８５",
        "insulation_ok": "1",
        "cycle_count": "１２",
    }
    assert submit(client, f"{url}/test", typed, page=url).status_code == 302
    assert _first_pack(world).cycle_count == 12


@pytest.mark.parametrize(
    ("field", "said"), [("resistance_mohm", "内阻"), ("ocv_v", "开路电压"), ("capacity_ah", "容量")]
)
def test_a_box_holding_no_number_says_so_beside_it_not_enter_it(client, auth, world, field, said):
    """Walk finding: internal resistance "12🔋" read "请输入内阻（mΩ）" (enter the resistance),
    as if the optional box had been left empty."""
    pack = _received_pack(client, auth, world)
    url = f"/plant/packs/{pack.id}"
    typed = {"capacity_ah": "180", "soh_pct": "85", "insulation_ok": "1", field: "12🔋"}
    refused = submit(client, f"{url}/test", typed, page=url)
    assert refused.status_code == 422
    told = _error_text(refused.get_data(as_text=True), field)
    assert said in told and "不是数字" in told and not told.startswith("请输入"), told
    client.get("/lang/en")
    refused = submit(client, f"{url}/test", typed, page=url)
    told = _error_text(refused.get_data(as_text=True), field)
    assert "is not a number" in told, told
    assert _first_pack(world).grade is None


@pytest.mark.parametrize(
    "typed", ["2400 kg", "2400kg", "2,400 KG", "2400 千克", "2400公斤", "２４００ｋｇ"]
)
def test_a_lot_mass_typed_with_kilograms_after_it_is_read(client, auth, world, typed):
    """Walk finding: a mass typed as "335 kg" was refused."""
    auth.login(world["operator"].email)
    assert _receive(client, world, typed).status_code == 302
    measured = db.session.scalar(sa.select(Intake.measured_kg))
    assert measured == 2700  # 2,400 kg and the second lot's 300


@pytest.mark.parametrize("typed", ["2.4 t", "2.4吨", "2400000 g", "2400000克", "4800 斤"])
def test_a_lot_mass_in_another_unit_is_refused_asking_for_kilograms(client, auth, world, typed):
    auth.login(world["operator"].email)
    before = row_counts()
    refused = _receive(client, world, typed)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    told = _error_text(page, "lots-0-mass_kg")
    assert "千克" in told and "吨" in told, told
    assert f'value="{typed}"' in page  # kept as typed, to correct
    assert row_counts() == before
    client.get("/lang/en")
    told = _error_text(_receive(client, world, typed).get_data(as_text=True), "lots-0-mass_kg")
    assert "in kg" in told, told


@pytest.mark.parametrize("field", ["resistance_mohm", "ocv_v"])
def test_the_assembly_forms_test_boxes_say_so_as_the_test_form_does(client, auth, world, field):
    """The final test of a built pack has the same optional boxes: "12🔋" is no number."""
    from lithloop.models import Grade, PackState
    from tests.plant_world import make_pack
    from tests.web.test_lines_settlements import assembly_form

    parent = make_pack(world["operator"], PackState.FINISHED, grade=Grade.A, soh="85")
    auth.login(world["operator"].email)
    typed = {**assembly_form(parent), "insulation_ok": "1", field: "12🔋"}
    refused = submit(client, "/plant/assembly", typed)
    assert refused.status_code == 422
    assert "不是数字" in _error_text(refused.get_data(as_text=True), field)


@pytest.mark.parametrize("typed", ["99999", "1000000", "9999999"])
def test_an_open_circuit_voltage_beyond_any_pack_is_refused_beside_its_box(
    client, auth, world, typed
):
    """Walk finding: 99,999 V was stored as a pack's open-circuit voltage (no pack runs above
    1,500 V), and from 1,000,000 V the column's 8 digits overflowed on PostgreSQL (a 500)."""
    pack = _received_pack(client, auth, world)
    url = f"/plant/packs/{pack.id}"
    typed_test = {"capacity_ah": "180", "soh_pct": "85", "insulation_ok": "1", "ocv_v": typed}
    refused = submit(client, f"{url}/test", typed_test, page=url)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    told = _error_text(page, "ocv_v")
    assert "1,500" in told and "V" in told, told
    assert f'value="{typed}"' in page  # kept as typed, to correct
    assert _first_pack(world).grade is None
    ceiling = {**typed_test, "ocv_v": "1500"}  # the ceiling itself is a pack's voltage
    said = submit(client, f"{url}/test", ceiling, page=url).get_data(as_text=True)
    assert 'id="err-ocv_v"' not in said


@pytest.mark.parametrize(
    ("field", "typed"),
    [("resistance_mohm", "-5"), ("ocv_v", "-300"), ("ocv_v", "99999")],
)
def test_the_assembly_forms_test_values_have_the_test_forms_range(
    client, auth, world, field, typed
):
    """Walk finding: a built pack was listed with an internal resistance of -5 mΩ; a voltage
    of -300 V was told only that Ah × V did not add up."""
    from lithloop.models import Grade, PackState
    from tests.plant_world import make_pack
    from tests.web.test_lines_settlements import assembly_form

    parent = make_pack(world["operator"], PackState.FINISHED, grade=Grade.A, soh="85")
    auth.login(world["operator"].email)
    before = db.session.scalar(sa.select(sa.func.count(Pack.id)))
    typed_form = {**assembly_form(parent), "insulation_ok": "1", field: typed}
    refused = submit(client, "/plant/assembly", typed_form)
    assert refused.status_code == 422
    told = _error_text(refused.get_data(as_text=True), field)
    assert ("0" in told and "9,999,999" in told) or "1,500" in told, told
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Pack.id))) == before


def test_test_records_show_numbers_grouped_as_the_platform_does(client, auth, world):
    """Walk finding: a pack's test read "99999.00" in its record, not "99,999"."""
    pack = _received_pack(client, auth, world)
    url = f"/plant/packs/{pack.id}"
    typed = {
        "capacity_ah": "1800",
        "soh_pct": "85",
        "insulation_ok": "1",
        "resistance_mohm": "1234.5",
    }
    sent = submit(client, f"{url}/test", typed, page=url)
    assert sent.status_code == 302, re.findall(
        r'class="error"[^>]*>([^<]*)<', sent.get_data(as_text=True)
    )
    page = client.get(url).get_data(as_text=True)
    assert "1800.00" not in page and "1234.50" not in page
    assert "1,800 Ah" in page and ">1,800<" in page and ">1,234.5<" in page


def test_the_energy_check_groups_the_numbers_it_names(client, auth, world):
    """Walk finding: the refusal read "1800.00 Ah × 1234.5 V = 2222.10 kWh"."""
    pack = _received_pack(client, auth, world)
    url = f"/plant/packs/{pack.id}"
    typed = {"capacity_ah": "1800", "soh_pct": "85", "insulation_ok": "1", "ocv_v": "1234.5"}
    refused = submit(client, f"{url}/test", typed, page=url)
    told = _error_text(refused.get_data(as_text=True), "capacity_ah")
    assert "1,800.00 Ah × 1,234.5 V = 2,222.10 kWh" in told, told
