"""The API answers in one language, chosen one way for every operation (web/api/language.py):
an explicit Accept-Language (q-values honoured) wins, else the token user's own language,
else Chinese; its messages, field errors and quote lines follow it, and no field error is
filed under one of marshmallow's internal keys (`_schema`)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Role
from tests import worlds
from tests.web.test_bookings import body, headers

world = worlds.dealer_at_site

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORDS = re.compile(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{2,}){2,}")  # an English phrase

# (role, method, path, body): a refused request per area; None: no token needed.
REFUSED = {
    "booking": (
        Role.DEALER_STAFF,
        "post",
        "/api/v1/bookings",
        {"site_id": 0, "date": "soon", "window": ["09:00"], "lots": [1, {"count": 0}]},
    ),
    "booking_not_an_object": (Role.DEALER_STAFF, "post", "/api/v1/bookings", [1, 2]),
    "quote_both_distances": (
        Role.DEALER_STAFF,
        "post",
        "/api/v1/quotes/scrap",
        {"chemistry": "LFP", "form": "pack", "mass_kg": 100, "distance_km": 5, "site_id": 1},
    ),
    "quote_no_distance": (
        Role.DEALER_STAFF,
        "post",
        "/api/v1/quotes/scrap",
        {"chemistry": "LFP", "form": "pack", "mass_kg": 100},
    ),
    "quote_bad_fields": (
        Role.DEALER_STAFF,
        "post",
        "/api/v1/quotes/scrap",
        {"chemistry": "lfp", "form": "pack", "mass_kg": 0},
    ),
    "site": (Role.DEALER_STAFF, "post", "/api/v1/sites/", {"name": "", "lat": 44.5}),
    "site_lat_alone": (Role.DEALER_STAFF, "post", "/api/v1/sites/", {"name": "A", "lat": 44.5}),
    "order": (Role.BUYER, "post", "/api/v1/orders", {"lines": [1, {"pack_id": 0}]}),
    "order_no_lines": (Role.BUYER, "post", "/api/v1/orders", {"lines": []}),
    "calendar": (Role.DEALER_STAFF, "get", "/api/v1/calendar?from=2027-01-10&to=2027-01-02", None),
    "passport": (None, "get", "/api/v1/passports/NO-SUCH-CODE", None),
}


def _texts(errors) -> list[str]:
    """Every message of a field-errors tree."""
    if isinstance(errors, dict):
        return [text for value in errors.values() for text in _texts(value)]
    if isinstance(errors, list):
        return [text for value in errors for text in _texts(value)]
    return [str(errors)]


def _keys(errors) -> list[str]:
    """Every key of a field-errors tree, at any depth."""
    if isinstance(errors, dict):
        return [str(k) for k in errors] + [k for v in errors.values() for k in _keys(v)]
    if isinstance(errors, list):
        return [k for v in errors for k in _keys(v)]
    return []


def _refused(client, bearer_as, case, *, accept=None, user_locale=None):
    role, method, path, body = REFUSED[case]
    headers = {}
    if role is not None:
        user, headers = bearer_as(role)
        user.locale = user_locale  # the language chosen on the site (its account page)
        db.session.commit()
    if accept is not None:
        headers = {**headers, "Accept-Language": accept}
    response = getattr(client, method)(path, json=body, headers=headers)
    assert 400 <= response.status_code < 500, response.json
    return response.json


def _readable(body) -> list[str]:
    """The texts a person reads: the message without its field paths, and each field error."""
    message = re.sub(r"(?:^|\s|\|)\s*[\w.\[\]]+: ", " ", body["message"])
    return [message, *_texts(body.get("errors") or {})]


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_an_english_request_reads_english_everywhere(client, bearer_as, case):
    body = _refused(client, bearer_as, case, accept="en")
    for text in _readable(body):
        assert not CJK.search(text), (case, text)
    assert not [k for k in _keys(body.get("errors") or {}) if k.startswith("_")], body


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_chinese_request_reads_chinese_everywhere(client, bearer_as, case):
    body = _refused(client, bearer_as, case, accept="zh-CN", user_locale="en")
    for text in _readable(body):
        assert CJK.search(text), (case, text)
        assert not LATIN_WORDS.search(text), (case, text)
    assert not [k for k in _keys(body.get("errors") or {}) if k.startswith("_")], body
    assert "_schema" not in body["message"]


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_the_code_and_fields_do_not_change_with_the_language(client, bearer_as, case):
    english = _refused(client, bearer_as, case, accept="en")
    chinese = _refused(client, bearer_as, case, accept="zh")
    assert english["code"] == chinese["code"]
    assert english.get("error") == chinese.get("error")
    assert english.get("field") == chinese.get("field")
    assert sorted(_keys(english.get("errors") or {})) == sorted(_keys(chinese.get("errors") or {}))


@pytest.mark.parametrize(
    ("accept", "user_locale", "chinese"),
    [
        (None, None, True),  # no header, no saved language: Chinese
        (None, "en", False),  # the token user's own language
        (None, "zh_CN", True),
        ("en", "zh_CN", False),  # an explicit header wins over the user's
        ("zh", "en", True),
        ("en;q=0.5, zh;q=0.9", "en", True),  # q-values honoured, not the first exact tag
        ("zh-CN;q=0.2, en-US", "zh_CN", False),
        ("fr, *", "en", False),  # no language lithloop speaks: the user's
        ("fr", None, True),
    ],
)
def test_the_language_rule(client, bearer_as, accept, user_locale, chinese):
    body = _refused(client, bearer_as, "site_lat_alone", accept=accept, user_locale=user_locale)
    assert bool(CJK.search(body["message"])) is chinese, body["message"]
    assert bool(CJK.search(_texts(body["errors"])[0])) is chinese, body["errors"]


SCRAP = {"chemistry": "NCM523", "form": "pack", "mass_kg": 300, "distance_km": 40}
SECOND_LIFE = {"chemistry": "LFP", "rated_kwh": 60, "soh_pct": 82, "grade": "A"}


@pytest.mark.parametrize(
    ("path", "body"), [("/api/v1/quotes/scrap", SCRAP), ("/api/v1/quotes/second-life", SECOND_LIFE)]
)
def test_a_quotes_lines_follow_the_readers_language(client, bearer_as, path, body):
    _, headers = bearer_as(Role.DEALER_STAFF)
    english = client.post(path, json=body, headers={**headers, "Accept-Language": "en"}).json
    chinese = client.post(path, json=body, headers={**headers, "Accept-Language": "zh"}).json
    assert [line["key"] for line in english["lines"]] == [line["key"] for line in chinese["lines"]]
    assert [line["amount_fen"] for line in english["lines"]] == [
        line["amount_fen"] for line in chinese["lines"]
    ]
    for line in english["lines"]:
        assert not CJK.search(line["text"]), line
    for line in chinese["lines"]:
        assert CJK.search(line["text"]) and not LATIN_WORDS.search(line["text"]), line
    if "explanation" in english:
        assert not CJK.search(english["explanation"]["text"])
        assert CJK.search(chinese["explanation"]["text"])
        assert english["explanation"]["key"] == chinese["explanation"]["key"]


def test_a_bookings_frozen_quote_reads_in_the_readers_language(client, world):
    h = headers(client, world["dealer"])
    made = client.post(
        "/api/v1/bookings", json=body(world["site"]), headers={**h, "Accept-Language": "en"}
    )
    assert made.status_code == 201, made.json
    english = made.json["quote"]["lots"][0]
    chinese = client.get(
        f"/api/v1/bookings/{made.json['id']}", headers={**h, "Accept-Language": "zh"}
    ).json["quote"]["lots"][0]
    assert [line["key"] for line in english["lines"]] == [line["key"] for line in chinese["lines"]]
    assert all(not CJK.search(line["text"]) for line in english["lines"])
    assert all(CJK.search(line["text"]) for line in chinese["lines"])
    assert CJK.search(chinese["explanation"]["text"])
    assert not CJK.search(english["explanation"]["text"])


def test_a_database_that_does_not_answer_still_gets_a_refusal_in_the_default_language(
    client, bearer_as, monkeypatch
):
    _, headers = bearer_as(Role.DEALER_STAFF)

    def lost(token):
        raise sa.exc.OperationalError("SELECT", {}, Exception("connection lost"))

    monkeypatch.setattr("lithloop.web.api.security.user_for_token", lost)
    response = client.post("/api/v1/sites/", json={"name": "A", "lat": 44.5}, headers=headers)
    assert response.status_code == 422 and response.json["errors"]["json"]["lon"]
    assert CJK.search(response.json["message"])


def test_a_failed_runs_failure_is_told_in_the_readers_language(client, bearer_as):
    from lithloop.models import RunStatus
    from lithloop.services.dispatch.runs import STALE_ERROR
    from tests.factories import PlanRunFactory

    run = PlanRunFactory(status=RunStatus.FAILED, error=STALE_ERROR)
    db.session.commit()
    _, headers = bearer_as(Role.DISPATCHER)
    path = f"/api/v1/plans/runs/{run.id}"
    english = client.get(path, headers={**headers, "Accept-Language": "en"}).json
    chinese = client.get(path, headers={**headers, "Accept-Language": "zh"}).json
    assert english["error"] == chinese["error"] == STALE_ERROR  # the stored detail, as kept
    assert english["failure"] and not CJK.search(english["failure"])
    assert CJK.search(chinese["failure"]) and not LATIN_WORDS.search(chinese["failure"])


def test_the_openapi_document_states_the_language_rule(client):
    described = client.get("/api/v1/openapi.json").json["info"]["description"]
    for part in ("Accept-Language", "q-values", "token's user", "Chinese", "`failure`"):
        assert part in described
