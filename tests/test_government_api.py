"""The government partner (the regulator) in the JSON API: it reads there what it reads on the
pages (the traceability listing, every organisation's full pack passport, found by its code
as people type it) and writes nothing. Every /api/ route of the URL map, with every method it
answers, sent with the regulator's bearer token: each GET the authorisation table lets it use
answers 200, each POST that would change a record is refused (403, with a message saying
who may), and no request sends a write statement but the token guard's bookkeeping."""

from __future__ import annotations

import re

import pytest

from lithloop.models import Role
from tests.authz_table import TABLE
from tests.sent_sql import first_line, is_write, sent_statements
from tests.test_authz_matrix import (
    IGNORED_METHODS,
    MATRIX_BACKENDS,
    _fill,
    allowed,
    expected,
    scopes,
    seeded_matrix,
    url_for_rule,
    values_for,
)
from tests.test_get_writes_nothing import exempt

GOV = Role.GOVERNMENT
#: POSTs that change no record and that the regulator may send: a price computed (quotes).
NOT_RECORD_WRITES = {"POST api_quotes.scrap_quote", "POST api_quotes.second_life_price"}
#: POSTs that are no caller's record: its own API token (it needs one to read, taken from
#: its login as every role's) and Stripe's signed webhook (no token; 400 unsigned).
NOT_THE_CALLERS = {"POST api_auth.issue_token", "POST webhooks.stripe_webhook"}


@pytest.fixture(scope="module", params=MATRIX_BACKENDS)
def matrix(request, tmp_path_factory):
    """The authorisation matrix's world: the demo region (its handovers unreported) and
    other organisations' packs, bookings and orders (on PostgreSQL too as the matrix's)."""
    with seeded_matrix(request.param, tmp_path_factory, "govapi") as seeded:
        yield seeded


def api_routes(app) -> list[tuple[str, str]]:
    """(method, endpoint) of every route under /api/, from the URL map."""
    return sorted(
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - IGNORED_METHODS
    )


def _send(matrix, method: str, endpoint: str):
    """Each (scope, url, response, writes) of the route sent as the regulator, for each scope
    (its own object, when it has one, and another organisation's)."""
    rule = TABLE[f"{method} {endpoint}"]
    headers = {"Authorization": f"Bearer {matrix.tokens[GOV]}"}
    for scope, owned in scopes(rule, GOV, matrix.world):
        values = values_for(matrix.world, GOV, owned)
        url = url_for_rule(matrix.app, endpoint, rule, values)
        client = matrix.app.test_client()
        with sent_statements(matrix.app, is_write) as statements:
            if method == "GET":
                response = client.get(url, headers=headers)
            else:
                response = client.post(url, json=_body(rule, values), headers=headers)
        writes = [first_line(s) for s in statements if not exempt(endpoint, s.lstrip())]
        yield scope, url, response, writes


def _body(rule, values: dict) -> dict:
    return _fill(rule.body, values) if rule.body is not None else {}


def test_the_regulator_reads_in_the_api_what_it_reads_on_the_pages(matrix):
    """Every GET the table gives the regulator answers 200 (another organisation's pack too;
    another organisation's site or booking is the matrix's, 404) and writes nothing."""
    readable = [
        (m, e) for m, e in api_routes(matrix.app) if m == "GET" and allowed(TABLE[f"{m} {e}"], GOV)
    ]
    assert ("GET", "api_reports.traceability_due") in readable
    assert ("GET", "api_passports.get_full_passport") in readable
    problems, read = [], []
    for method, endpoint in readable:
        rule = TABLE[f"{method} {endpoint}"]
        for scope, url, response, writes in _send(matrix, method, endpoint):
            if expected(rule, GOV, scope, api=True)[0] != "allow":
                continue
            read.append((endpoint, scope))
            if response.status_code != 200:
                problems.append(f"GET {url}: {response.status_code} {response.get_json()}")
            if writes:
                problems.append(f"GET {url}: wrote {writes}")
    assert problems == []
    assert ("api_passports.get_full_passport", "other") in read


def test_every_api_write_is_refused_to_the_regulator(matrix):
    """Each POST that would change a record answers 403 with a message, and writes nothing;
    the POSTs that change no record write nothing either (but its own token)."""
    posts = [(m, e) for m, e in api_routes(matrix.app) if m == "POST"]
    assert ("POST", "api_bookings.create_booking") in posts
    problems, messages = [], {}
    for method, endpoint in posts:
        key = f"{method} {endpoint}"
        for _scope, url, response, writes in _send(matrix, method, endpoint):
            if key in NOT_THE_CALLERS:
                continue
            if writes:
                problems.append(f"POST {url}: wrote {writes}")
            if key in NOT_RECORD_WRITES:
                continue
            body = response.get_json(silent=True) or {}
            if response.status_code != 403 or not body.get("message"):
                problems.append(f"POST {url}: {response.status_code} {body}, not 403")
            messages[key] = body.get("message")
    assert problems == []
    # who may, said before any record is read: never "no such booking" for one it can see
    # each says who may, in the caller's language (Chinese here), never "no such booking"
    untranslated = {k: m for k, m in messages.items() if not re.search(r"[\u4e00-\u9fff]", m)}
    assert untranslated == {}
    assert not [m for m in messages.values() if m.startswith("没有")]


def test_the_full_passport_of_another_organisations_pack(matrix):
    """The regulator's full passport of a dealer's pack: its owner and every event with
    who recorded it, found by its code typed in lower case (as the look-up box reads it)."""
    code = matrix.world.other["pack"]
    headers = {"Authorization": f"Bearer {matrix.tokens[GOV]}"}
    client = matrix.app.test_client()
    response = client.get(f"/api/v1/passports/{code.lower()}/full", headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.json
    assert body["code"] == code and body["owner"]
    assert body["events"] and all(
        "recorded_by" in e and "organisation" in e for e in body["events"]
    )
    public = client.get(f"/api/v1/passports/{code}").json
    assert len(body["events"]) >= len(public["events"])  # private events too


def test_the_openapi_document_says_who_may(matrix):
    """The documented 403s name the regulator where it may read, and only GET is offered."""
    spec = matrix.app.test_client().get("/api/v1/openapi.json").json
    due = spec["paths"]["/api/v1/traceability/due"]["get"]["responses"]["403"]
    assert "government partner" in due["description"]
    full = spec["paths"]["/api/v1/passports/{code}/full"]
    assert set(full) - {"parameters"} == {"get"}
    assert "government partner" in full["get"]["responses"]["404"]["description"]
