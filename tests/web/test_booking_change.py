"""Changing a booking's pickup day on its page and through the API: the owner's form with
each refusal beside its field (Chinese first, English second), a GET that writes nothing,
POST /api/v1/bookings/{id}/reschedule with 422 naming the field and 409 for its state."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Booking, BookingEvent, BookingStatus, OrgKind, Role
from lithloop.services.booking import bookings as booking_service
from tests import worlds
from tests.conftest import api_headers, submit
from tests.factories import make_org, make_user
from tests.route_world import lot, open_day
from tests.sent_sql import is_write, sent_statements

world = worlds.dealer_at_site


def _book(world) -> int:
    raw = {
        "site_id": world["site"].id,
        "date": open_day(2).isoformat(),
        "window": ["09:00", "11:00"],
        "lots": [lot(mass="600")],
        "note": "门口左转",
    }
    return booking_service.book_pickup(world["dealer"], raw)[0].id


def _events(booking_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(BookingEvent.id)).where(BookingEvent.booking_id == booking_id)
    )


def _form(day=None, slot="13:00-15:00", note="门口左转") -> dict:
    return {"date": (day or open_day(3)).isoformat(), "slot": slot, "note": note}


@pytest.fixture
def statements(app):
    """The SQL statements sent while the test runs."""
    with sent_statements(app) as sent:
        yield sent


def test_the_owner_sees_the_form_with_the_booking_as_it_is_and_a_get_writes_nothing(
    client, auth, world, statements
):
    booking_id = _book(world)
    auth.login(world["dealer"].email)
    statements.clear()
    page = client.get(f"/bookings/{booking_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="change-pickup"' in html
    assert not [s for s in statements if is_write(s)], statements
    assert "更改取货日期" in html and "确认更改" in html and "Change the pickup" not in html
    assert re.search(rf'<option value="{open_day(2).isoformat()}"[^>]* selected>', html)
    assert re.search(r'<option value="09:00-11:00" selected>', html)
    assert 'name="note" maxlength="500" value="门口左转"' in html
    client.get("/lang/en")
    english = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    assert "Change the pickup day" in english and "更改取货日期" not in english


def test_the_park_and_a_scheduled_booking_get_no_form(client, auth, world):
    booking_id = _book(world)
    dispatcher = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER)
    auth.login(dispatcher.email)
    assert 'id="change-pickup"' not in client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    assert submit(client, f"/bookings/{booking_id}/change", _form()).status_code == 403
    booking_service.change_status(dispatcher, booking_id, BookingStatus.SCHEDULED)
    auth.login(world["dealer"].email)
    assert 'id="change-pickup"' not in client.get(f"/bookings/{booking_id}").get_data(as_text=True)


def test_a_refused_change_says_why_beside_each_field_and_keeps_what_was_typed(client, auth, world):
    booking_id = _book(world)
    auth.login(world["dealer"].email)
    page = submit(
        client,
        f"/bookings/{booking_id}/change",
        _form(slot="09:00-09:30", note="a\u202eb"),
        page=f"/bookings/{booking_id}",
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    window = re.search(r'id="change-slot-err">([^<]*)<', html)
    note = re.search(r'id="change-note-err">([^<]*)<', html)
    assert window and "一小时" in unescape(window.group(1)), html
    assert note and note.group(1)  # every field's problem at once
    assert 'aria-describedby="change-slot-err"' in html
    assert re.search(rf'<option value="{open_day(3).isoformat()}"[^>]* selected>', html)
    assert _events(booking_id) == 1
    assert db.session.get(Booking, booking_id).pickup_date == open_day(2)


def test_a_full_day_is_refused_beside_the_day(client, auth, world):
    from lithloop.models import BookingDay
    from lithloop.services.booking import capacity

    booking_id = _book(world)
    room = capacity.calendar(open_day(4), open_day(4))[0].capacity_kg
    db.session.add(BookingDay(day=open_day(4), booked_kg=room, booked_stops=1))
    db.session.commit()
    auth.login(world["dealer"].email)
    page = submit(
        client, f"/bookings/{booking_id}/change", _form(day=open_day(4)), page="/bookings/"
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 409
    said = re.search(r'id="change-date-err">([^<]*)<', html)
    assert said and "已约满" in unescape(said.group(1)), html


def test_a_change_keeps_the_number_and_shows_in_the_history(client, auth, world):
    booking_id = _book(world)
    auth.login(world["dealer"].email)
    done = submit(client, f"/bookings/{booking_id}/change", _form(), page=f"/bookings/{booking_id}")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/bookings/{booking_id}")
    html = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    said = re.sub(r"<[^>]+>", "", html)  # the notice keeps the day whole in a span
    assert f"取货时间已更改：{open_day(3).isoformat()}，13:00–15:00。" in said
    assert f"改为 {open_day(3).isoformat()} 13:00–15:00" in html  # the history's entry
    assert _events(booking_id) == 2


def test_a_cancelled_booking_is_not_changed_and_the_page_names_its_state(client, auth, world):
    booking_id = _book(world)
    auth.login(world["dealer"].email)
    booking_service.change_status(world["dealer"], booking_id, BookingStatus.CANCELLED, "")
    done = submit(client, f"/bookings/{booking_id}/change", _form(), page="/bookings/")
    assert done.status_code == 302
    html = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    assert "已取消，已不能更改" in html and _events(booking_id) == 2


def test_the_api_changes_a_booking_and_answers_422_and_409(client, world):
    booking_id = _book(world)
    h = api_headers(client, world["dealer"])
    url = f"/api/v1/bookings/{booking_id}/reschedule"
    wrong = client.post(
        url, json={"date": open_day(3).isoformat(), "window": ["07:00", "08:00"]}, headers=h
    )
    assert wrong.status_code == 422 and wrong.json["field"] == "window", wrong.json
    malformed = client.post(url, json={"window": ["09:00"]}, headers=h)
    assert malformed.status_code == 422 and "window" in malformed.json["errors"]["json"]
    done = client.post(url, json={"date": open_day(3).isoformat()}, headers=h)
    assert done.status_code == 200, done.json
    assert done.json["id"] == booking_id and done.json["date"] == open_day(3).isoformat()
    assert done.json["window"] == ["09:00", "11:00"]
    assert done.json["events"][-1]["detail"]["kind"] == "rescheduled"
    dispatcher = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER)
    refused = client.post(url, json={}, headers=api_headers(client, dispatcher))
    assert refused.status_code == 403
    booking_service.change_status(dispatcher, booking_id, BookingStatus.SCHEDULED)
    late = client.post(url, json={"date": open_day(4).isoformat()}, headers=h)
    assert late.status_code == 409 and late.json["error"] == "not_changeable", late.json
    assert "已排班" in late.json["message"]
    stranger = make_user(make_org(name="别家经销店"))
    assert client.post(url, json={}, headers=api_headers(client, stranger)).status_code == 404


def test_the_document_describes_the_operation(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/bookings/{booking_id}/reschedule"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "422"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    schema = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert set(schema["properties"]) == {"date", "window", "note", "seen"}


def test_a_fleet_proposals_note_is_shown_in_the_readers_words_and_kept_as_stored(
    client, auth, world
):
    """The note of a booking made from a fleet proposal is stored in one form and told in
    the reader's language: the change form shows those words, and sending them back
    unchanged keeps the stored note (it is not replaced by the page's translation)."""
    from lithloop.services.booking.fleet_proposals import fleet_note

    booking_id = _book(world)
    stored = fleet_note(2)
    db.session.get(Booking, booking_id).note = stored
    db.session.commit()
    auth.login(world["dealer"].email)
    client.get("/lang/en")
    english = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    shown = "Retired bus packs from the fleet register (2 packs)."
    assert f'name="note" maxlength="500" value="{shown}"' in english
    client.get("/lang/zh_CN")
    chinese = client.get(f"/bookings/{booking_id}").get_data(as_text=True)
    words = "车队电池包台账中的退役公交电池包（2 个）。"
    assert f'name="note" maxlength="500" value="{words}"' in chinese  # not the stored English
    done = submit(
        client, f"/bookings/{booking_id}/change", _form(note=words), page=f"/bookings/{booking_id}"
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).note == stored
    assert db.session.get(Booking, booking_id).pickup_date == open_day(3)


def _seen(html: str) -> str:
    found = re.search(r'<input type="hidden" name="seen" value="([0-9a-f]+)">', html)
    assert found, "the change form carries no version of the pickup it shows"
    return found.group(1)


def test_a_change_sent_from_a_page_read_before_someone_elses_change_is_refused(client, auth, world):
    """Two people of the branch open the booking; one moves it to day three, then the other
    sends day four from the page read before: refused, saying what the pickup is now, and
    the first change stands (without the version both applied, the second undoing the
    first's window and note unseen)."""
    booking_id = _book(world)
    auth.login(world["dealer"].email)
    read_before = _seen(client.get(f"/bookings/{booking_id}").get_data(as_text=True))
    colleague = {"date": open_day(3).isoformat(), "window": ["13:00", "15:00"], "note": "后门"}
    from lithloop.services.booking import pickup_change

    pickup_change.change_pickup(world["dealer"], booking_id, colleague)
    events = _events(booking_id)
    mine = {**_form(day=open_day(4), slot="09:00-11:00"), "seen": read_before}
    sent = submit(client, f"/bookings/{booking_id}/change", mine, page=f"/bookings/{booking_id}")
    assert sent.status_code == 409
    html = sent.get_data(as_text=True)
    now = f"{open_day(3).isoformat()}，13:00–15:00"
    assert f"已被他人修改：现在的取货时间为 {now}" in unescape(html)
    db.session.expire_all()
    booking = db.session.get(Booking, booking_id)
    assert booking.pickup_date == open_day(3) and booking.note == "后门"
    assert _events(booking_id) == events
    again = {**mine, "seen": _seen(html)}  # the page read now: the change goes through
    done = submit(client, f"/bookings/{booking_id}/change", again, page=f"/bookings/{booking_id}")
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).pickup_date == open_day(4)


