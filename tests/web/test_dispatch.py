"""Optimisation runs in a worker thread, stale runs, plans on the map, atomic publishing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from lithloop import clock
from lithloop.extensions import db
from lithloop.jobs import runner
from lithloop.models import (
    Booking,
    BookingStatus,
    OrgKind,
    Plan,
    PlanRun,
    PlanStatus,
    Role,
    RunStatus,
    Truck,
)
from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import prices as price_service
from lithloop.services.dispatch import publish_preview, publishing, runs
from tests.conftest import api_headers
from tests.factories import make_org, make_park, make_site, make_user
from tests.web.test_bookings import open_day

SITES = [(44.58, 129.61), (44.60, 129.64), (44.35, 129.47), (44.57, 129.39), (45.30, 130.96)]


@pytest.fixture
def day_world(app):
    """A park with two trucks (one for dangerous goods) and five bookings on one day."""
    price_service.ensure_default_index()
    park = make_park(payload_kg=5000, trucks=2)
    first = db.session.scalar(sa.select(Truck).where(Truck.organisation_id == park.id))
    first.hazmat_certified = True
    db.session.commit()
    day = open_day(2)
    ids = []
    for i, (lat, lon) in enumerate(SITES):
        org = make_org(name=f"调度测试网点{i}")
        user = make_user(org)
        site = make_site(org, lat=lat, lon=lon)
        damaged = i == 0
        booking, _ = booking_service.book_pickup(
            user,
            {
                "site_id": site.id,
                "date": day.isoformat(),
                "window": ["08:00", "17:00"],
                "lots": [
                    {
                        "chemistry": "LFP",
                        "form": "pack",
                        "count": 1,
                        "mass_kg": "900",
                        "condition": "damaged" if damaged else "intact",
                        "damage": ["deformed"] if damaged else [],
                        "codes": [],
                    }
                ],
            },
        )
        ids.append(booking.id)
    dispatcher = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER)
    return {"day": day, "bookings": ids, "dispatcher": dispatcher, "park": park}


def book_late(world, name: str, where: tuple[float, float], mass_kg: str):
    """One more intact LFP booking on the world's day, at a new dealer's site."""
    org = make_org(name=name)
    booking, _ = booking_service.book_pickup(
        make_user(org),
        {
            "site_id": make_site(org, lat=where[0], lon=where[1]).id,
            "date": world["day"].isoformat(),
            "window": ["08:00", "17:00"],
            "lots": [
                {
                    "chemistry": "LFP",
                    "form": "pack",
                    "count": 1,
                    "mass_kg": mass_kg,
                    "condition": "intact",
                    "codes": [],
                }
            ],
        },
    )
    return booking


bearer = api_headers


def run_to_end(client, world, seconds=1) -> dict:
    h = bearer(client, world["dispatcher"])
    started = client.post(
        "/api/v1/plans/runs",
        json={"date": world["day"].isoformat(), "time_limit_s": seconds, "mode": "quick"},
        headers=h,
    )
    assert started.status_code == 202, started.json
    assert runner.wait(started.json["id"], timeout=120)
    return client.get(f"/api/v1/plans/runs/{started.json['id']}", headers=h).json


def test_run_in_a_thread_stores_a_plan_accounting_for_every_booking(client, day_world):
    run = run_to_end(client, day_world)
    assert run["status"] == "succeeded", run
    assert run["progress"] and run["plan_id"]
    plan = client.get(
        f"/api/v1/plans/{run['plan_id']}", headers=bearer(client, day_world["dispatcher"])
    ).json
    routed = [s["id"] for r in plan["solution"]["routes"] for s in r["steps"] if s["type"] == "job"]
    left = [u["id"] for u in plan["solution"]["unassigned"]]
    assert sorted(routed + left) == sorted(day_world["bookings"])
    stored = db.session.get(Plan, run["plan_id"])
    hazardous = day_world["bookings"][0]
    for route in stored.routes:
        if any(s.booking_id == hazardous for s in route.stops):
            assert route.truck.hazmat_certified  # the damaged lot rides on the DG truck
    assert stored.cost_fen == sum(r.cost_fen for r in stored.routes) > 0


def test_second_run_for_the_same_day_is_refused(client, day_world):
    runs.start_run(day_world["dispatcher"], day_world["day"], 5)  # queued, not started
    response = client.post(
        "/api/v1/plans/runs",
        json={"date": day_world["day"].isoformat()},
        headers=bearer(client, day_world["dispatcher"]),
    )
    assert response.status_code == 409 and "#" in response.json["message"]


def test_a_killed_worker_leaves_a_failed_run_and_no_plan(client, day_world):
    run = runs.start_run(day_world["dispatcher"], day_world["day"], 5)
    run.status = RunStatus.RUNNING
    run.heartbeat_at = clock.now() - timedelta(minutes=5)  # its worker died long ago
    db.session.commit()
    shown = client.get(
        f"/api/v1/plans/runs/{run.id}", headers=bearer(client, day_world["dispatcher"])
    ).json
    assert shown["status"] == "failed" and "heartbeat" in shown["error"]
    assert shown["plan_id"] is None
    assert run_to_end(client, day_world)["status"] == "succeeded"  # a new run works


def test_a_failing_solve_is_recorded_without_a_plan(client, day_world):
    db.session.execute(sa.update(Truck).values(active=False))
    db.session.commit()
    run = run_to_end(client, day_world)
    assert run["status"] == "failed" and "trucks" in run["error"] and run["plan_id"] is None


def test_only_park_planners_start_runs(client, day_world):
    dealer = make_user(make_org())
    response = client.post(
        "/api/v1/plans/runs",
        json={"date": day_world["day"].isoformat()},
        headers=bearer(client, dealer),
    )
    assert response.status_code == 403


def test_publish_schedules_every_booking_with_an_eta(client, day_world):
    plan_id = run_to_end(client, day_world)["plan_id"]
    publishing.publish_plan(day_world["dispatcher"], plan_id, allow_unmanned=True)
    plan = db.session.get(Plan, plan_id)
    routed = {s.booking_id for r in plan.routes for s in r.stops if s.booking_id}
    for booking_id in routed:
        booking = db.session.get(Booking, booking_id)
        assert booking.status is BookingStatus.SCHEDULED
        assert booking.eta_start < booking.eta_end
        assert booking.events[-1].to_status == "scheduled"
    assert plan.status is PlanStatus.PUBLISHED
    # a newer plan for the day supersedes it
    db.session.execute(sa.update(PlanRun).values(status=RunStatus.SUCCEEDED))
    db.session.commit()
    newer = run_to_end(client, day_world)["plan_id"]
    publishing.publish_plan(day_world["dispatcher"], newer, allow_unmanned=True)
    db.session.refresh(plan)
    assert plan.status is PlanStatus.SUPERSEDED


def test_publish_is_all_or_nothing(client, day_world):
    plan_id = run_to_end(client, day_world)["plan_id"]
    plan = db.session.get(Plan, plan_id)
    routed = [s.booking_id for r in plan.routes for s in r.stops if s.booking_id]
    assert len(routed) >= 2
    last = db.session.get(Booking, routed[-1])  # its owner cancels before publishing
    booking_service.change_status(last.created_by, last.id, BookingStatus.CANCELLED, "")
    with pytest.raises(Exception, match=f"#{last.id}"):
        publishing.publish_plan(day_world["dispatcher"], plan_id, allow_unmanned=True)
    db.session.expire_all()
    assert all(db.session.get(Booking, b).status is BookingStatus.REQUESTED for b in routed[:-1])
    assert db.session.get(Plan, plan_id).status is PlanStatus.DRAFT


def test_no_dangerous_goods_truck_leaves_the_damaged_lot_out_with_a_reason(client, day_world):
    db.session.execute(sa.update(Truck).values(hazmat_certified=False))
    db.session.commit()
    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    left = {u.booking_id: u.reason for u in plan.unassigned}
    assert left.get(day_world["bookings"][0]) == "skill_missing"


def test_pages_show_progress_map_and_publish(client, auth, day_world):
    auth.login(day_world["dispatcher"].email)
    index = client.get(f"/dispatch/?date={day_world['day'].isoformat()}")
    assert index.status_code == 200
    assert f'/bookings/{day_world["bookings"][0]}"' in index.get_data(as_text=True)
    # the run form comes before the five bookings (on a phone, five cards); a link leads
    # down to them
    shown = index.get_data(as_text=True)
    form, runs = shown.index('id="run-form"'), shown.index("当天的运行")
    assert form < runs < shown.index('id="day-bookings"')
    assert '<a href="#day-bookings" id="to-bookings">当天的预约 ↓</a>' in shown
    run = run_to_end(client, day_world)
    panel = client.get(
        f"/dispatch/runs/{run['id']}/progress", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "<progress" in panel and 'value="100"' in panel and "hx-trigger" not in panel
    # the run's log in words on the Chinese page; only the engine's notes stay English
    said = panel[panel.index('class="run-log"') :]
    said = said[: said.index("</ul>")]
    assert "个预约" in said and "bookings" not in said and "solver" not in said, said
    page = client.get(f"/dispatch/plans/{run['plan_id']}").get_data(as_text=True)
    plan = db.session.get(Plan, run["plan_id"])
    assert page.count("<polyline") == len(plan.routes)
    assert 'class="boundary prefecture"' in page and "<title>牡丹江</title>" in page
    assert 'class="place city"' in page and 'class="scale-bar"' in page and " km</text>" in page
    stops = sum(1 for r in plan.routes for s in r.stops if s.booking_id or s.order_id)
    marks = page.count('class="stop-mark')
    assert 0 < marks <= stops
    from tests.conftest import submit

    unconfirmed = submit(
        client,
        f"/dispatch/plans/{run['plan_id']}/publish",
        {},
        page=f"/dispatch/plans/{run['plan_id']}/publish",
    )
    assert unconfirmed.headers["Location"].endswith(f"/dispatch/plans/{run['plan_id']}/publish")
    db.session.expire_all()
    assert db.session.get(Plan, run["plan_id"]).status is PlanStatus.DRAFT
    published = submit(
        client,
        f"/dispatch/plans/{run['plan_id']}/publish",
        {"confirmed": "1", "without_driver": "1"},
        page=f"/dispatch/plans/{run['plan_id']}/publish",
    )
    assert published.status_code == 302
    db.session.expire_all()
    assert db.session.get(Plan, run["plan_id"]).status is PlanStatus.PUBLISHED


@pytest.mark.parametrize("path", ["/dispatch/", "/dispatch/roster"])
@pytest.mark.parametrize("typed", ["abc", "9999-12-31", "<b>x</b>"])
def test_a_date_that_is_not_a_day_is_said_beside_the_day_picker(client, auth, path, typed):
    """Walk finding: /dispatch/?date=abc showed the next day to plan without a word, as if
    the day asked were that one. The page says why beside the picker (400)."""
    from lithloop.services.dispatch.day_work import next_day_to_plan

    auth.login(make_user(make_park(), role=Role.DISPATCHER).email)
    client.get("/lang/en")
    page = client.get(path, query_string={"date": typed})
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    said = re.search(r'<p class="error" role="alert" id="date-picker-err">([^<]+)</p>', text)
    quoted = typed.replace("<", "&lt;").replace(">", "&gt;")  # typed, shown as text
    assert said and f"&#34;{quoted}&#34; is not a day: enter a date as YYYY-MM-DD" in said.group(1)
    assert 'aria-describedby="date-picker-err"' in text
    assert f'value="{next_day_to_plan().isoformat()}"' in text  # the day shown instead
    good = client.get(path, query_string={"date": next_day_to_plan().isoformat()})
    assert good.status_code == 200 and "date-picker-err" not in good.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/dispatch/", "/dispatch/roster"])
def test_a_day_the_calendar_lacks_is_told_so_beside_the_day_picker(client, auth, path):
    """Walk finding: 2026-02-30 was told to be typed as YYYY-MM-DD, as it was."""
    auth.login(make_user(make_park(), role=Role.DISPATCHER).email)
    client.get("/lang/en")
    page = client.get(path, query_string={"date": "2026-02-30"})
    said = re.search(r'id="date-picker-err">([^<]+)</p>', page.get_data(as_text=True))
    assert page.status_code == 400 and said, page.get_data(as_text=True)
    assert "There is no 2026-02-30: 2026-02 has days 01 to 28." in said.group(1)
    assert "YYYY-MM-DD" not in said.group(1) and "next day to plan is shown" in said.group(1)


def test_dealers_cannot_open_the_workspace(client, auth):
    auth.login(make_user(make_org()).email)
    assert client.get("/dispatch/").status_code == 403


def test_a_locked_route_is_kept_and_changes_are_listed(client, auth, day_world):
    first = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    publishing.publish_plan(day_world["dispatcher"], first.id, allow_unmanned=True)
    kept = first.routes[0]
    kept_stops = [(s.booking_id, s.arrival) for s in kept.stops]
    publishing.set_route_lock(day_world["dispatcher"], kept.id, True)
    # an urgent booking arrives for the same day
    urgent = book_late(day_world, "加急网点", (44.60, 129.60), "700")
    second = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    same_truck = [r for r in second.routes if r.truck_id == kept.truck_id]
    assert len(same_truck) == 1 and same_truck[0].locked
    assert [(s.booking_id, s.arrival) for s in same_truck[0].stops] == kept_stops
    others = {s.booking_id for r in second.routes if r is not same_truck[0] for s in r.stops}
    assert not others & {b for b, _t in kept_stops if b}  # the kept bookings stay put
    changes = publish_preview.changes_from_published(second)
    assert {
        "booking_id": urgent.id,
        "before": None,
        "after": next(
            r.truck.plate for r in second.routes for s in r.stops if s.booking_id == urgent.id
        ),
    } in changes
    # the API's VROOM JSON shows the plan as stored: the kept route is there, marked locked
    shown = client.get(
        f"/api/v1/plans/{second.id}", headers=bearer(client, day_world["dispatcher"])
    ).json["solution"]
    kept_json = [r for r in shown["routes"] if r["vehicle"] == kept.truck_id]
    assert len(kept_json) == 1 and kept_json[0]["locked"]
    assert [s.get("id") for s in kept_json[0]["steps"]] == [b for b, _t in kept_stops]
    jobs = [s["id"] for r in shown["routes"] for s in r["steps"] if s["type"] == "job"]
    assert sorted(jobs) == sorted(
        s.booking_id for r in second.routes for s in r.stops if s.booking_id
    )
    assert urgent.id in jobs + [u["id"] for u in shown["unassigned"]]
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{second.id}").get_data(as_text=True)
    assert f"#{urgent.id}" in page
    # the change reads as one line of text, with the Chinese colon: "#12：新增到 黑C·…"
    listed = page.split("<h2>相对于已发布计划的变化</h2>")[1].split("</ul>")[0]
    assert '<ul class="rows flow">' in listed
    assert f"#{urgent.id}</a>：新增到 " in listed


def _truck_of(plan, booking_id):
    return next(r.truck_id for r in plan.routes for s in r.stops if s.booking_id == booking_id)


def test_move_a_booking_by_hand_recomputes_the_routes(client, auth, day_world):
    from lithloop.services.dispatch import plan_edit

    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    intact = day_world["bookings"][1]
    source = _truck_of(plan, intact)
    target = next(t for t in db.session.scalars(sa.select(Truck)) if t.id != source)
    plan_edit.move_booking(day_world["dispatcher"], plan.id, intact, target.id, 1)
    db.session.expire_all()
    plan = db.session.get(Plan, plan.id)
    route = next(r for r in plan.routes if r.truck_id == target.id)
    pickups = [s for s in route.stops if s.kind == "pickup"]
    assert pickups[0].booking_id == intact
    assert all(a.departure <= b.arrival for a, b in zip(route.stops, route.stops[1:], strict=False))
    assert plan.cost_fen == sum(r.cost_fen for r in plan.routes)
    routed = sorted(s.booking_id for r in plan.routes for s in r.stops if s.booking_id)
    left = sorted(u.booking_id for u in plan.unassigned)
    assert sorted(routed + left) == sorted(day_world["bookings"])


def test_a_move_that_breaks_a_rule_is_refused_and_changes_nothing(client, auth, day_world):
    from lithloop.services.dispatch import plan_edit
    from lithloop.services.errors import Invalid

    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    damaged = day_world["bookings"][0]
    plain = next(t for t in db.session.scalars(sa.select(Truck)) if not t.hazmat_certified)
    before = {r.truck_id: [s.booking_id for s in r.stops] for r in plan.routes}
    with force_locale("en"), pytest.raises(Invalid, match="dangerous-goods certified") as refused:
        plan_edit.move_booking(day_world["dispatcher"], plan.id, damaged, plain.id, 1)
    with force_locale("en"):
        words = str(refused.value.message)
    site = db.session.get(Booking, damaged).site.name
    assert plain.plate in words and site in words and "skills" not in words  # plain words
    db.session.expire_all()
    plan = db.session.get(Plan, plan.id)
    assert {r.truck_id: [s.booking_id for s in r.stops] for r in plan.routes} == before
    auth.login(day_world["dispatcher"].email)
    from tests.conftest import submit

    response = submit(
        client,
        f"/dispatch/plans/{plan.id}/move",
        {"booking_id": damaged, "truck_id": plain.id, "position": 1},
        page=f"/dispatch/plans/{plan.id}",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    # the page lands on the move form (#move): the reason is there, not at the page's top
    assert 'class="flash error"' not in page
    form = page.split('id="move"')[1].split("</form>")[0]  # chosen as they were
    refused = form.split('id="move-err">')[1].split("</p>")[0]
    assert plain.plate in refused and "stop " not in refused
    assert f'<option value="{damaged}" selected>' in form
    assert f'<option value="{plain.id}" selected>' in form
    assert 'name="position" type="number" min="1" value="1"' in form


@pytest.mark.parametrize("typed", ["-3", "abc", "99999999999999999999", "0", "999"])
def test_a_move_to_a_position_there_is_not_names_the_positions_there_are(
    client, auth, day_world, typed
):
    """A negative position was refused with "between 0 and 2147483647" (the column's
    limit, beside a form asking for a pickup number), a 20-digit one with "digits 0-9"."""
    from tests.conftest import submit

    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    intact = day_world["bookings"][1]
    truck = _truck_of(plan, intact)
    before = {r.truck_id: [s.booking_id for s in r.stops] for r in plan.routes}
    auth.login(day_world["dispatcher"].email)
    response = submit(
        client,
        f"/dispatch/plans/{plan.id}/move",
        {"booking_id": intact, "truck_id": truck, "position": typed},
        page=f"/dispatch/plans/{plan.id}",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    form = page.split('id="move"')[1].split("</form>")[0]
    # beside the position it is about, the field marked, not above the form nor at the top
    field = form.split('<label for="position">')[1]
    refused = field.split('id="position-err">')[1].split("</p>")[0]
    assert re.fullmatch(r"请选择 1 到 \d 之间的位置。", refused), refused
    assert 'aria-invalid="true" aria-describedby="position-err"' in field
    assert 'id="move-err"' not in form and 'class="flash move-refused' not in page
    db.session.expire_all()
    plan = db.session.get(Plan, plan.id)
    assert {r.truck_id: [s.booking_id for s in r.stops] for r in plan.routes} == before


def test_urgent_booking_goes_into_the_published_plan_moving_nothing_else(client, auth, day_world):
    from lithloop.services.dispatch import plan_edit

    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    publishing.publish_plan(day_world["dispatcher"], plan.id, allow_unmanned=True)
    before = {s.booking_id: r.truck_id for r in plan.routes for s in r.stops if s.booking_id}
    urgent = book_late(day_world, "急件网点", (44.59, 129.62), "300")
    auth.login(day_world["dispatcher"].email)
    from tests.conftest import submit

    response = submit(
        client,
        f"/dispatch/plans/{plan.id}/urgent",
        {"booking_id": urgent.id},
        page=f"/dispatch/?date={day_world['day'].isoformat()}",
    )
    assert response.status_code == 302
    draft = db.session.scalar(sa.select(Plan).where(Plan.status == PlanStatus.DRAFT))
    after = {s.booking_id: r.truck_id for r in draft.routes for s in r.stops if s.booking_id}
    assert urgent.id in after
    assert {b: t for b, t in after.items() if b != urgent.id} == before  # nothing else moved
    assert publish_preview.changes_from_published(draft) == [
        {
            "booking_id": urgent.id,
            "before": None,
            "after": next(r.truck.plate for r in draft.routes if r.truck_id == after[urgent.id]),
        }
    ]
    from lithloop.services.errors import Conflict

    with pytest.raises(Conflict) as refused:
        plan_edit.insert_urgent(day_world["dispatcher"], draft.id, urgent.id)
    assert refused.value.code == "not_published"


def test_the_plan_names_the_dangerous_goods_document_as_the_driver_and_manifest_do(
    client, auth, day_world
):
    """The plan's link read "危险货物运输单", the driver's page and the manifest "危险货物运单"
    (two English spellings of one name): one document, one name."""
    plan_id = run_to_end(client, day_world)["plan_id"]
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{plan_id}").get_data(as_text=True)
    links = re.findall(r'href="/routes/\d+/dangerous-goods">([^<]+)</a>', page)
    assert links and set(links) == {"危险货物运单"}, links
    manifest = client.get(re.search(r"/routes/\d+/manifest", page)[0])
    assert "危险货物运单</a>" in manifest.get_data(as_text=True)


def test_plan_map_uses_leaflet_when_a_tile_server_is_configured(app, client, auth, day_world):
    import json
    from html import unescape

    plan_id = run_to_end(client, day_world)["plan_id"]
    auth.login(day_world["dispatcher"].email)
    offline = client.get(f"/dispatch/plans/{plan_id}").get_data(as_text=True)
    assert "<svg" in offline and "leaflet.js" not in offline
    app.config["MAP_TILE_URL"] = "https://tiles.example/{z}/{x}/{y}.png"
    page = client.get(f"/dispatch/plans/{plan_id}").get_data(as_text=True)
    assert "vendor/leaflet/leaflet.js" in page and 'id="plan-map"' in page
    raw = page.split('data-geo="')[1].split('"')[0]
    geo = json.loads(unescape(raw))
    plan = db.session.get(Plan, plan_id)
    assert len(geo["routes"]) == len(plan.routes)
    assert all(
        len(r["points"]) == len(p.stops) for r, p in zip(geo["routes"], plan.routes, strict=True)
    )


def test_a_locked_stop_stays_on_its_truck_in_the_next_run(client, auth, day_world):
    from lithloop.services.dispatch import plan_edit

    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    intact = day_world["bookings"][2]
    stop = next(s for r in plan.routes for s in r.stops if s.booking_id == intact)
    other = next(t for t in db.session.scalars(sa.select(Truck)) if t.id != stop.route.truck_id)
    plan_edit.move_booking(day_world["dispatcher"], plan.id, intact, other.id, 1)  # by hand
    db.session.expire_all()
    plan = db.session.get(Plan, plan.id)
    stop = next(s for r in plan.routes for s in r.stops if s.booking_id == intact)
    assert stop.route.truck_id == other.id
    plan_edit.set_stop_lock(day_world["dispatcher"], stop.id, True)
    db.session.execute(sa.update(PlanRun).values(status=RunStatus.SUCCEEDED))
    db.session.commit()
    again = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    kept = next(s for r in again.routes for s in r.stops if s.booking_id == intact)
    assert kept.route.truck_id == other.id and kept.locked


def _one_small_truck(app) -> None:
    """One 2 t truck for one trip a day, the others off: the world's day cannot take all."""
    trucks = list(db.session.scalars(sa.select(Truck).order_by(Truck.id)))
    for truck in trucks[1:]:
        truck.active = False
    trucks[0].payload_kg = 2000
    db.session.commit()
    app.config["TRUCK_TRIPS_PER_DAY"] = 1


