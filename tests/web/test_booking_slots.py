"""The booking form offers the time windows of the chosen site: before a window is chosen,
the first one the site is open for is taken (08:00-10:00 was, and a site opening at 13:00
was refused for it), and every site carries its hours for the page to mark the windows again
when another site is chosen (static/js/booking_slots.js)."""

from __future__ import annotations

import re
from datetime import time

from lithloop.extensions import db
from tests import worlds

world = worlds.dealer_at_site


def _selected_slot(html: str) -> str:
    select = re.search(r'<select id="slot".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="([^"]+)"[^>]* selected>', select).group(1)


def test_an_afternoon_site_is_offered_an_afternoon_window_first(client, auth, world):
    world["site"].opens_at, world["site"].closes_at = time(13, 0), time(17, 0)
    db.session.commit()
    auth.login(world["dealer"].email)
    html = client.get("/bookings/new").get_data(as_text=True)
    assert _selected_slot(html) == "13:00-15:00"


def test_a_window_chosen_before_stays_chosen(client, auth, world):
    auth.login(world["dealer"].email)
    html = client.get("/bookings/new?slot=15:00-17:00").get_data(as_text=True)
    assert _selected_slot(html) == "15:00-17:00"


def test_each_site_carries_its_hours_and_each_window_its_plain_label(client, auth, world):
    world["site"].opens_at, world["site"].closes_at = time(7, 30), time(16, 0)
    db.session.commit()
    auth.login(world["dealer"].email)
    html = client.get("/bookings/new").get_data(as_text=True)
    assert re.search(r'<option value="\d+" data-opens="07:30" data-closes="16:00"', html)
    assert 'data-label="08:00–10:00"' in html and 'data-outside="（不在营业时间内）"' in html
    assert "js/booking_slots.js" in html


def _disabled_slots(html: str) -> list[str]:
    select = re.search(r'<select id="slot".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]+)"[^>]* disabled>', select)


def test_windows_the_site_is_closed_in_cannot_be_chosen(client, auth, world):
    """They were offered marked, then refused on sending: now they are shown, not chosen."""
    world["site"].opens_at, world["site"].closes_at = time(13, 0), time(17, 0)
    db.session.commit()
    auth.login(world["dealer"].email)
    html = client.get("/bookings/new").get_data(as_text=True)
    assert "08:00-10:00" in _disabled_slots(html) and "10:00-12:00" in _disabled_slots(html)
    assert "13:00-15:00" not in _disabled_slots(html)
    # a window typed in the address (an old link) stays chosen, so the refusal names it
    again = client.get("/bookings/new?slot=08:00-10:00").get_data(as_text=True)
    assert _selected_slot(again) == "08:00-10:00" and "08:00-10:00" not in _disabled_slots(again)


def test_a_site_open_for_no_window_leaves_every_window_choosable(client, auth, world):
    world["site"].opens_at, world["site"].closes_at = time(10, 30), time(11, 30)
    db.session.commit()
    auth.login(world["dealer"].email)
    html = client.get("/bookings/new").get_data(as_text=True)
    assert _disabled_slots(html) == []
