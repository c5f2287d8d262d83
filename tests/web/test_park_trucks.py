# ruff: noqa: F811  (tests take the imported day_world fixture as an argument)
"""The park's trucks page: list, add, edit, retire and re-activate, each refusal beside its
field; a truck added there is planned by the next run."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import AuditEntry, OrgKind, Plan, PlanStatus, Role, Truck
from lithloop.services.dispatch import trucks
from lithloop.vocab.plates import canonical_plate
from tests.conftest import submit
from tests.factories import make_org, make_park, make_site, make_user, make_user_as
from tests.web.test_dispatch import day_world, run_to_end  # noqa: F401 (the fixture)


@pytest.fixture
def park(app):
    """The park (a depot and two trucks), a driver of the park, and a dealer's site."""
    park = make_park(payload_kg=5000, trucks=2)
    driver = make_user(park, role=Role.DRIVER)
    driver.name = "driver one"
    dealer_site = make_site(make_org(OrgKind.DEALER_BRANCH))
    db.session.commit()
    depot = db.session.scalar(sa.select(Truck)).depot
    return {"org": park, "depot": depot, "driver": driver, "dealer_site": dealer_site}


def _form(park, **changes) -> dict:
    form = {
        "plate": "黑C·12345",
        "model": "9.6 m box 12 t",
        "payload_kg": "12000",
        "pallet_places": "24",
        "hazmat_certified": "1",
        "shift_start": "07:00",
        "shift_end": "19:00",
        "max_work_h": "10",
        "fixed_cost": "300",
        "cost_per_km": "4.50",
        "cost_per_hour": "60",
        "driver_id": str(park["driver"].id),
        "depot_site_id": str(park["depot"].id),
    }
    form.update(changes)
    return form


def _error_beside(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-err">([^<]*)<', page)
    assert found, f"no error beside {field}"
    return found.group(1)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_dispatcher_lists_the_trucks_and_adds_one(client, login_as, park, lang):
    login_as(Role.DISPATCHER)
    client.get(f"/lang/{lang}")
    listed = client.get("/dispatch/trucks")
    assert listed.status_code == 200
    page = listed.get_data(as_text=True)
    assert 'class="cards"' in page and page.count('id="truck-') == 2
    assert {"en": "The park’s trucks", "zh": "产业园车辆"}[lang] in page
    form = client.get("/dispatch/trucks/new").get_data(as_text=True)
    assert '<span class="nowrap">黑C·12345</span>' in form  # the example plate never breaks
    added = submit(client, "/dispatch/trucks/new", _form(park, plate="黑c d 1234"))
    assert added.status_code == 302, added.get_data(as_text=True)
    truck = db.session.scalar(sa.select(Truck).where(Truck.plate == "黑C·D1234"))
    assert truck.active and truck.payload_kg == 12000 and truck.hazmat_certified
    assert not truck.tail_lift and truck.driver_id == park["driver"].id
    assert (truck.fixed_cost_fen, truck.cost_per_km_fen, truck.cost_per_hour_fen) == (
        30000,
        450,
        6000,
    )
    assert truck.max_work_s == 36000 and truck.organisation_id == park["depot"].organisation_id
    assert (
        db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.object_id == str(truck.id)))
        == "truck.add"
    )
    assert "黑C·D1234" in client.get("/dispatch/trucks").get_data(as_text=True)


def test_the_index_links_the_trucks_page(client, login_as, park):
    login_as(Role.DISPATCHER)
    client.get("/lang/en")
    assert "/dispatch/trucks" in client.get("/dispatch/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("plate", "ABC123", "not a Chinese plate"),
        ("plate", "", "Enter the truck"),
        ("payload_kg", "0", "between"),
        ("payload_kg", "90000", "at most 32,000"),
        ("pallet_places", "-2", "between"),
        ("shift_end", "06:00", "23:59"),
        ("shift_start", "9am", "HH:MM"),
        ("max_work_h", "40", "between 1 and 16"),
        ("cost_per_km", "1e3", "digits"),
        ("fixed_cost", "-5", "0 or more"),
    ],
)
def test_a_refused_field_is_named_beside_it(client, login_as, park, field, value, words):
    login_as(Role.DISPATCHER)
    client.get("/lang/en")
    refused = submit(client, "/dispatch/trucks/new", _form(park, **{field: value}))
    assert refused.status_code == 422
    assert words in _error_beside(refused.get_data(as_text=True), field)
    assert db.session.scalar(sa.select(sa.func.count(Truck.id))) == 2


