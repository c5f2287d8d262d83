"""/api/v1/trucks: the trucks page's use cases over the API, with the page's checks (every
refused field named in `errors.json`), its roles, the stale-version refusal and costs in fen."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import (
    AuditEntry,
    OrgKind,
    Plan,
    PlanRoute,
    PlanRun,
    PlanStatus,
    Role,
    RunStatus,
    Truck,
)
from lithloop.services.dispatch import trucks
from tests.conftest import api_headers
from tests.factories import make_org, make_park, make_site, make_user

PATH = "/api/v1/trucks"


@pytest.fixture
def park(app):
    """The park (a depot and two trucks), a driver of the park, a dealer's site and user."""
    park = make_park(payload_kg=5000, trucks=2)
    driver = make_user(park, role=Role.DRIVER)
    dealer = make_org(OrgKind.DEALER_BRANCH)
    dealer_site, dealer_user = make_site(dealer), make_user(dealer, role=Role.DEALER_STAFF)
    db.session.commit()
    depot = db.session.scalar(sa.select(Truck)).depot
    return {
        "org": park,
        "depot": depot,
        "driver": driver,
        "dealer_site": dealer_site,
        "dealer": dealer_user,
    }


def _as(client, park, role: Role) -> dict:
    """Bearer headers of a new user of the park with the role (English answers)."""
    return {**api_headers(client, make_user(park["org"], role=role)), "Accept-Language": "en"}


def _body(park, **changes) -> dict:
    body = {
        "plate": "黑C·12345",
        "model": "9.6 m box 12 t",
        "payload_kg": 12000,
        "pallet_places": 24,
        "hazmat_certified": True,
        "shift_start": "07:00",
        "shift_end": "19:00",
        "max_work_h": 10,
        "fixed_cost_fen": 30000,
        "cost_per_km_fen": 450,
        "cost_per_hour_fen": 6000,
        "driver_id": park["driver"].id,
        "depot_site_id": park["depot"].id,
    }
    body.update(changes)
    return body


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Truck.id)))


def test_a_dispatcher_adds_reads_and_lists_trucks_with_costs_in_fen(client, park):
    auth = _as(client, park, Role.DISPATCHER)
    added = client.post(PATH, json=_body(park, plate="黑c d 1234"), headers=auth)
    assert added.status_code == 201, added.json
    out = added.json
    assert out["plate"] == "黑C·D1234" and out["active"] and out["hazmat_certified"]
    assert (out["fixed_cost_fen"], out["cost_per_km_fen"], out["cost_per_hour_fen"]) == (
        30000,
        450,
        6000,
    )
    assert out["max_work_h"] == "10" and out["shift_end"] == "19:00"
    truck = db.session.get(Truck, out["id"])
    assert truck.cost_per_km_fen == 450 and truck.max_work_s == 36000
    assert out["truck_version"] and out["driver_id"] == park["driver"].id
    assert db.session.scalar(
        sa.select(AuditEntry.action).where(AuditEntry.object_id == str(truck.id))
    ) == ("truck.add")
    one = client.get(f"{PATH}/{truck.id}", headers=auth)
    assert one.status_code == 200 and one.json == out
    first = client.get(f"{PATH}?page_size=2", headers=auth)
    assert first.status_code == 200 and len(first.json) == 2
    paging = json.loads(first.headers["X-Pagination"])
    assert paging["total"] == 3 and paging["next_page"] == 2
    second = client.get(f"{PATH}?page=2&page_size=2", headers=auth)
    assert len(second.json) == 1
    seen = {t["id"] for t in first.json} | {t["id"] for t in second.json}
    assert len(seen) == 3 and truck.id in seen


