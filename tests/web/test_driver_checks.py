"""A pickup checked against its booking, and a confirmation from a phone that was offline.

Booking 1 of the world books 2,700 kg and lists two pack codes (tests/web/test_documents.py).
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import BookingStatus, IdempotencyKey, PlanStop
from tests import worlds
from tests.conftest import csrf_token
from tests.route_world import code
from tests.web.test_driver import events, fresh, stops

JSON = {"Accept": "application/json"}


world = worlds.published_route  # of `driver`, three pickups over two trips


def send(client, stop: PlanStop, action: str, data: dict, key: str | None = None):
    """Post as the page's script does: JSON answer, the key in the Idempotency-Key header."""
    headers = dict(JSON, **({"Idempotency-Key": key} if key else {}))
    token = csrf_token(client, "/driver/")
    return client.post(
        f"/driver/stops/{stop.id}/{action}", data=dict(data, csrf_token=token), headers=headers
    )


def expected(stop: PlanStop) -> list[str]:
    return [c for lot in stop.booking.lots for c in lot.codes]


def test_a_queued_confirmation_sent_twice_is_recorded_once(client, auth, world):
    auth.login(world["driver"].email)
    client.get("/lang/en")
    stop = stops(world)[0]
    data = {"mass_kg": "2700", "codes": "\n".join(expected(stop))}
    first = send(client, stop, "pickup", data, key="phone-1f3a")
    assert first.status_code == 200 and first.json["ok"] and not first.json["replayed"]
    again = send(client, stop, "pickup", data, key="phone-1f3a")  # the answer was lost
    assert again.status_code == 200 and again.json["replayed"] is True
    picked = [e for e in events(stop.booking_id) if e.to_status == "picked_up"]
    assert len(picked) == 1 and fresh(stop.booking).status is BookingStatus.PICKED_UP
    held = db.session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.key == "phone-1f3a"))
    assert held.scope == "driver:pickup" and held.resource_id == stop.id
    # the same key with another body is refused, and without a key a repeat is a conflict
    other = send(client, stop, "pickup", dict(data, mass_kg="2600"), key="phone-1f3a")
    assert other.status_code == 422 and other.json["error"] == "idempotency_key_reused"
    plain = send(client, stop, "pickup", data)
    assert plain.status_code == 409 and "already recorded" in plain.json["message"]


def test_a_refused_confirmation_keeps_its_key_free_for_the_corrected_one(client, auth, world):
    auth.login(world["driver"].email)
    client.get("/lang/en")
    stop = stops(world)[0]
    refused = send(client, stop, "pickup", {"mass_kg": "abc"}, key="k-2")
    assert refused.status_code == 422 and refused.json["field"] == "mass_kg"
    assert db.session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.key == "k-2")) is None
    fixed = send(
        client, stop, "pickup", {"mass_kg": "2700", "codes": "\n".join(expected(stop))}, "k-2"
    )
    assert fixed.status_code == 200 and fresh(stop.booking).status is BookingStatus.PICKED_UP


def test_a_mass_beyond_the_tolerance_needs_a_note(app, client, auth, world):
    auth.login(world["driver"].email)
    client.get("/lang/en")
    stop = stops(world)[0]
    codes = "\n".join(expected(stop))
    within = {"mass_kg": "2900", "codes": codes}  # +7.4 %: inside 10 %
    over = {"mass_kg": "3300", "codes": codes}  # +22.2 %
    refused = send(client, stop, "pickup", over)
    assert refused.status_code == 422 and refused.json["field"] == "note"
    assert "+22.2 %" in refused.json["message"] and "2,700 kg" in refused.json["message"]
    assert fresh(stop.booking).status is BookingStatus.SCHEDULED
    app.config["PICKUP_MASS_TOLERANCE_PCT"] = 5
    assert send(client, stop, "pickup", within).status_code == 422  # tighter: now beyond
    app.config["PICKUP_MASS_TOLERANCE_PCT"] = 10
    accepted = send(client, stop, "pickup", dict(over, note="整车另加两个旧模组"))
    assert accepted.status_code == 200
    picked = [e for e in events(stop.booking_id) if e.to_status == "picked_up"][0]
    assert picked.detail["mass_off_pct"] == "+22.2" and picked.note == "整车另加两个旧模组"


def test_missing_and_unexpected_codes_are_named_and_need_a_note(client, auth, world):
    auth.login(world["driver"].email)
    client.get("/lang/en")
    stop = stops(world)[0]
    first, second = expected(stop)
    stranger = code()
    refused = send(client, stop, "pickup", {"mass_kg": "2700", "codes": f"{first}\n{stranger}"})
    assert refused.status_code == 422 and refused.json["field"] == "note"
    message = refused.json["message"]
    assert f"1 expected code not loaded: {second}" in message
    assert f"1 code not on the booking: {stranger}" in message
    page = client.post(  # without the script: the page names them beside the note
        f"/driver/stops/{stop.id}/pickup",
        data={"mass_kg": "2700", "codes": first, "csrf_token": csrf_token(client, "/driver/")},
    )
    assert page.status_code == 422 and second in page.get_data(as_text=True)
    assert fresh(stop).done_at is None
    ok = send(client, stop, "pickup", {"mass_kg": "2700", "codes": first, "note": "一包已提前送厂"})
    assert ok.status_code == 200
    assert fresh(stop).picked_codes == [first]