def test_a_driver_and_depot_outside_the_park_are_refused(client, login_as, park):
    login_as(Role.DISPATCHER)
    client.get("/lang/en")
    dealer = make_user_as(Role.DEALER_STAFF)
    form = _form(park, driver_id=str(dealer.id), depot_site_id=str(park["dealer_site"].id))
    page = submit(client, "/dispatch/trucks/new", form).get_data(as_text=True)
    assert "driver" in _error_beside(page, "driver_id")
    assert "depot" in _error_beside(page, "depot_site_id")


def test_a_duplicate_plate_is_refused_beside_the_plate(client, login_as, park):
    login_as(Role.DISPATCHER)
    client.get("/lang/en")
    taken = db.session.scalar(sa.select(Truck.plate))
    refused = submit(client, "/dispatch/trucks/new", _form(park, plate=taken))
    assert refused.status_code == 409
    assert taken in _error_beside(refused.get_data(as_text=True), "plate")


def _version(page: str) -> str:
    return re.search(r'name="version" value="([0-9a-f]+)"', page).group(1)


def test_an_edit_is_saved_and_audited(client, login_as, park):
    login_as(Role.ADMIN)
    client.get("/lang/en")
    truck = db.session.scalar(sa.select(Truck))
    page = client.get(f"/dispatch/trucks/{truck.id}").get_data(as_text=True)
    form = _form(park, plate=truck.plate, payload_kg="4500", version=_version(page))
    saved = submit(client, f"/dispatch/trucks/{truck.id}", form)
    assert saved.status_code == 302
    db.session.refresh(truck)
    assert truck.payload_kg == 4500
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "truck.change"))
    assert entry.details["changed"]["payload_kg"] == "4500"


def test_the_second_of_two_tabs_saving_is_refused(client, login_as, park):
    login_as(Role.DISPATCHER)
    client.get("/lang/en")
    truck = db.session.scalar(sa.select(Truck))
    seen = _version(client.get(f"/dispatch/trucks/{truck.id}").get_data(as_text=True))
    first = _form(park, plate=truck.plate, payload_kg="4000", version=seen)
    assert submit(client, f"/dispatch/trucks/{truck.id}", first).status_code == 302
    second = _form(park, plate=truck.plate, payload_kg="3000", version=seen)
    refused = submit(client, f"/dispatch/trucks/{truck.id}", second)
    assert refused.status_code == 409
    assert "while you were editing" in refused.get_data(as_text=True)
    db.session.refresh(truck)
    assert truck.payload_kg == 4000


def test_a_truck_is_retired_and_put_back_after_confirmation(client, login_as, park):
    login_as(Role.DISPATCHER)
    client.get("/lang/en")
    truck = db.session.scalar(sa.select(Truck))
    asked = client.get(f"/dispatch/trucks/{truck.id}/active").get_data(as_text=True)
    retired = submit(
        client, f"/dispatch/trucks/{truck.id}/active", {"active": "0", "version": _version(asked)}
    )
    assert retired.status_code == 302
    db.session.refresh(truck)
    assert not truck.active and truck not in trucks.park_trucks()[:1]
    asked = client.get(f"/dispatch/trucks/{truck.id}/active").get_data(as_text=True)
    back = submit(
        client, f"/dispatch/trucks/{truck.id}/active", {"active": "1", "version": _version(asked)}
    )
    assert back.status_code == 302
    db.session.refresh(truck)
    assert truck.active
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.object_type == "truck")
    ).all()
    assert actions == ["truck.retire", "truck.reactivate"]


def test_a_new_truck_is_planned_and_a_truck_in_a_published_plan_is_not_retired(client, day_world):
    """The world's two trucks retired, a truck added through the page drives the day's
    run; published, it cannot be retired and the refusal names the plan."""
    dispatcher = day_world["dispatcher"]
    old = db.session.scalars(sa.select(Truck)).all()
    for truck in old:
        trucks.set_active(dispatcher, truck.id, False, trucks.truck_version(truck))
    from tests.conftest import Auth

    Auth(client).login(dispatcher.email)
    client.get("/lang/en")
    depot = old[0].depot
    form = {
        "plate": "黑C·N0001",
        "payload_kg": "12000",
        "pallet_places": "24",
        "hazmat_certified": "1",
        "shift_start": "06:00",
        "shift_end": "20:00",
        "max_work_h": "12",
        "cost_per_km": "4",
        "depot_site_id": str(depot.id),
    }
    assert submit(client, "/dispatch/trucks/new", form).status_code == 302
    new = db.session.scalar(sa.select(Truck).where(Truck.plate == "黑C·N0001"))
    run = run_to_end(client, day_world)
    assert run["status"] == "succeeded", run
    plan = db.session.get(Plan, run["plan_id"])
    assert plan.routes and {r.truck_id for r in plan.routes} == {new.id}
    plan.status = PlanStatus.PUBLISHED
    db.session.commit()
    asked = client.get(f"/dispatch/trucks/{new.id}/active").get_data(as_text=True)
    assert f"#{plan.id}" in asked and 'name="active"' not in asked
    refused = submit(
        client, f"/dispatch/trucks/{new.id}/active", {"active": "0", "version": _version_of(new)}
    )
    assert refused.status_code == 409 and f"#{plan.id}" in refused.get_data(as_text=True)
    db.session.refresh(new)
    assert new.active