def test_a_plant_operator_reads_but_does_not_change_and_others_read_nothing(client, park):
    truck = db.session.scalar(sa.select(Truck))
    plant = _as(client, park, Role.PLANT_OPERATOR)
    listed = client.get(PATH, headers=plant)
    one = client.get(f"{PATH}/{truck.id}", headers=plant)
    assert listed.status_code == 200 and one.status_code == 200
    for read in (listed.json[0], one.json):  # as the list page: no costs, no edit version
        assert read["plate"] and read["payload_kg"]
        assert not {"fixed_cost_fen", "cost_per_km_fen", "truck_version"} & set(read)
    refused = client.post(PATH, json=_body(park), headers=plant)
    assert refused.status_code == 403 and "dispatchers" in refused.json["message"]
    version = trucks.truck_version(truck)
    retire = client.post(f"{PATH}/{truck.id}/retire", json={"seen": version}, headers=plant)
    assert retire.status_code == 403
    db.session.refresh(truck)
    assert truck.active and _count() == 2
    for role in (Role.DEALER_STAFF, Role.DRIVER, Role.BUYER, Role.GOVERNMENT):
        org = make_org(OrgKind.DEALER_BRANCH) if role is Role.DEALER_STAFF else park["org"]
        auth = api_headers(client, make_user(org, role=role))
        assert client.get(PATH, headers=auth).status_code == 403, role
        assert client.get(f"{PATH}/{truck.id}", headers=auth).status_code == 403, role
        assert client.post(PATH, json=_body(park), headers=auth).status_code == 403, role
    assert _count() == 2


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("plate", "ABC123", "not a Chinese plate"),
        ("plate", "", "Enter the truck"),
        ("plate", 12345, "text"),
        ("model", "m" * 101, "at most 100"),
        ("model", "\u202e东风天锦", "text-direction"),  # read backwards on every manifest
        ("model", "东风\x07\x1b[31m", "control characters"),
        ("payload_kg", 499, "between"),
        ("payload_kg", 32001, "32,000"),
        ("payload_kg", 1.5, "whole"),
        ("pallet_places", 0, "between"),
        ("pallet_places", 34, "33"),
        ("hazmat_certified", "maybe", "true or false"),
        ("tail_lift", [], "true or false"),
        ("shift_start", "9am", "time"),
        ("shift_end", "06:00", "23:59"),
        ("max_work_h", 40, "between 1 and 16"),
        ("max_work_h", "nan", "number"),
        ("fixed_cost_fen", -1, "0"),
        ("fixed_cost_fen", 10_000_001, "10,000,000"),
        ("cost_per_km_fen", "4.5", "whole"),
        ("cost_per_hour_fen", 10**20, "1,000,000"),
        ("driver_id", "x", "whole"),
        ("depot_site_id", None, "null"),
    ],
)
def test_every_fields_bad_value_is_a_422_naming_it(client, park, field, value, words):
    auth = _as(client, park, Role.DISPATCHER)
    refused = client.post(PATH, json=_body(park, **{field: value}), headers=auth)
    assert refused.status_code == 422, refused.json
    messages = refused.json["errors"]["json"][field]
    assert isinstance(messages, list) and words.lower() in " ".join(messages).lower(), messages
    assert list(refused.json["errors"]["json"]) == [field]
    assert _count() == 2


def test_a_driver_and_depot_outside_the_park_are_named_together(client, park):
    auth = _as(client, park, Role.ADMIN)
    body = _body(park, driver_id=park["dealer"].id, depot_site_id=park["dealer_site"].id)
    refused = client.post(PATH, json=body, headers=auth)
    assert refused.status_code == 422
    assert set(refused.json["errors"]["json"]) == {"driver_id", "depot_site_id"}
    assert refused.json["field"] == "driver_id" and _count() == 2


def test_a_duplicate_plate_is_a_409_naming_the_plate(client, park):
    auth = _as(client, park, Role.DISPATCHER)
    taken = db.session.scalar(sa.select(Truck.plate))
    refused = client.post(PATH, json=_body(park, plate=taken), headers=auth)
    assert refused.status_code == 409
    assert (refused.json["error"], refused.json["field"]) == ("plate_taken", "plate")
    assert taken in refused.json["message"] and _count() == 2
    other = db.session.scalars(sa.select(Truck).where(Truck.plate != taken)).first()
    version = client.get(f"{PATH}/{other.id}", headers=auth).json["truck_version"]
    change = client.post(
        f"{PATH}/{other.id}/change",
        json={**_body(park, plate=taken), "seen": version},
        headers=auth,
    )
    assert change.status_code == 409 and change.json["field"] == "plate"


