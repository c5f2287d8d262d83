"""The API shows a booking's note for the driver: POST /bookings and /reschedule took one,
and no answer (nor GET /bookings/{id}) said what it was."""

from __future__ import annotations

from tests import worlds
from tests.web.test_bookings import body, headers

world = worlds.dealer_at_site


def test_the_note_sent_is_the_note_shown_and_a_changed_one_too(client, world):
    h = headers(client, world["dealer"])
    made = client.post("/api/v1/bookings", json=body(world["site"], note="请走北门"), headers=h)
    assert made.status_code == 201 and made.json["note"] == "请走北门", made.json
    booking_id = made.json["id"]
    assert client.get(f"/api/v1/bookings/{booking_id}", headers=h).json["note"] == "请走北门"
    changed = client.post(
        f"/api/v1/bookings/{booking_id}/reschedule", json={"note": "后门卸货"}, headers=h
    )
    assert changed.status_code == 200 and changed.json["note"] == "后门卸货", changed.json
    assert client.get(f"/api/v1/bookings/{booking_id}", headers=h).json["note"] == "后门卸货"
