"""GET /api/v1/traceability/due as the traceability page: filtered by an organisation
(the handovers it is a party to, traceability.party_to), with the yearly archive's counts,
each handover naming its counterparty as the upload file does; `page`, `per_page` and
`organisation_id` declared in the OpenAPI document, a bad value a 422 naming its field."""

from __future__ import annotations

import pytest

from lithloop.extensions import db
from lithloop.models import Role
from lithloop.services.packs import handover_export
from tests.conftest import api_headers
from tests.factories import make_user_as
from tests.web.test_trace_party_filter import parties  # noqa: F401 - owner, other dealer, buyer
from tests.web.test_traceability import world  # noqa: F401 - the handovers of 10 March 2026

URL = "/api/v1/traceability/due"


@pytest.fixture
def regulator(client, parties):  # noqa: F811
    """The government partner's bearer headers (it reads the listing, as the page)."""
    gov = make_user_as(Role.GOVERNMENT)
    db.session.commit()
    return api_headers(client, gov)


def _ids(body: dict) -> list[int]:
    return [e["id"] for e in body["overdue"] + body["due_soon"] + body["later"]]


def test_the_listing_keeps_an_organisations_handovers_and_names_its_counterparty(
    client,
    parties,  # noqa: F811
    regulator,
):
    ids = parties["ids"]
    owner = client.get(f"{URL}?organisation_id={parties['owner'].id}", headers=regulator)
    assert owner.status_code == 200, owner.json
    assert _ids(owner.json) == [ids["overdue"], ids["soon"], ids["soon2"], ids["later"]]
    assert {e["counterparty"] for e in owner.json["overdue"]} == {parties["owner"].name}
    assert owner.json["organisation_id"] == parties["owner"].id
    assert owner.json["archive"] == [{"year": 2026, "handovers": 4}]
    bought = client.get(f"{URL}?organisation_id={parties['buyer'].id}", headers=regulator).json
    (sale,) = bought["overdue"] + bought["due_soon"] + bought["later"]
    assert sale["id"] == parties["sale"] and sale["counterparty"] == "牡丹江储能"
    everyone = client.get(URL, headers=regulator).json
    assert everyone["organisation_id"] is None and len(_ids(everyone)) == 6
    reported_too = dict(handover_export.archive_counts())[2026]  # one was marked reported
    assert everyone["archive"] == [{"year": 2026, "handovers": reported_too}]


@pytest.mark.parametrize(
    "query, field",
    [
        ("organisation_id=999999", "organisation_id"),
        ("organisation_id=abc", "organisation_id"),
        ("organisation_id=0", "organisation_id"),
        ("per_page=0", "per_page"),
        ("per_page=501", "per_page"),
        ("per_page=x", "per_page"),
        ("page=0", "page"),
        (f"page={2**63}", "page"),
    ],
)
def test_a_bad_argument_is_a_422_naming_its_field(client, regulator, query, field):
    response = client.get(f"{URL}?{query}", headers=regulator)
    assert response.status_code == 422, response.json
    body = response.json
    assert body.get("field") == field or list(body["errors"]["query"]) == [field]


def test_paging_reads_page_and_per_page(client, parties, regulator):  # noqa: F811
    ids = parties["ids"]
    second = client.get(f"{URL}?per_page=1&page=2", headers=regulator).json
    assert (second["page"], second["per_page"]) == (2, 1)
    assert [e["id"] for e in second["due_soon"]] == [ids["soon2"]]


def test_the_openapi_document_declares_the_arguments(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"][URL]["get"]
    names = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
    assert names == {"page", "per_page", "organisation_id"}
    assert "422" in operation["responses"]
    due = spec["components"]["schemas"]["DueOut"]["properties"]
    assert {"archive", "organisation_id"} <= set(due)
    assert "counterparty" in spec["components"]["schemas"]["HandoverOut"]["properties"]
