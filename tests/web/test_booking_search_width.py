"""The bookings search reads a booking number as a Chinese keyboard types it (＃５９,
full-width): it found nothing, while the same number in ASCII found the booking."""

from __future__ import annotations

import re

import pytest

from tests import worlds
from tests.web.test_bookings import body, headers

world = worlds.dealer_at_site

FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "#0123456789"}


def _listed(client, q: str) -> set[str]:
    page = client.get("/bookings/", query_string={"q": q}).get_data(as_text=True)
    return set(re.findall(r'href="/bookings/(\d+)"', page))


@pytest.mark.parametrize("typed", ["#{id}", "{id}"])
def test_a_full_width_booking_number_finds_the_booking(client, auth, world, typed):
    made = client.post(
        "/api/v1/bookings", json=body(world["site"]), headers=headers(client, world["dealer"])
    ).json["id"]
    auth.login(world["dealer"].email)
    ascii_typed = typed.format(id=made)
    assert _listed(client, ascii_typed) == {str(made)}
    assert _listed(client, ascii_typed.translate(FULL_WIDTH)) == {str(made)}
