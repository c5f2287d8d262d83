"""API tokens are trusted from memory for USER_CACHE_S, never past a write this worker saw."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop import clock
from lithloop.cache import read_cache
from lithloop.extensions import db
from lithloop.models import ApiToken, OrgStatus
from lithloop.services.booking import prices as price_service
from tests.conftest import api_headers
from tests.factories import make_org, make_park, make_site, make_user
from tests.web.test_bookings import open_day
from tests.web.test_query_counts import book, counted


def token_queries(seen: list[str]) -> int:
    return sum("api_token" in q for q in seen)


def test_second_call_trusts_the_token_without_a_query(app, client):
    user = make_user(make_org())
    headers = api_headers(client, user)
    assert client.get("/api/v1/calendar", headers=headers).status_code == 200
    with counted(app) as seen:
        assert client.get("/api/v1/calendar", headers=headers).status_code == 200
    assert token_queries(seen) == 0


def test_cached_user_can_write_and_sees_its_own_organisation(app, client):
    price_service.ensure_default_index()
    make_park()
    user = make_user(make_org())
    site = make_site(user.organisation)
    other = make_user(make_org())
    book(other, make_site(other.organisation), 1)  # another organisation's: never listed
    headers = api_headers(client, user)
    assert client.get("/api/v1/bookings", headers=headers).json == []
    book(user, site, 1)
    with counted(app) as seen:
        listed = client.get("/api/v1/bookings", headers=headers).json
    assert token_queries(seen) == 0
    assert [b["site_id"] for b in listed] == [site.id]
    created = client.post(
        "/api/v1/bookings",
        headers=headers,
        json={
            "site_id": site.id,
            "date": open_day(2).isoformat(),
            "window": ["08:00", "17:00"],
            "lots": [{"chemistry": "LFP", "count": 1, "mass_kg": "100", "codes": []}],
        },
    )
    assert created.status_code == 201, created.json  # a write made as the merged user
    assert len(client.get("/api/v1/bookings", headers=headers).json) == 2


def test_disabling_the_account_here_takes_effect_at_once(app, client):
    user = make_user(make_org())
    headers = api_headers(client, user)
    assert client.get("/api/v1/calendar", headers=headers).status_code == 200
    user.enabled = False
    db.session.commit()
    assert client.get("/api/v1/calendar", headers=headers).status_code == 401


def test_rejecting_the_organisation_or_revoking_the_token_here_takes_effect_at_once(app, client):
    user = make_user(make_org())
    headers = api_headers(client, user)
    assert client.get("/api/v1/calendar", headers=headers).status_code == 200
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    token.revoked_at = clock.now()
    db.session.commit()
    assert client.get("/api/v1/calendar", headers=headers).status_code == 401
    fresh = api_headers(client, user)
    assert client.get("/api/v1/calendar", headers=fresh).status_code == 200
    user.organisation.status = OrgStatus.REJECTED
    db.session.commit()
    assert client.get("/api/v1/calendar", headers=fresh).status_code == 401


def test_a_change_this_worker_did_not_see_applies_within_the_ttl(app, client, monkeypatch):
    user = make_user(make_org())
    headers = api_headers(client, user)
    assert client.get("/api/v1/calendar", headers=headers).status_code == 200
    # As another worker would: a write outside this process's sessions (no ORM events).
    with db.engine.begin() as conn:
        conn.execute(sa.text('UPDATE "user" SET enabled = false WHERE id = :id'), {"id": user.id})
    assert client.get("/api/v1/calendar", headers=headers).status_code == 200  # still cached
    later = read_cache.time.monotonic() + app.config["USER_CACHE_S"] + 1
    monkeypatch.setattr(read_cache.time, "monotonic", lambda: later)
    assert client.get("/api/v1/calendar", headers=headers).status_code == 401


def test_zero_ttl_looks_every_token_up(app, client):
    app.config["USER_CACHE_S"] = 0
    user = make_user(make_org())
    headers = api_headers(client, user)
    for _ in range(2):
        with counted(app) as seen:
            assert client.get("/api/v1/calendar", headers=headers).status_code == 200
        assert token_queries(seen) == 1


def test_a_page_finds_its_session_user_without_a_query(app, client, auth):
    user = make_user(make_org())
    auth.login(user.email)
    assert client.get("/bookings/").status_code == 200
    with counted(app) as seen:
        assert client.get("/bookings/").status_code == 200
    assert not any(
        'FROM "user"' in q or "FROM user " in q or "FROM organisation" in q for q in seen
    )
    user.enabled = False  # as an admin would, in this process
    db.session.commit()
    assert client.get("/bookings/").status_code == 302  # logged out at once
