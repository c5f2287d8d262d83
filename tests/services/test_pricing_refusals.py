"""The pricing engine's refusals reach people in their language, never in the engine's words."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from lithloop import pricing
from lithloop.services.booking.pricing_refusals import refusal
from tests.plain_language import untranslated
from tests.web.test_prices import LOT, bearer, dealer, index  # noqa: F401 (fixtures)


@pytest.fixture
def backend():
    """SQLite only: messages are told the same whatever database holds the data."""
    return "sqlite"


C = pricing.PricingErrorCode


@pytest.mark.parametrize("code", list(C))
def test_every_refusal_is_told_in_chinese(app, code):
    exc = pricing.PricingError(code, "mass_kg", "engine words nobody should read")
    with app.test_request_context(), force_locale("zh"):
        error = refusal(exc)
        text = str(error.message)
    assert "engine words" not in text
    assert error.field == "mass_kg" and error.code == code.value
    # choices are the values the API takes; everything else is Chinese
    assert untranslated(text.split("：")[0]) == [], text


def test_a_refusal_can_name_another_field(app):
    exc = pricing.PricingError(C.REQUIRED, "distance_km", "give the distance")
    with app.test_request_context():
        assert refusal(exc, field="lots[2].distance_km").field == "lots[2].distance_km"


def test_a_quote_without_distance_or_site_says_what_to_give(client, dealer):  # noqa: F811
    body = {k: v for k, v in LOT.items() if k != "distance_km"}
    headers = {**bearer(client, dealer), "Accept-Language": "zh-CN"}
    response = client.post("/api/v1/quotes/scrap", json=body, headers=headers)
    assert response.status_code == 422
    message = response.json["message"]
    named = message.replace("distance_km", "").replace("site_id", "")
    assert "or a cost" not in message and untranslated(named) == [], message
    assert "distance_km" in message and "site_id" in message
    english = client.post(
        "/api/v1/quotes/scrap", json=body, headers={**headers, "Accept-Language": "en"}
    ).json["message"]
    assert "distance_km" in english and "site_id" in english and "cost" not in english
