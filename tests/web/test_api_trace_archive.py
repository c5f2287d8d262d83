"""GET /api/v1/traceability/archive: a year's handovers as the traceability page's yearly
CSV, byte for byte (the same service and writer, the same party filter), for a bearer
token of an admin or the regulator; a year the archive does not serve, or a bad
`organisation_id`, a 422 naming the field; documented in the OpenAPI document as CSV."""

from __future__ import annotations

import pytest

from lithloop.extensions import db
from lithloop.models import Role
from tests.conftest import Auth, api_headers
from tests.factories import make_user_as
from tests.web.test_trace_party_filter import parties  # noqa: F401 - owner, other dealer, buyer
from tests.web.test_traceability import world  # noqa: F401 - the handovers of 10 March 2026

URL = "/api/v1/traceability/archive"


@pytest.fixture
def regulator(client, parties):  # noqa: F811
    """The government partner's bearer headers."""
    gov = make_user_as(Role.GOVERNMENT)
    db.session.commit()
    return api_headers(client, gov)


def test_the_archive_is_the_pages_file_filtered_as_the_page(
    app,
    client,
    parties,  # noqa: F811
    regulator,
):
    owner = parties["owner"].id
    theirs = parties["theirs"].code
    for query, org in ((f"year=2026&organisation_id={owner}", owner), ("year=2026", None)):
        api = client.get(f"{URL}?{query}", headers=regulator)
        assert api.status_code == 200 and api.mimetype == "text/csv"
        assert api.headers["Content-Disposition"] == 'attachment; filename="handovers-2026.csv"'
        with app.test_client() as browser:  # the page, in a browser session of the admin
            Auth(browser).login(parties["admin"].email)
            page = browser.get("/trace/handovers.csv?year=2026" + (f"&org={org}" if org else ""))
            assert page.status_code == 200
            assert api.get_data() == page.get_data()
        body = api.get_data(as_text=True)
        assert parties["packs"]["soon2"].code in body
        assert (theirs in body) is (org is None)  # another dealer's receipt: not the owner's
    assert body.count("\n") == 1 + 7  # the header and every handover of 2026, reported too


@pytest.mark.parametrize(
    "query, field",
    [
        ("", "year"),
        ("year=abc", "year"),
        ("year=2025", "year"),  # before the first handover on record
        ("year=2027", "year"),  # after this year
        ("year=0", "year"),
        (f"year={2**63}", "year"),
        ("year=2026&organisation_id=999999", "organisation_id"),
        ("year=2026&organisation_id=x", "organisation_id"),
    ],
)
def test_a_bad_argument_is_a_422_naming_its_field(client, regulator, query, field):
    response = client.get(f"{URL}?{query}", headers=regulator)
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.json
    assert body.get("field") == field or list(body["errors"]["query"]) == [field]


@pytest.mark.parametrize(
    ("page_query", "api_query"),
    [
        ("year=abc", "year=abc"),
        ("year=2020", "year=2020"),
        ("year=2027", "year=2027"),
        ("year=2026&org=999999", "year=2026&organisation_id=999999"),
    ],
)
def test_the_page_and_the_api_refuse_the_same_bad_value_alike(
    app,
    client,
    parties,  # noqa: F811
    regulator,
    page_query,
    api_query,
):
    """The page's CSV answered 400 where the API answered 422 for the same value: both 422,
    the platform's answer to an argument it can read but not accept."""
    api = client.get(f"{URL}?{api_query}", headers=regulator)
    with app.test_client() as browser:
        Auth(browser).login(parties["admin"].email)
        page = browser.get(f"/trace/handovers.csv?{page_query}")
    assert (page.status_code, api.status_code) == (422, 422)
    assert "Content-Disposition" not in page.headers and page.mimetype == "text/html"


def test_the_served_years_are_named_in_chinese(client, regulator):
    response = client.get(f"{URL}?year=2020", headers={**regulator, "Accept-Language": "zh-CN"})
    assert response.status_code == 422 and response.json["field"] == "year"
    assert "2026" in str(response.json)


def test_only_admins_and_the_regulator_read_it(client, parties):  # noqa: F811
    dealer = api_headers(client, make_user_as(Role.DEALER_STAFF))
    assert client.get(f"{URL}?year=2026", headers=dealer).status_code == 403
    assert client.get(f"{URL}?year=2026").status_code == 401
    admin = api_headers(client, parties["admin"])
    assert client.get(f"{URL}?year=2026", headers=admin).status_code == 200


def test_the_openapi_document_declares_csv_and_the_arguments(client):
    operation = client.get("/api/v1/openapi.json").json["paths"][URL]["get"]
    names = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
    assert names == {"year", "organisation_id"}
    assert list(operation["responses"]["200"]["content"]) == ["text/csv"]
    assert {"401", "403", "422"} <= set(operation["responses"])
