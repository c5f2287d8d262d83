"""What API fuzzing found, pinned: bounded ids, 400/422 instead of 500, an honest document."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from lithloop.web.converters import MAX_ID
from tests import worlds
from tests.conftest import api_headers

TOO_BIG = 2**40  # beyond PostgreSQL's integer: used to overflow the query (500)


dealer = worlds.dealer


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/sites/{TOO_BIG}",
        f"/api/v1/bookings/{TOO_BIG}",
        f"/api/v1/packs/{TOO_BIG}",
        f"/api/v1/orders/{TOO_BIG}",
        f"/api/v1/plans/runs/{TOO_BIG}",
        f"/api/v1/plans/{TOO_BIG}",
    ],
)
def test_an_id_beyond_the_database_range_is_404(client, dealer, url):
    response = client.get(url, headers=api_headers(client, dealer))
    assert response.status_code == 404
    assert response.json["code"] == 404


def test_a_page_with_a_huge_id_is_404_too(client, auth, dealer):
    from tests.factories import PASSWORD

    auth.login(dealer.email, PASSWORD)
    assert client.get(f"/sites/{TOO_BIG}/edit").status_code == 404


def _int_rules(app):
    """Each rule with an `<int:...>` part, and the methods of GET and POST it answers."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            yield rule, sorted({"GET", "POST"} & rule.methods)


@pytest.mark.parametrize("huge", [MAX_ID + 1, TOO_BIG, 10**30])
def test_every_path_answers_404_for_an_id_beyond_the_range_whatever_the_method(app, client, huge):
    """Every page and API path, by GET and by POST where it takes them: 404, not 405 (a
    path with a GET rule and a POST rule said 405) nor 500; MAX_ID itself still routes."""
    adapter = app.url_map.bind("localhost")
    answers, checked = {}, 0
    for rule, methods in _int_rules(app):
        ints = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        path = rule.build(dict.fromkeys(ints, huge))[1]
        for method in methods:
            checked += 1
            status = client.open(path, method=method).status_code
            if status != 404:
                answers[f"{method} {rule.rule}"] = status
            top = rule.build(dict.fromkeys(ints, MAX_ID))[1]
            assert adapter.match(top, method=method)[0] == rule.endpoint, (method, top)
    assert checked > 80
    assert answers == {}


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/v1/orders", {"lines": [{"pack_id": TOO_BIG}]}),
        (
            "post",
            "/api/v1/bookings",
            {
                "site_id": TOO_BIG,
                "date": "2030-01-02",
                "window": ["09:00", "10:00"],
                "lots": [{"chemistry": "LFP", "count": 1, "mass_kg": "5"}],
            },
        ),
        (
            "post",
            "/api/v1/quotes/scrap",
            {"chemistry": "LFP", "form": "pack", "mass_kg": 5, "site_id": TOO_BIG},
        ),
        ("get", f"/api/v1/packs?max_price_fen={TOO_BIG}", None),
        ("get", f"/api/v1/calendar?site_id={TOO_BIG}", None),
    ],
)
def test_a_huge_number_in_a_body_or_query_is_422(client, dealer, method, url, body):
    response = getattr(client, method)(url, json=body, headers=api_headers(client, dealer))
    assert response.status_code == 422, response.json
    assert response.json["errors"]


def test_a_malformed_json_body_is_400_with_the_error_body(client, dealer):
    response = client.post(
        "/api/v1/quotes/scrap",
        data=b"\x00{",
        content_type="application/json",
        headers=api_headers(client, dealer),
    )
    assert response.status_code == 400
    assert set(response.json) <= {"code", "status", "message", "errors", "error", "field"}


def test_the_document_declares_each_status_and_no_catch_all(client):
    spec = client.get("/api/v1/openapi.json").json
    error_schema = spec["components"]["schemas"]["ApiError"]
    assert {"error", "field"} <= set(error_schema["properties"])
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation["responses"]
            assert "default" not in responses, (method, path)
            if operation.get("security"):
                assert "401" in responses, (method, path)
            if "requestBody" in operation:
                assert {"400", "422"} <= set(responses), (method, path)


def test_decimals_are_documented_as_they_are_sent(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert schemas["BookingOut"]["properties"]["total_mass_kg"]["type"] == "string"
    assert schemas["SummaryOut"]["properties"]["received_t"]["type"] == "string"
    mass_in = schemas["ScrapQuoteRequest"]["properties"]["mass_kg"]
    assert mass_in == {"type": "number", "minimum": 0, "maximum": 40000, "exclusiveMinimum": True}