def _two_day_run(client, world) -> dict:
    """A 2 s run over the world's day and the next, waited for; the run as the API shows it."""
    h = bearer(client, world["dispatcher"])
    started = client.post(
        "/api/v1/plans/runs",
        json={
            "date": world["day"].isoformat(),
            "time_limit_s": 2,
            "horizon_days": 2,
            "mode": "quick",
        },
        headers=h,
    )
    assert started.status_code == 202, started.json
    assert runner.wait(started.json["id"], timeout=120)
    return client.get(f"/api/v1/plans/runs/{started.json['id']}", headers=h).json


def test_a_horizon_run_carries_what_does_not_fit_to_the_next_day(app, client, day_world):
    from lithloop.models import BookingDay

    _one_small_truck(app)  # the day's five bookings cannot all fit
    run = _two_day_run(client, day_world)
    assert run["status"] == "succeeded" and len(run["plan_ids"]) == 2
    first, second = (db.session.get(Plan, p) for p in run["plan_ids"])
    assert second.plan_date > first.plan_date
    full = {u.booking_id for u in first.unassigned if u.reason == "day_full"}
    moved = {s.booking_id for r in second.routes for s in r.stops if s.booking_id} & full
    assert full and moved  # carried over and planned the next day
    booking_id = next(iter(moved))
    publishing.publish_plan(day_world["dispatcher"], second.id, allow_unmanned=True)
    booking = db.session.get(Booking, booking_id)
    assert booking.pickup_date == second.plan_date and booking.status is BookingStatus.SCHEDULED
    moves = [e.detail for e in booking.events if e.detail and e.detail["kind"] == "moved"]
    assert moves == [
        {
            "kind": "moved",
            "from": first.plan_date.isoformat(),
            "to": second.plan_date.isoformat(),
            "full": True,
        }
    ]
    old_day = db.session.get(BookingDay, first.plan_date)
    new_day = db.session.get(BookingDay, second.plan_date)
    assert new_day.booked_stops == len(moved) and old_day.booked_stops == 5 - len(moved)
    publishing.publish_plan(
        day_world["dispatcher"], first.id, allow_unmanned=True
    )  # later publish of day one
    db.session.refresh(booking)
    assert booking.status is BookingStatus.SCHEDULED  # not pulled back to requested


