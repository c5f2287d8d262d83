"""Dismantling batches and second-life assembly: arithmetic, chain events, integrity errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from lithloop import labels, pricing
from lithloop.batteries import validate_code
from lithloop.extensions import db
from lithloop.models import (
    AuditEntry,
    DismantlingBatch,
    Grade,
    Pack,
    PackEvent,
    PackState,
    PackTest,
)
from lithloop.pricing.model import MAX_CYCLES
from lithloop.services.booking import prices as price_service
from lithloop.services.errors import Conflict, Forbidden, Invalid
from lithloop.services.plant import assembly, dismantling, grading
from tests import worlds
from tests.conftest import Auth, submit
from tests.plant_world import make_pack

OUTPUTS = {
    "black_mass": "250.5",
    "copper": "40",
    "aluminium": "35.25",
    "steel": "120",
    "plastics": "30",
}


world = worlds.plant_staff


def events(pack: Pack, kind: str) -> list[PackEvent]:
    return list(
        db.session.scalars(
            sa.select(PackEvent).where(PackEvent.pack_id == pack.id, PackEvent.kind == kind)
        )
    )


def test_batch_add_and_close_arithmetic(world):
    plant = world["plant"]
    packs = [make_pack(plant, mass=m) for m in ("300.50", "280", "120.25")]
    batch = dismantling.open_batch(plant, 2)
    dismantling.add_packs(plant, batch.id, [packs[0].code, packs[1].code.lower()])
    dismantling.add_packs(plant, batch.id, [packs[2].code])
    batch = db.session.get(DismantlingBatch, batch.id)
    assert batch.input_kg == Decimal("700.75")
    # line 2 runs 12 t/day by default: 700.75 kg is 0.06 days of work
    assert dismantling.days_of_work(batch) == Decimal("0.06")
    for pack in packs:
        db.session.refresh(pack)
        assert pack.state is PackState.DISMANTLED and pack.warehouse is None
        assert pack.batch_id == batch.id
        [event] = events(pack, "dismantled")
        assert event.data["batch"] == batch.id and event.data["line"] == 2
        assert event.report_due is not None  # a handover for the national platform
    dismantling.close_batch(  # 32 % lost
        plant, batch.id, OUTPUTS, loss_confirmed=True, reason="packs soaked: water drained"
    )
    batch = db.session.get(DismantlingBatch, batch.id)
    assert batch.status == "closed" and batch.closed_at is not None
    assert batch.outputs["black_mass"] == "250.50" and batch.outputs["plastics"] == "30.00"
    assert dismantling.output_total(batch) == Decimal("475.75")
    assert dismantling.loss_kg(batch) == Decimal("225.00")
    with pytest.raises(Conflict):
        dismantling.close_batch(plant, batch.id, OUTPUTS)


def test_pack_not_in_raw_is_refused_by_name_and_nothing_is_written(world):
    plant = world["plant"]
    good = make_pack(plant)
    aging = make_pack(plant, PackState.AGING, grade=Grade.B, soh="70")
    batch = dismantling.open_batch(plant, 1)
    with pytest.raises(Conflict) as caught:
        dismantling.add_packs(plant, batch.id, [good.code, aging.code])
    assert aging.code in str(caught.value.message)
    with force_locale("zh"):  # the pack's place (its warehouse) in words, never its stored state
        words = str(caught.value.message)
    assert "（当前：老化仓）" in words and "aging" not in words
    db.session.refresh(good)
    assert good.state is PackState.RAW and good.batch_id is None and not events(good, "dismantled")
    assert db.session.get(DismantlingBatch, batch.id).input_kg == 0
    dismantling.add_packs(plant, batch.id, [good.code])
    other = dismantling.open_batch(plant, 3)
    with pytest.raises(Conflict) as caught:  # already on line 1
        dismantling.add_packs(plant, other.id, [good.code])
    assert good.code in str(caught.value.message)


def test_batch_errors(world):
    plant = world["plant"]
    pack = make_pack(plant, mass="100")
    with pytest.raises(Invalid):
        dismantling.open_batch(plant, 4)
    batch = dismantling.open_batch(plant, 1)
    with pytest.raises(Conflict):
        dismantling.open_batch(plant, 1)
    with pytest.raises(Conflict):  # empty batch
        dismantling.close_batch(plant, batch.id, {})
    dismantling.add_packs(plant, batch.id, [pack.code])
    with pytest.raises(Invalid) as caught:  # every box left empty: all of it lost?
        dismantling.close_batch(plant, batch.id, {})
    assert caught.value.field == "outputs"
    with pytest.raises(Invalid) as caught:
        dismantling.close_batch(plant, batch.id, {"black_mass": "-1"})
    assert caught.value.field == "black_mass"
    with pytest.raises(Invalid) as caught, force_locale("en"):  # a slip of extra digits
        dismantling.close_batch(plant, batch.id, {"black_mass": "9" * 20})
    with force_locale("en"):  # its limit, not "at most 15 digits before the point"
        assert caught.value.field == "black_mass"
        assert str(caught.value.message) == "This is too large: enter at most 9,999,999,999."
    with pytest.raises(Invalid) as caught:
        dismantling.close_batch(plant, batch.id, {"black_mass": "60", "steel": "40.01"})
    assert caught.value.field == "outputs"
    assert db.session.get(DismantlingBatch, batch.id).status == "open"
    # = input; a box holding only a space (a phone keyboard's) is blank, as an empty one
    dismantling.close_batch(plant, batch.id, {"black_mass": "60", "steel": "40", "copper": " "})
    with pytest.raises(Forbidden):
        dismantling.open_batch(world["dealer"], 2)


def test_a_loss_no_line_can_have_needs_confirming(world, client):
    plant = world["plant"]
    pack = make_pack(plant, mass="315")
    batch = dismantling.open_batch(plant, 1)
    dismantling.add_packs(plant, batch.id, [pack.code])
    with pytest.raises(Invalid) as caught:  # 110 kg out of 315: 65 % lost
        dismantling.close_batch(plant, batch.id, {"black_mass": "80", "steel": "30"})
    with force_locale("en"):
        words = str(caught.value.message)
    assert caught.value.field == "outputs" and caught.value.code == "loss_unconfirmed"
    assert "315.00 kg in, 110.00 kg out: a loss of 205.00 kg (65 %)" in words
    assert db.session.get(DismantlingBatch, batch.id).status == "open"
    Auth(client).login(plant.email)  # the page: the message beside the boxes, a box to tick
    url = f"/plant/batches/{batch.id}/close"
    refused = submit(client, url, {"black_mass": "80", "steel": "30"}, page=url[:-6])
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "205.00" in page and 'name="confirm_loss"' in page
    assert 'name="loss_reason"' in page
    weighed = {"black_mass": "80", "steel": "30", "confirm_loss": "1"}
    answer = submit(client, url, {**weighed, "loss_reason": "drained electrolyte, packs wet"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(DismantlingBatch, batch.id).status == "closed"
    other = make_pack(plant, mass="100")
    second = dismantling.open_batch(plant, 2)
    dismantling.add_packs(plant, second.id, [other.code])
    dismantling.close_batch(plant, second.id, {"black_mass": "80"})  # 20 %: plausible
    assert db.session.get(DismantlingBatch, second.id).status == "closed"


def order(codes, **change) -> assembly.BuildOrder:
    data = {
        "parent_codes": tuple(codes),
        "rated_wh": 40000,
        "mass_kg": Decimal("260"),
        "test": assembly.FinalTest(
            Decimal("104"), Decimal("86.5"), Decimal("1.2"), Decimal("332.8"), True
        ),
        "warranty_months": 24,
        "use_case": "storage",
    }
    data.update(change)
    return assembly.BuildOrder(**data)


def test_assembly_links_consumes_tests_grades_prices_and_lists(world):
    plant = world["plant"]
    first = make_pack(plant, PackState.AGING, grade=Grade.B, soh="72", rated_wh=50000)
    second = make_pack(plant, PackState.FINISHED, grade=Grade.A, soh="83", rated_wh=50000)
    built = assembly.build(plant, order([first.code, second.code]))
    built = db.session.get(Pack, built.id)
    assert validate_code(built.code).problem is None and built.code[3] == "P"
    assert built.code.startswith("LLP") and built.code[7:14] == "SL00000"
    assert sorted(p.code for p in built.parents) == sorted([first.code, second.code])
    assert built.refurbished and built.chemistry == "LFP" and built.grade is Grade.A
    assert built.state is PackState.FINISHED and built.warehouse.value == "finished"
    assert built.use_case == "storage" and built.warranty_months == 24
    [test] = db.session.scalars(sa.select(PackTest).where(PackTest.pack_id == built.id))
    assert test.kind == "final" and test.soh_pct == Decimal("86.5") and test.insulation_ok
    index = price_service.current_index()
    expected = pricing.price_second_life(
        pricing.SecondLifePack(
            chemistry="LFP",
            rated_kwh=Decimal(40),
            soh_pct=Decimal("86.5"),
            cycles=800,
            grade="A",
            warranty_months=24,
            mass_kg=Decimal(260),
        ),
        index,
    )
    assert built.price_fen == expected.price_fen and built.price_index_version == index.version
    assert [e.kind for e in built.events] == ["built", "listed"]
    assert sorted(built.events[0].data["parents"]) == sorted([first.code, second.code])
    for parent in (first, second):
        db.session.refresh(parent)
        assert parent.state is PackState.CONSUMED and parent.warehouse is None
        assert events(parent, "consumed")[0].data["into"] == built.code


@pytest.mark.parametrize(
    ("first", "second", "built"), [(None, None, None), (None, 800, None), (800, 1200, 1200)]
)
def test_a_built_pack_counts_its_worst_parents_cycles_and_unknown_stays_unknown(
    world, first, second, built
):
    plant = world["plant"]
    parents = [
        make_pack(plant, PackState.FINISHED, grade=Grade.A, soh="85", rated_wh=50000)
        for _ in range(2)
    ]
    parents[0].cycle_count, parents[1].cycle_count = first, second
    db.session.commit()
    made = assembly.build(plant, order([p.code for p in parents]))
    assert db.session.get(Pack, made.id).cycle_count == built
    worn = pricing.SecondLifePack("LFP", 40, "86.5", MAX_CYCLES, "A", 24, Decimal(260))
    most_worn = pricing.price_second_life(worn, price_service.current_index()).price_fen
    if built is None:  # an unknown count is priced as the most worn pack, not as a new one
        assert made.price_fen == most_worn
    else:
        assert made.price_fen > most_worn


@pytest.mark.parametrize(
    "state",
    [PackState.CONSUMED, PackState.SOLD, PackState.DISMANTLED, PackState.RESERVED, PackState.RAW],
)
def test_unusable_parent_refused_by_name_nothing_written(world, state):
    plant = world["plant"]
    good = make_pack(plant, PackState.FINISHED, grade=Grade.A, soh="85")
    bad = make_pack(plant, state, grade=Grade.B, soh="70")
    before = db.session.scalar(sa.select(sa.func.count(Pack.id)))
    with pytest.raises(Conflict) as caught:
        assembly.build(plant, order([good.code, bad.code]))
    assert bad.code in str(caught.value.message)
    with force_locale("zh"):  # the pack's state in words, never its stored value
        words = str(caught.value.message)
        assert labels.label(labels.PACK_STATE, state) in words and state.value not in words
    assert db.session.scalar(sa.select(sa.func.count(Pack.id))) == before
    db.session.refresh(good)
    assert good.state is PackState.FINISHED and not events(good, "consumed")


def test_assembly_refusals(world):
    plant = world["plant"]
    lfp = make_pack(plant, PackState.FINISHED, grade=Grade.A, soh="85")
    ncm = make_pack(plant, PackState.FINISHED, chemistry="NCM523", grade=Grade.A, soh="85")
    no_retest = make_pack(plant, PackState.AGING, grade=Grade.A, soh="85", retest=False)
    scrap = make_pack(plant, PackState.AGING, grade=Grade.S, soh="30")
    with pytest.raises(Invalid) as caught:
        assembly.build(plant, order([lfp.code, ncm.code]))
    assert caught.value.field == "parents"
    with pytest.raises(Conflict):
        assembly.build(plant, order([no_retest.code]))
    with pytest.raises(Conflict):
        assembly.build(plant, order([scrap.code]))
    low = assembly.FinalTest(Decimal("100"), Decimal("35"), None, None, True)
    with pytest.raises(Invalid):  # final test below grade C
        assembly.build(plant, order([lfp.code], test=low))
    with pytest.raises(Invalid):
        assembly.build(plant, order([lfp.code], use_case="boat"))
    with pytest.raises(Forbidden):
        assembly.build(world["dispatcher"], order([lfp.code]))
    db.session.refresh(lfp)
    assert lfp.state is PackState.FINISHED
    assert grading.grade_for(Decimal("60")) is Grade.B
    assert grading.grade_for(Decimal("95"), insulation_ok=False) is Grade.S


def test_assembly_refuses_a_final_test_whose_energy_does_not_add_up(world):
    plant = world["plant"]
    lfp = make_pack(plant, PackState.FINISHED, grade=Grade.A, soh="85")
    slip = assembly.FinalTest(Decimal("104"), Decimal("86.5"), None, Decimal("51.2"), True)
    with pytest.raises(Invalid) as caught:  # 104 Ah × 51.2 V = 5.3 kWh, not 34.6 kWh
        assembly.build(plant, order([lfp.code], test=slip))
    assert caught.value.field == "capacity_ah" and caught.value.code == "energy_mismatch"
    db.session.refresh(lfp)
    assert lfp.state is PackState.FINISHED  # nothing consumed


def _confirmations() -> list[AuditEntry]:
    query = sa.select(AuditEntry).where(AuditEntry.action == "batch.loss_confirmed")
    return list(db.session.scalars(query))


def test_a_confirmed_high_loss_is_kept_with_who_when_and_why_and_audited(world, client):
    """Walk finding: ticking "the weights are right" closed a batch losing 65 % and left no
    trace of who confirmed it or why. The reason is required; it shows on the batch page,
    on the passports of the batch's packs, and in the audit log."""
    plant = world["plant"]
    pack = make_pack(plant, mass="315")
    batch = dismantling.open_batch(plant, 1)
    dismantling.add_packs(plant, batch.id, [pack.code])
    weighed = {"black_mass": "80", "steel": "30"}  # 110 kg out of 315: 65 % lost
    for blank in ("", "   ", "\u200b"):
        with pytest.raises(Invalid) as caught:
            dismantling.close_batch(plant, batch.id, weighed, loss_confirmed=True, reason=blank)
        assert caught.value.field == "loss_reason" and caught.value.code == "loss_unconfirmed"
    with pytest.raises(Invalid) as caught:
        dismantling.close_batch(plant, batch.id, weighed, loss_confirmed=True, reason="x" * 201)
    assert caught.value.field == "loss_reason"
    db.session.expire_all()
    assert db.session.get(DismantlingBatch, batch.id).status == "open"
    assert not _confirmations()
    Auth(client).login(plant.email)
    client.get("/lang/zh_CN")
    url = f"/plant/batches/{batch.id}"
    no_reason = submit(client, f"{url}/close", {**weighed, "confirm_loss": "1"}, page=url)
    page = no_reason.get_data(as_text=True)
    assert no_reason.status_code == 422 and 'id="err-loss_reason"' in page
    assert 'name="confirm_loss" value="1" checked' in page  # the tick kept, the reason asked
    reason = "电池包进水，电解液已排空"
    done = submit(client, f"{url}/close", {**weighed, "confirm_loss": "1", "loss_reason": reason})
    assert done.status_code == 302
    db.session.expire_all()
    closed = db.session.get(DismantlingBatch, batch.id)
    assert closed.status == "closed" and closed.loss_reason == reason
    assert closed.loss_confirmed_by_id == plant.id and closed.loss_confirmed_at is not None
    (entry,) = _confirmations()
    assert (entry.action, entry.actor_id, entry.object_id) == (
        "batch.loss_confirmed",
        plant.id,
        str(batch.id),
    )
    assert entry.details["reason"] == reason and entry.details["output_kg"] == "110.00"
    shown = client.get(url).get_data(as_text=True)
    assert "高损耗已确认" in shown and reason in shown and plant.name in shown
    passport = client.get(f"/packs/{pack.code}").get_data(as_text=True)
    assert reason in passport and plant.name in passport


def test_a_plausible_loss_records_no_confirmation_even_when_ticked(world):
    plant = world["plant"]
    pack = make_pack(plant, mass="100")
    batch = dismantling.open_batch(plant, 2)
    dismantling.add_packs(plant, batch.id, [pack.code])
    dismantling.close_batch(plant, batch.id, {"black_mass": "80"}, loss_confirmed=True)
    closed = db.session.get(DismantlingBatch, batch.id)
    assert closed.status == "closed" and closed.loss_confirmed_at is None
    assert closed.loss_reason == "" and not _confirmations()