def test_the_api_refuses_a_change_from_an_old_pickup_version(client, world):
    booking_id = _book(world)
    h = api_headers(client, world["dealer"])
    read = client.get(f"/api/v1/bookings/{booking_id}", headers=h).json["pickup_version"]
    url = f"/api/v1/bookings/{booking_id}/reschedule"
    first = client.post(url, json={"note": "后门", "seen": read}, headers=h)
    assert first.status_code == 200 and first.json["pickup_version"] != read, first.json
    stale = client.post(url, json={"date": open_day(4).isoformat(), "seen": read}, headers=h)
    assert stale.status_code == 409 and stale.json["error"] == "changed_meanwhile", stale.json
    assert "已被他人修改" in stale.json["message"]
    current = first.json["pickup_version"]
    done = client.post(url, json={"date": open_day(4).isoformat(), "seen": current}, headers=h)
    assert done.status_code == 200 and done.json["date"] == open_day(4).isoformat()


def test_a_change_refused_as_changed_meanwhile_keeps_what_was_typed(client, auth, world):
    """Walk finding: the stale tab's refusal put the booking's current values in the form,
    so the note typed there was lost. The form keeps the typed day, window and note, says
    beside it what the booking is now (both languages), and carries the version read now."""
    booking_id = _book(world)
    auth.login(world["dealer"].email)
    page = f"/bookings/{booking_id}"
    read_before = _seen(client.get(page).get_data(as_text=True))
    from lithloop.services.booking import pickup_change

    colleague = {"date": open_day(3).isoformat(), "window": ["13:00", "15:00"], "note": "后门"}
    pickup_change.change_pickup(world["dealer"], booking_id, colleague)
    typed = {
        **_form(day=open_day(4), slot="15:00-17:00", note="请走东门，找王师傅"),
        "seen": read_before,
    }
    for lang, now_said in (("zh", "该预约现在为："), ("en", "The booking now: ")):
        client.get(f"/lang/{lang}")
        sent = submit(client, f"{page}/change", typed, page=page)
        assert sent.status_code == 409
        html = unescape(sent.get_data(as_text=True))
        form = html.split('id="change-pickup"', 1)[1]
        assert 'value="请走东门，找王师傅"' in form  # the typed note, not the booking's
        assert f'value="{open_day(4).isoformat()}" selected' in form
        assert 'value="15:00-17:00" selected' in form
        now = form.split('id="change-now">', 1)[1].split("</p>", 1)[0]
        assert now_said in now and open_day(3).isoformat() in now and "后门" in now, now
        assert _seen(html) != read_before  # sending it again applies it
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).note == "后门"
    again = {**typed, "seen": _seen(html)}
    assert submit(client, f"{page}/change", again, page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).note == "请走东门，找王师傅"