def test_a_change_needs_the_version_it_was_read_at(client, park):
    auth = _as(client, park, Role.DISPATCHER)
    truck = db.session.scalar(sa.select(Truck))
    read = client.get(f"{PATH}/{truck.id}", headers=auth).json
    body = _body(park, plate=truck.plate, payload_kg=4000, seen=read["truck_version"])
    saved = client.post(f"{PATH}/{truck.id}/change", json=body, headers=auth)
    assert saved.status_code == 200 and saved.json["payload_kg"] == 4000
    assert saved.json["truck_version"] != read["truck_version"]
    again = client.post(
        f"{PATH}/{truck.id}/change", json={**body, "payload_kg": 3000}, headers=auth
    )
    assert again.status_code == 409 and again.json["error"] == "changed_meanwhile"
    db.session.refresh(truck)
    assert truck.payload_kg == 4000
    missing = client.post(f"{PATH}/{truck.id}/change", json=_body(park), headers=auth)
    assert missing.status_code == 422 and "seen" in missing.json["errors"]["json"]
    assert client.post(f"{PATH}/999999/change", json=body, headers=auth).status_code == 404
    assert client.get(f"{PATH}/999999", headers=auth).status_code == 404
    beyond = client.post(f"{PATH}/{2**31}/change", json=body, headers=auth)
    assert beyond.status_code == 404


def _published_plan_with(truck: Truck, user) -> Plan:
    day = clock.today()
    run = PlanRun(plan_date=day, time_limit_s=10, status=RunStatus.SUCCEEDED, created_by_id=user.id)
    plan = Plan(run=run, plan_date=day, status=PlanStatus.PUBLISHED, solution={"routes": []})
    db.session.add(plan)
    db.session.flush()
    db.session.add(
        PlanRoute(plan_id=plan.id, truck_id=truck.id, distance_m=1, duration_s=1, cost_fen=1)
    )
    db.session.commit()
    return plan


def test_retiring_is_refused_on_a_published_plan_then_done_and_undone(client, park):
    dispatcher = make_user(park["org"], role=Role.DISPATCHER)
    auth = {**api_headers(client, dispatcher), "Accept-Language": "en"}
    truck = db.session.scalar(sa.select(Truck))
    plan = _published_plan_with(truck, dispatcher)
    version = client.get(f"{PATH}/{truck.id}", headers=auth).json["truck_version"]
    refused = client.post(f"{PATH}/{truck.id}/retire", json={"seen": version}, headers=auth)
    assert refused.status_code == 409 and refused.json["error"] == "truck_in_plan"
    assert f"#{plan.id} {plan.plan_date.isoformat()}" in refused.json["message"]
    plan.status = PlanStatus.SUPERSEDED
    db.session.commit()
    retired = client.post(f"{PATH}/{truck.id}/retire", json={"seen": version}, headers=auth)
    assert retired.status_code == 200 and retired.json["active"] is False
    stale = client.post(f"{PATH}/{truck.id}/reactivate", json={"seen": version}, headers=auth)
    assert stale.status_code == 409 and stale.json["error"] == "changed_meanwhile"
    back = client.post(
        f"{PATH}/{truck.id}/reactivate",
        json={"seen": retired.json["truck_version"]},
        headers=auth,
    )
    assert back.status_code == 200 and back.json["active"] is True
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.object_type == "truck")
    ).all()
    assert actions == ["truck.retire", "truck.reactivate"]


@pytest.mark.parametrize("action", ["retire", "change"])
def test_a_blank_seen_is_a_422_naming_it_not_a_colleagues_change(client, park, action):
    auth = _as(client, park, Role.DISPATCHER)
    truck = db.session.scalars(sa.select(Truck)).first()
    body = {**_body(park), "seen": ""} if action == "change" else {"seen": ""}
    refused = client.post(f"{PATH}/{truck.id}/{action}", json=body, headers=auth)
    assert refused.status_code == 422 and list(refused.json["errors"]["json"]) == ["seen"]


def test_the_refusals_are_in_chinese_for_a_chinese_reader(client, park):
    auth = {**_as(client, park, Role.DISPATCHER), "Accept-Language": "zh-CN"}
    refused = client.post(PATH, json=_body(park, payload_kg=1), headers=auth)
    assert refused.status_code == 422
    assert any("\u4e00" <= c <= "\u9fff" for c in refused.json["errors"]["json"]["payload_kg"][0])
    plant = {**_as(client, park, Role.PLANT_OPERATOR), "Accept-Language": "zh-CN"}
    forbidden = client.post(PATH, json=_body(park), headers=plant)
    assert any("\u4e00" <= c <= "\u9fff" for c in forbidden.json["message"])