@pytest.mark.parametrize("day_one_first", [True, False])
def test_a_booking_is_never_on_two_published_plans_of_different_days(
    app, client, auth, day_world, day_one_first
):
    """A horizon run carries bookings to day two; day one is then planned again with room
    for them. Whichever plan is published second would send a second truck: refused."""
    from lithloop.services.errors import Conflict

    trucks = list(db.session.scalars(sa.select(Truck).order_by(Truck.id)))
    payloads = [t.payload_kg for t in trucks]
    _one_small_truck(app)
    run = _two_day_run(client, day_world)
    second = db.session.get(Plan, run["plan_ids"][1])
    carried = {s.booking_id for r in second.routes for s in r.stops if s.booking_id}
    assert carried
    for truck, payload in zip(trucks, payloads, strict=True):  # room again on day one
        truck.active, truck.payload_kg = True, payload
    db.session.commit()
    app.config["TRUCK_TRIPS_PER_DAY"] = 3
    again = run_to_end(client, day_world, seconds=2)
    day_one = db.session.get(Plan, again["plan_id"])
    assert carried <= {s.booking_id for r in day_one.routes for s in r.stops}
    first, last = (day_one, second) if day_one_first else (second, day_one)
    publishing.publish_plan(day_world["dispatcher"], first.id, allow_unmanned=True)
    dates = {b: db.session.get(Booking, b).pickup_date for b in carried}
    auth.login(day_world["dispatcher"].email)  # the plan page says so before any publish
    from html import unescape

    page = unescape(client.get(f"/dispatch/plans/{last.id}").get_data(as_text=True))
    for booking_id in carried:
        assert f"预约 #{booking_id} 现已在 {first.plan_date.isoformat()} 已发布的计划中" in page
    with pytest.raises(Conflict) as caught:
        publishing.publish_plan(day_world["dispatcher"], last.id, allow_unmanned=True)
    assert caught.value.code == "booking_changed"
    db.session.expire_all()
    assert db.session.get(Plan, last.id).status is PlanStatus.DRAFT  # nothing published
    assert {b: db.session.get(Booking, b).pickup_date for b in carried} == dates


