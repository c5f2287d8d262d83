"""The instant quote names each lot as the booking's page does, "LFP · 500 kg": it said
"磷酸铁锂 LFP, 500.00 千克", an English comma in the middle of a Chinese line."""

from __future__ import annotations

from tests import worlds
from tests.booking_forms import one_lot_form
from tests.conftest import submit

world = worlds.dealer_at_site


def test_the_quotes_lot_line_has_no_english_comma(client, auth, world):
    auth.login(world["dealer"].email)
    panel = submit(client, "/bookings/quote", one_lot_form(world["site"]), page="/bookings/new")
    text = panel.get_data(as_text=True)
    summary = text.split("<summary>", 1)[1].split("</summary>", 1)[0]
    assert "LFP · " in summary and ", " not in summary, summary