def test_the_new_exception_reasons_and_those_that_need_a_note(client, auth, world):
    auth.login(world["driver"].email)
    client.get("/lang/en")
    stop = stops(world)[1]
    page = client.get("/driver/").get_data(as_text=True)
    for reason in ("closed", "nobody_there", "access_blocked", "breakdown"):
        assert f'<option value="{reason}">' in page
    # the page asks for a note itself (before sending or queueing) where the server would
    for reason in ("leaking_unsafe", "not_as_described"):
        assert f'<option value="{reason}" data-note-needed>' in page
    unsafe = send(client, stop, "exception", {"reason": "leaking_unsafe", "note": ""})
    assert unsafe.status_code == 422 and unsafe.json["field"] == "note"
    assert send(client, stop, "exception", {"reason": "bogus"}).status_code == 422
    done = send(client, stop, "exception", {"reason": "nobody_there", "note": ""})
    assert done.status_code == 200
    assert events(stop.booking_id)[-1].note.startswith("exception: nobody_there")


def test_the_page_opens_the_current_stop_and_says_where_a_message_belongs(client, auth, world):
    auth.login(world["driver"].email)
    client.get("/lang/en")
    first, second = stops(world)[:2]
    page = client.get("/driver/").get_data(as_text=True)
    assert f'id="stop-{first.id}" data-stop="{first.id}" open' in page
    assert f'id="stop-{second.id}" data-stop="{second.id}">' in page  # folded
    assert 'class="route-map"' in page and 'class="boundary' in page  # the route, folded too
    send(client, first, "exception", {"reason": "closed"})
    after = client.get(f"/driver/?done={first.id}&said=exception").get_data(as_text=True)
    assert f'id="stop-{second.id}" data-stop="{second.id}" open' in after
    mine = after.split(f'id="msg-{first.id}"')[1].split("</div>")[0]
    assert "Exception reported to the dispatchers." in mine
    assert "No route for you today" not in after


def test_the_service_worker_keeps_the_page_and_the_scanner(client, auth, world):
    worker = client.get("/driver/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    body = worker.get_data(as_text=True)
    assert '"/driver/"' in body and "/static/vendor/zxing/zxing.min.js" in body
    for asset in ("/static/js/driver.js", "/static/vendor/zxing/zxing.min.js"):
        assert client.get(asset).status_code == 200


def test_the_service_workers_cache_changes_with_the_files_it_keeps(client, tmp_path):
    """The worker serves its kept files from its cache first: under one fixed cache name a
    phone kept an old driver.js for good. The name follows the files' contents."""
    from lithloop.web.driver import KEPT_ASSETS, assets_version

    for name in KEPT_ASSETS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("one", encoding="utf-8")
    before = assets_version(str(tmp_path))
    assert assets_version(str(tmp_path)) == before  # the same files, the same cache
    (tmp_path / "js/driver.js").write_text("two", encoding="utf-8")
    assert assets_version(str(tmp_path)) != before
    body = client.get("/driver/sw.js").get_data(as_text=True)
    name = re.search(r'const CACHE = "lithloop-driver-" \+ "(\w+)";', body)
    assert name and name.group(1) == assets_version(client.application.static_folder)


def test_a_key_replayed_under_another_drivers_login_is_refused(client, auth, world):
    """A phone passed on: the first driver's confirmation, sent again under the second
    driver's login with its key, is refused (403) and records nothing more."""
    stop = stops(world)[0]
    auth.login(world["driver"].email)
    client.get("/lang/en")
    first = send(client, stop, "arrive", {}, key="phone-of-a-1")
    assert first.status_code == 200 and first.json["ok"]
    held = db.session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.key == "phone-of-a-1"))
    assert held.user_id == world["driver"].id
    auth.logout()
    auth.login(world["other_driver"].email)
    client.get("/lang/en")
    replayed = send(client, stop, "arrive", {}, key="phone-of-a-1")
    assert replayed.status_code == 403, replayed.json
    assert replayed.json["error"] == "idempotency_key_other_user"
    assert "queued by another person" in replayed.json["message"]
    arrivals = [e for e in events(stop.booking_id) if e.note.startswith("arrived:")]
    assert len(arrivals) == 1 and arrivals[0].by_user_id == world["driver"].id
    auth.logout()
    auth.login(world["driver"].email)  # its owner still gets the first answer
    again = send(client, stop, "arrive", {}, key="phone-of-a-1")
    assert again.status_code == 200 and again.json["replayed"] is True
