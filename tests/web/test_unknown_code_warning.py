"""The quote's warning for codes no fleet register knows counts them in good English: one
code "is" and "it is accepted" (dealer walk: "1 codes are not in any fleet register on
lithloop (…); they are accepted" on the English booking form), several "are"."""

from __future__ import annotations

from html import unescape

import pytest

from tests import worlds
from tests.booking_forms import one_lot_form
from tests.conftest import submit
from tests.pack_builders import pack_code

world = worlds.dealer_at_site


def _warning(client, world, codes: list[str]) -> str:
    form = one_lot_form(world["site"], count=len(codes), codes=codes)
    page = submit(client, "/bookings/quote", form, page="/bookings/new")
    assert page.status_code == 200
    return " ".join(unescape(page.get_data(as_text=True)).split())


@pytest.mark.parametrize(
    ("n", "english", "chinese"),
    [
        (1, "1 code is not in any fleet register on lithloop", "1 个编码不在"),
        (2, "2 codes are not in any fleet register on lithloop", "2 个编码不在"),
    ],
)
def test_unknown_codes_are_counted_in_good_english(client, auth, world, n, english, chinese):
    auth.login(world["dealer"].email)
    codes = [pack_code() for _ in range(n)]
    assert chinese in _warning(client, world, codes)
    client.get("/lang/en")
    said = _warning(client, world, codes)
    assert english in said, said
    assert ("it is accepted" if n == 1 else "they are accepted") in said
    assert "1 codes" not in said
