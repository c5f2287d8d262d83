"""No space before a full-width bracket on a Chinese page: the booking page read
"¥80,016.23 （价格指数 …）" and the quote "¥80,016.23 （产业园向您付款）"."""

from __future__ import annotations

import re

from tests import worlds
from tests.conftest import submit
from tests.route_world import open_day
from tests.web.test_bookings import _lot

world = worlds.dealer_at_site


def spaced(page: str) -> list[str]:
    """Each space (or line break) right before or after a full-width bracket, in text."""
    text = re.sub(r"<[^>]+>", "", page)
    return [text[m.start() - 15 : m.end() + 15] for m in re.finditer(r"\s（|）[ \t]", text)]


def _form(world) -> dict:
    """A booking of one 800 kg lot at the world's site, two open days ahead."""
    base = {"site_id": world["site"].id, "date": open_day(2).isoformat(), "slot": "10:00-12:00"}
    return {**base, **_lot(0, "800")}


def test_the_quote_and_the_booking_page_put_no_space_before_a_bracket(client, auth, world):
    auth.login(world["dealer"].email)
    form = _form(world)
    panel = submit(client, "/bookings/quote", form, page="/bookings/new").get_data(as_text=True)
    assert "（产业园向您付款）" in panel or "（由您支付该费用）" in panel
    assert spaced(panel) == [], spaced(panel)
    booked = submit(client, "/bookings/new", form)
    page = client.get(booked.location).get_data(as_text=True)
    assert "（价格指数" in page and spaced(page) == [], spaced(page)
    client.get("/lang/en")
    english = client.get(booked.location).get_data(as_text=True)
    assert re.search(r"¥[\d,.]+ <span class=\"muted\">\(price index", english), english
