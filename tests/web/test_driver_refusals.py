"""A refused driver confirmation said beside the field of the form it came from (the pickup
and the exception both have a note), and an exception without a known reason refused (the
form starts with none chosen)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import IdempotencyKey, OutboxMessage
from tests import worlds
from tests.route_world import code
from tests.web.test_driver import events, fresh, post, stops
from tests.web.test_driver_checks import send

world = worlds.published_route  # of `driver`, three pickups over two trips


def _error(page: str, error_id: str) -> str:
    """The text of the refusal with that id ("" when the page has none)."""
    found = re.search(rf'<p class="error" role="alert" id="{error_id}">([^<]*)</p>', page)
    return found.group(1) if found else ""


def test_a_refused_exception_is_said_beside_its_reason_with_the_note_kept(client, auth, world):
    auth.login(world["driver"].email)
    stop = stops(world)[1]
    refused = post(client, stop, "exception", {"reason": "", "note": "门卫说明天再来"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert _error(page, f"err-{stop.id}-exception-reason") == "请选择出现了什么问题。"
    assert '<details class="cannot" open>' in page
    assert f'id="xnote-{stop.id}" name="note" maxlength="300" value="门卫说明天再来"' in page
    assert f'id="pnote-{stop.id}" name="note" maxlength="300" value=""' in page  # not the pickup's
    assert page.count('role="alert" id="err-') == 1


def test_a_refused_exception_note_is_said_in_the_exception_form(client, auth, world):
    auth.login(world["driver"].email)
    stop = stops(world)[1]
    refused = post(client, stop, "exception", {"reason": "not_as_described", "note": ""})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert _error(page, f"err-{stop.id}-exception-note")
    assert not _error(page, f"err-{stop.id}-pickup-note")
    assert '<option value="not_as_described" selected data-note-needed>' in page


def test_a_refused_pickup_note_is_said_in_the_pickup_form(client, auth, world):
    auth.login(world["driver"].email)
    stop = stops(world)[0]
    refused = post(client, stop, "pickup", {"mass_kg": "9000", "codes": "", "note": ""})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert _error(page, f"err-{stop.id}-pickup-note")
    assert not _error(page, f"err-{stop.id}-exception-note")
    assert f'id="mass-{stop.id}" name="mass_kg" inputmode="decimal" required value="9000"' in page
    assert '<details class="cannot">' in page


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_exception_form_asks_for_a_reason_rather_than_choosing_one(client, auth, world):
    auth.login(world["driver"].email)
    stop = stops(world)[1]
    page = client.get("/driver/").get_data(as_text=True)
    select = page.split(f'id="reason-{stop.id}"')[1].split("</select>")[0]
    assert re.match(r'\s*name="reason"><option value="">— 请选择 —</option><option', select)
    assert " selected" not in select


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "lost"}], ids=str)
def test_an_exception_without_a_known_reason_is_refused_naming_it(client, auth, world, data):
    auth.login(world["driver"].email)
    client.get("/lang/en")
    stop = stops(world)[1]
    before = len(events(stop.booking_id)), _count(OutboxMessage), _count(IdempotencyKey)
    refused = send(client, stop, "exception", dict(data, note="门卫不在"), key="phone-x1")
    assert refused.status_code == 422
    assert refused.json["error"] == "invalid" and refused.json["field"] == "reason"
    assert refused.json["message"] == "Choose what went wrong."
    after = len(events(stop.booking_id)), _count(OutboxMessage), _count(IdempotencyKey)
    assert after == before and fresh(stop).done_at is None  # nothing told, the key still free


def test_a_pickup_note_over_300_characters_is_refused_beside_it_not_cut(client, auth, world):
    """Walk finding: a longer pickup note was recorded with its first 300 characters."""
    auth.login(world["driver"].email)
    client.get("/lang/en")
    stop = stops(world)[0]
    typed = {"mass_kg": "2,650", "codes": "\n".join([code(), code()])}
    before = len(events(stop.booking_id))
    refused = post(client, stop, "pickup", {**typed, "note": "长" * 301})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and len(events(stop.booking_id)) == before
    assert "at most 300 characters; this has 301" in _error(page, f"err-{stop.id}-pickup-note")
    assert fresh(stop).done_at is None
    assert post(client, stop, "pickup", {**typed, "note": "长" * 300}).status_code == 302
    assert events(stop.booking_id)[-1].note == "长" * 300


def test_an_exception_note_over_300_characters_is_refused_beside_it_not_cut(client, auth, world):
    """Walk finding: a longer note for the dispatcher reached them cut to 300 characters."""
    auth.login(world["driver"].email)
    client.get("/lang/en")
    stop = stops(world)[1]
    typed = {"reason": "not_as_described"}
    before = len(events(stop.booking_id)), _count(OutboxMessage)
    refused = post(client, stop, "exception", {**typed, "note": "长" * 301})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert (len(events(stop.booking_id)), _count(OutboxMessage)) == before
    assert "at most 300 characters; this has 301" in _error(page, f"err-{stop.id}-exception-note")
    assert post(client, stop, "exception", {**typed, "note": "长" * 300}).status_code == 302
    assert events(stop.booking_id)[-1].note.endswith("; " + "长" * 300)
