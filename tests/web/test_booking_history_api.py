"""A booking's history and note in the API are in the reader's language: the driver's
arrival and refusal are told in words (`text`), their codes given as data (`detail`), the
driver's own words apart (`note`); a fleet-register booking's note is told in words."""

from __future__ import annotations

import re

from lithloop.extensions import db
from lithloop.models import Booking
from lithloop.services.booking.fleet_proposals import fleet_note
from tests import worlds
from tests.conftest import api_headers
from tests.web.test_driver import post, stops

world = worlds.published_route

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{3,}\s+[A-Za-z]{2,}")


def _read(client, world, booking_id: int, language: str) -> dict:
    headers = {**api_headers(client, world["dealer"]), "Accept-Language": language}
    answer = client.get(f"/api/v1/bookings/{booking_id}", headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json


def test_the_drivers_arrival_and_refusal_are_words_and_data_not_codes(client, auth, world):
    auth.login(world["driver"].email)
    stop = stops(world)[1]
    assert post(client, stop, "arrive", {}).status_code == 302
    said = "门卫说 <b>明天</b> 再来 😀"
    assert post(client, stop, "exception", {"reason": "closed", "note": said}).status_code == 302
    plate = world["trucks"][0].plate
    chinese = _read(client, world, stop.booking_id, "zh-CN")["events"][-2:]
    english = _read(client, world, stop.booking_id, "en")["events"][-2:]
    arrived, refused = chinese
    assert arrived["detail"] == {"kind": "arrived", "plate": plate} and arrived["note"] == ""
    assert refused["detail"] == {"kind": "exception", "reason": "closed"}
    assert refused["note"] == said  # the driver's own words, as written
    for entry in chinese:
        assert CJK.search(entry["text"]) and not ENGLISH.search(entry["text"]), entry
        assert "arrived:" not in entry["text"] + entry["note"]
        assert "exception:" not in entry["text"] + entry["note"]
    assert plate in arrived["text"] and said in refused["text"]
    assert [e["detail"] for e in english] == [e["detail"] for e in chinese]  # data
    assert english[0]["text"] == f"The driver arrived (truck {plate})."
    assert not CJK.search(english[1]["text"].replace(said, "")), english[1]


def test_a_fleet_register_bookings_note_is_in_the_readers_words(client, world):
    booking_id = stops(world)[0].booking_id
    db.session.get(Booking, booking_id).note = fleet_note(3)
    db.session.commit()
    assert (
        _read(client, world, booking_id, "zh-CN")["note"]
        == "车队电池包台账中的退役公交电池包（3 个）。"
    )
    english = _read(client, world, booking_id, "en")["note"]
    assert english == "Retired bus packs from the fleet register (3 packs)."
