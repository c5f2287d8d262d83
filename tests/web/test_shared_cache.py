"""With shared commit counters, no worker serves a cached read another worker made stale.

"Another worker" is a real second process (forked), as under gunicorn: its commits never
touch this process's own table generations, only the shared counters (file or Redis).
"""

from __future__ import annotations

import multiprocessing
import os
from decimal import Decimal

import pytest
import redis
import sqlalchemy as sa

from lithloop import clock
from lithloop.cache import shared_generations
from lithloop.extensions import db
from lithloop.models import ApiToken, OrgKind, Role, Site, User
from lithloop.payments.localstripe_server import free_port
from lithloop.services.booking import price_versions
from lithloop.services.booking import prices as price_service
from tests.conftest import api_headers, make_app, submit
from tests.factories import PASSWORD, make_org, make_park, make_site, make_user
from tests.needs import missing
from tests.web.test_prices import LOT
from tests.web.test_query_counts import book, counted

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def in_other_process(app, work, *args) -> None:
    """Run work(*args) in a forked process inside its own app context, as another worker."""

    def target():
        with app.app_context():
            db.engine.dispose(close=False)  # the parent's connections stay the parent's
            work(*args)
            db.session.remove()

    child = multiprocessing.get_context("fork").Process(target=target)
    child.start()
    child.join(60)
    assert child.exitcode == 0


def book_as(user_id: int, site_id: int) -> None:
    book(db.session.get(User, user_id), db.session.get(Site, site_id), 1)


def revoke_tokens_of(user_id: int) -> None:
    for token in db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user_id)):
        token.revoked_at = clock.now()
    db.session.commit()


@pytest.fixture(params=["file", "redis"])
def served(database_url, app, request, tmp_path):
    """The app under test, its counters in a file, in Redis, nowhere ("none") or in a Redis
    that is down ("down")."""
    kind = request.param
    if kind == "redis":
        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        except redis.ConnectionError:
            missing(f"Redis at {REDIS_URL}", "start redis-server (.ci/run does)")
    where = {
        "file": str(tmp_path / "counters"),
        "redis": REDIS_URL,
        "none": "none",
        "down": f"redis://127.0.0.1:{free_port()}/0",
    }[kind]  # nothing listens there
    return make_app(database_url, CACHE_COUNTERS=where)


@pytest.fixture
def dealer(app):
    price_service.ensure_default_index()
    make_park()
    user = make_user(make_org())
    site = make_site(user.organisation)
    book(user, site, 2)
    return user, site


def test_a_booking_made_by_another_worker_is_in_the_next_list(served, dealer):
    user, site = dealer
    client = served.test_client()
    headers = api_headers(client, user)
    assert len(client.get("/api/v1/bookings", headers=headers).json) == 2
    with counted(served) as seen:
        assert len(client.get("/api/v1/bookings", headers=headers).json) == 2
    assert seen == []  # token and list from memory: Redis says nothing changed
    in_other_process(served, book_as, user.id, site.id)
    assert len(client.get("/api/v1/bookings", headers=headers).json) == 3


def test_a_token_revoked_by_another_worker_is_refused_at_once(served, dealer):
    user, _site = dealer
    client = served.test_client()
    headers = api_headers(client, user)
    assert client.get("/api/v1/calendar", headers=headers).status_code == 200
    in_other_process(served, revoke_tokens_of, user.id)
    assert client.get("/api/v1/calendar", headers=headers).status_code == 401


@pytest.mark.parametrize("served", ["none"], indirect=True)
def test_without_shared_counters_the_list_is_never_cached(served, dealer):
    user, site = dealer
    assert shared_generations.for_app(served) is None
    client = served.test_client()
    headers = api_headers(client, user)
    client.get("/api/v1/bookings", headers=headers)
    with counted(served) as seen:
        assert len(client.get("/api/v1/bookings", headers=headers).json) == 2
    assert any("FROM booking" in q for q in seen)
    in_other_process(served, book_as, user.id, site.id)
    assert len(client.get("/api/v1/bookings", headers=headers).json) == 3


@pytest.mark.parametrize("served", ["down"], indirect=True)
def test_with_redis_down_reads_come_from_the_database(served, dealer):
    user, site = dealer
    client = served.test_client()
    headers = api_headers(client, user)
    assert len(client.get("/api/v1/bookings", headers=headers).json) == 2
    assert shared_generations.for_app(served).down_until > 0  # it was tried, and noted
    with counted(served) as seen:
        assert len(client.get("/api/v1/bookings", headers=headers).json) == 2
    assert any("FROM booking" in q for q in seen)  # not from a cache it cannot check
    in_other_process(served, book_as, user.id, site.id)
    assert len(client.get("/api/v1/bookings", headers=headers).json) == 3


def add_index_version(admin_id: int, label: str) -> None:
    price_versions.add_version(
        db.session.get(User, admin_id),
        version=label,
        effective_date=clock.today(),
        note="another worker",
        prices={"li2co3": Decimal("250000")},
    )


def move_site(site_id: int) -> None:
    db.session.get(Site, site_id).lat = 45.3  # about 80 km further north
    db.session.commit()


def test_quotes_follow_an_index_or_a_site_another_worker_changed(served, dealer):
    user, site = dealer
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    client = served.test_client()
    headers = api_headers(client, user)
    body = {**LOT, "chemistry": "LFP", "site_id": site.id}
    del body["distance_km"]  # the site gives it
    before = client.post("/api/v1/quotes/scrap", json=body, headers=headers).json
    assert "index_version" in before, before
    with counted(served) as seen:
        again = client.post("/api/v1/quotes/scrap", json=body, headers=headers).json
    assert again == before and seen == []  # index and site from memory
    in_other_process(served, add_index_version, admin.id, "other-worker-1")
    after = client.post("/api/v1/quotes/scrap", json=body, headers=headers).json
    assert after["index_version"] == "other-worker-1" != before["index_version"]
    in_other_process(served, move_site, site.id)
    moved = client.post("/api/v1/quotes/scrap", json=body, headers=headers).json
    assert moved["total_fen"] < after["total_fen"]  # a longer haul costs more
    other = make_site(make_org())
    refused = client.post(
        "/api/v1/quotes/scrap", json={**body, "site_id": other.id}, headers=headers
    )
    assert refused.status_code == 404  # another organisation's site, cached or not


def disable(user_id: int) -> None:
    db.session.get(User, user_id).enabled = False
    db.session.commit()


def test_an_account_disabled_by_another_worker_is_logged_out_at_once(served, dealer):
    user, _site = dealer
    client = served.test_client()
    submit(client, "/login", {"email": user.email, "password": PASSWORD})
    assert client.get("/bookings/").status_code == 200
    assert client.get("/bookings/").status_code == 200  # now from this worker's snapshot
    in_other_process(served, disable, user.id)
    assert client.get("/bookings/").status_code == 302
