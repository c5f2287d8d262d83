"""A lot's mass under 0.01 kg is told how small a mass may be: it was told "The mass must be
more than 0", beside a typed 0.004, which is more than 0."""

from __future__ import annotations

import pytest

from tests import worlds
from tests.booking_forms import one_lot_form
from tests.conftest import submit

world = worlds.dealer_at_site


@pytest.mark.parametrize("typed", ["0.004", "0.0001"])
def test_a_mass_under_a_hundredth_of_a_kilogram_says_the_least_mass(client, auth, world, typed):
    auth.login(world["dealer"].email)
    form = one_lot_form(world["site"], mass_kg=typed, slot="10:00-12:00")
    page = submit(client, "/bookings/new", form).get_data(as_text=True)
    said = page.split('id="lots-0-mass_kg-err"', 1)[1].split("</", 1)[0]
    assert "0.01 千克" in said and "大于 0" not in said, said
    assert f'value="{typed}"' in page