def _version_of(truck) -> str:
    return trucks.truck_version(truck)


def test_plates_are_read_as_people_type_them():
    assert canonical_plate("黑Ｃ－Ｄ１２３４５") == "黑C·D12345"
    assert canonical_plate("黑C·O1234") is None  # O is no plate letter
    assert canonical_plate("XC·12345") is None


def test_the_audit_log_names_truck_changes_in_words(client, login_as, park):
    login_as(Role.ADMIN)
    client.get("/lang/en")
    assert submit(client, "/dispatch/trucks/new", _form(park)).status_code == 302
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Truck added" in page and "黑C·12345" in page


def test_a_draft_driven_by_a_truck_retired_since_is_not_published(client, day_world):
    from lithloop.services.dispatch import publishing
    from lithloop.services.errors import Conflict

    dispatcher = day_world["dispatcher"]
    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    truck = plan.routes[0].truck
    trucks.set_active(dispatcher, truck.id, False, trucks.truck_version(truck))
    with pytest.raises(Conflict) as refused:
        publishing.publish_plan(dispatcher, plan.id, allow_unmanned=True)
    assert refused.value.code == "truck_retired" and truck.plate in str(refused.value.message)
    db.session.refresh(plan)
    assert plan.status is PlanStatus.DRAFT


def test_a_draft_driven_by_a_truck_retired_since_warns_on_its_page(client, day_world):
    """The draft's page names the retired truck before anyone presses publish, and offers
    planning the day again instead of a publish that can only fail; so does the
    confirmation page."""
    from tests.conftest import Auth

    dispatcher = day_world["dispatcher"]
    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    truck = plan.routes[0].truck
    Auth(client).login(dispatcher.email)
    page = client.get(f"/dispatch/plans/{plan.id}").get_data(as_text=True)
    assert 'id="plan-changed"' not in page  # not retired yet: publishing offered
    trucks.set_active(dispatcher, truck.id, False, trucks.truck_version(truck))
    page = client.get(f"/dispatch/plans/{plan.id}").get_data(as_text=True)
    section = page.split('id="publishing"')[1].split("</section>")[0]
    warning = section.split('id="plan-changed"')[1].split("</div>")[0]
    assert f"{truck.plate} 在本计划生成后已停用" in warning, warning
    assert f"/dispatch/plans/{plan.id}/publish" not in section and 'id="replan-form"' in section
    confirm = client.get(f"/dispatch/plans/{plan.id}/publish").get_data(as_text=True)
    assert truck.plate in confirm.split('id="changed-bookings"')[1].split("</div>")[0]
    client.get("/lang/en")
    english = client.get(f"/dispatch/plans/{plan.id}").get_data(as_text=True)
    assert f"{truck.plate} was retired after this plan was made" in english


def test_the_form_s_inputs_carry_their_attributes_unescaped(client, login_as, park):
    """The field macro printed its attributes escaped (autocomplete=&#34;off&#34;): no
    maxlength, no numeric keyboard on a phone, and axe refused the plate's autocomplete."""
    login_as(Role.DISPATCHER)
    form = client.get("/dispatch/trucks/new").get_data(as_text=True)
    assert "&#34;" not in form
    plate = re.search(r'<input id="plate"[^>]*>', form).group(0)
    assert 'autocomplete="off"' in plate and 'maxlength="20"' in plate
    payload = re.search(r'<input id="payload_kg"[^>]*>', form).group(0)
    assert 'inputmode="numeric"' in payload
    assert 'inputmode="decimal"' in re.search(r'<input id="cost_per_km"[^>]*>', form).group(0)
