"""The booking form's refusals read as plain sentences in English and in Chinese."""

from __future__ import annotations

import pytest

from lithloop.i18n import LANG_COOKIE
from lithloop.services.dispatch.pickup_input import parse_codes
from lithloop.services.errors import Invalid
from tests import worlds
from tests.conftest import api_headers
from tests.web.test_bookings import body, lot

world = worlds.dealer_at_site


def test_a_refused_code_reads_as_two_sentences_not_a_capital_after_a_colon(client, world):
    """Was "Code ABC: The code has 3 characters…": a capital after a colon mid-sentence."""
    client.get("/lang/en")
    response = client.post(
        "/api/v1/bookings",
        json=body(world["site"], lots=[lot(codes=["ABC"])]),
        headers={**api_headers(client, world["dealer"]), "Accept-Language": "en"},
    )
    assert response.status_code == 422
    message = response.json["message"]
    assert message.startswith("Code ABC is not valid. The code has 3 characters"), message
    assert ": The" not in message


def test_a_driver_s_refused_code_reads_as_two_sentences(app):
    """The driver's pickup codes said "Code 1 (ABC): The code has…" the same way."""
    with app.test_request_context(headers={"Cookie": f"{LANG_COOKIE}=en"}):
        with pytest.raises(Invalid) as refused:
            parse_codes("ABC")
        message = str(refused.value.message)
    assert message.startswith("Code 1 (ABC) is not valid. The code has 3 characters"), message