@pytest.mark.parametrize("sent", ["2099-01-01", "<b>soon</b>"])
def test_a_date_not_offered_keeps_the_valid_choice_and_says_so_beside_the_field(
    client, auth, world, sent
):
    """Walk finding: a tampered or out-of-list date came back with the list's first day
    chosen (the value sent cannot be chosen in it): the booked day stays chosen, the typed
    window and note are kept, and the field says the date sent is not one offered."""
    booking_id = _book(world)
    auth.login(world["dealer"].email)
    page = f"/bookings/{booking_id}"
    typed = {**_form(slot="15:00-17:00", note="请走东门"), "date": sent}
    for lang, said in (
        ("zh", f"提交的日期（{sent}）不在可选日期之中"),
        ("en", f"The date sent ({sent}) is not one"),
    ):
        client.get(f"/lang/{lang}")
        response = submit(client, f"{page}/change", typed, page=page)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        form = unescape(html.split('id="change-pickup"', 1)[1])
        beside = form.split('id="change-date-err">', 1)[1].split("</p>", 1)[0]
        assert said in beside, beside
        assert f'value="{open_day(2).isoformat()}" selected' in form  # the booked day
        assert form.count(" selected") == 2  # the day and the window, nothing else
        assert 'value="15:00-17:00" selected' in form and 'value="请走东门"' in form
        assert "<b>soon</b>" not in html  # echoed as text, never as markup
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).pickup_date == open_day(2)