def test_the_lock_forms_ask_for_a_state_so_a_double_submit_stays_locked(client, auth, day_world):
    from lithloop.models import PlanRoute, PlanStop
    from tests.conftest import submit

    plan = db.session.get(Plan, run_to_end(client, day_world)["plan_id"])
    route = plan.routes[0]
    stop = next(s for s in route.stops if s.booking_id)
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{plan.id}").get_data(as_text=True)
    assert 'name="locked" value="1"' in page
    where = f"/dispatch/plans/{plan.id}"
    for _ in range(2):  # the same form sent twice (a double tap)
        assert submit(client, f"/dispatch/routes/{route.id}/lock", {"locked": "1"}, page=where)
        assert submit(client, f"/dispatch/stops/{stop.id}/lock", {"locked": "1"}, page=where)
    db.session.expire_all()
    assert db.session.get(PlanRoute, route.id).locked and db.session.get(PlanStop, stop.id).locked
    submit(client, f"/dispatch/routes/{route.id}/lock", {"locked": "0"}, page=where)
    db.session.expire_all()
    assert not db.session.get(PlanRoute, route.id).locked
    bad = submit(client, f"/dispatch/routes/{route.id}/lock", {"locked": "yes"}, page=where)
    assert bad.status_code == 422


def test_the_workspace_opens_on_the_next_day_with_bookings_never_a_closed_one(
    app, client, auth, day_world
):
    from lithloop.services.booking import capacity
    from lithloop.services.dispatch.day_work import next_day_to_plan

    assert next_day_to_plan() == day_world["day"]  # the first day with requested bookings
    auth.login(day_world["dispatcher"].email)
    page = client.get("/dispatch/").get_data(as_text=True)
    assert day_world["day"].isoformat() in page
    db.session.execute(sa.update(Booking).values(status=BookingStatus.CANCELLED))
    db.session.commit()
    quiet = next_day_to_plan()  # nothing requested: the next open day
    assert quiet > clock.today() and capacity.is_open(quiet)
    closed = [d for d in range(1, 8) if not capacity.is_open(clock.today() + timedelta(days=d))]
    assert closed  # the park closes on some day of any week
    assert (quiet - clock.today()).days not in closed


def test_the_dangerous_goods_document_labels_the_route_number(client, auth, day_world):
    """The document showed "R11" beside a bare "路线" (route): an id with no word for it."""
    plan_id = run_to_end(client, day_world)["plan_id"]
    auth.login(day_world["dispatcher"].email)
    page = client.get(f"/dispatch/plans/{plan_id}").get_data(as_text=True)
    url = re.search(r"/routes/(\d+)/dangerous-goods", page)
    document = client.get(url[0]).get_data(as_text=True)
    # the term of the definition whose value is the route's number (a truck's plate such as
    # 黑CR1234 may hold "R1" too: match the whole value)
    found = re.search(rf"<dt>((?:(?!</dt>).)*)</dt>\s*<dd>R{url[1]}\b", document, re.S)
    assert found, document
    assert "路线编号" in found[1], found[1]
