"""A lot row's field name with a tampered index is ignored, never a server error.

"lots-²-count" passed str.isdigit() and broke int() (a 500 on the booking form and on its
quote panel); so did an index of 5,000 digits (beyond int()'s limit on digits)."""

from __future__ import annotations

import pytest

from tests import worlds
from tests.booking_forms import one_lot_form
from tests.conftest import submit

world = worlds.dealer_at_site

TAMPERED = ["lots-\u00b2-count", "lots-" + "9" * 5000 + "-count"]


@pytest.mark.parametrize("name", TAMPERED)
@pytest.mark.parametrize("url", ["/bookings/new", "/bookings/quote"])
def test_a_tampered_row_index_is_ignored(client, auth, world, name, url):
    auth.login(world["dealer"].email)
    form = one_lot_form(world["site"], mass_kg="500", slot="10:00-12:00") | {name: "3"}
    response = submit(client, url, form, page="/bookings/new")
    assert response.status_code < 500, response.status_code
    page = response.get_data(as_text=True)
    assert 'id="lots-1-count"' not in page  # no row made up from the tampered name


def test_the_rows_typed_are_still_counted(client, auth, world):
    auth.login(world["dealer"].email)
    form = one_lot_form(world["site"]) | {"lots-2-count": "1", "add_lot": "1"}
    page = submit(client, "/bookings/new", form).get_data(as_text=True)
    assert 'id="lots-3-count"' in page and 'id="lots-4-count"' not in page