@pytest.mark.parametrize("sent", ["06:00-07:00", "<b>soon</b>"])
def test_a_window_not_offered_keeps_the_booked_window_and_says_so_beside_the_field(
    client, auth, world, sent
):
    """Walk finding: a tampered or out-of-list window came back with the list's first
    window chosen: the booking's window stays chosen, the typed day and note are kept,
    and the window field says the window sent is not one of those offered."""
    booking_id = _book(world)  # booked 09:00-11:00
    auth.login(world["dealer"].email)
    page = f"/bookings/{booking_id}"
    typed = _form(slot=sent, note="请走东门")
    for lang, said in (
        ("zh", f"提交的时间段（{sent}）不在可选时间段之中"),
        ("en", f"The time window sent ({sent}) is not one of those offered"),
    ):
        client.get(f"/lang/{lang}")
        response = submit(client, f"{page}/change", typed, page=page)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        form = unescape(html.split('id="change-pickup"', 1)[1])
        beside = form.split('id="change-slot-err">', 1)[1].split("</p>", 1)[0]
        assert said in beside, beside
        assert 'value="09:00-11:00" selected' in form  # the booking's window
        assert form.count(" selected") == 2  # the day and the window, nothing else
        assert f'value="{open_day(3).isoformat()}" selected' in form and 'value="请走东门"' in form
        assert "<b>soon</b>" not in html  # echoed as text, never as markup
    db.session.expire_all()
    booking = db.session.get(Booking, booking_id)
    assert (booking.pickup_date, f"{booking.window_start:%H:%M}") == (open_day(2), "09:00")
