"""Hot API endpoints use a fixed number of queries, however many bookings there are."""

from __future__ import annotations

import contextlib

from lithloop.services.booking import bookings as booking_service
from lithloop.services.booking import prices as price_service
from tests.conftest import api_headers
from tests.factories import make_org, make_park, make_site, make_user
from tests.sent_sql import sent_statements
from tests.web.test_bookings import open_day


@contextlib.contextmanager
def counted(app):
    """Count the SQL statements the served app runs inside the block (not pool_pre_ping's
    SELECT 1, nor an API token's last-use stamp: an UPDATE at most once a minute per token,
    in its own transaction, tested in tests/web/test_api_tokens.py)."""
    with sent_statements(app, _counts) as seen:
        yield seen


def _counts(statement: str) -> bool:
    text = statement.lstrip().upper()
    return not text.startswith("SELECT 1") and not text.startswith("UPDATE API_TOKEN SET LAST")


def book(user, site, n: int) -> None:
    for i in range(n):
        booking_service.book_pickup(
            user,
            {
                "site_id": site.id,
                "date": open_day(1 + i % 5).isoformat(),
                "window": ["08:00", "17:00"],
                "lots": [
                    {
                        "chemistry": "LFP",
                        "form": "pack",
                        "count": 1,
                        "mass_kg": "100",
                        "condition": "intact",
                        "damage": [],
                        "codes": [],
                    }
                ],
            },
        )


def test_api_booking_list_queries_do_not_grow_with_bookings(app, client):
    price_service.ensure_default_index()
    make_park()
    user = make_user(make_org())
    site = make_site(user.organisation)
    headers = api_headers(client, user)
    app.config["USER_CACHE_S"] = 0  # count the token lookup in both calls alike
    book(user, site, 2)
    with counted(app) as few:
        assert len(client.get("/api/v1/bookings", headers=headers).json) == 2
    book(user, site, 6)
    with counted(app) as many:
        assert len(client.get("/api/v1/bookings", headers=headers).json) == 8
    assert len(many) == len(few) <= 6


def test_bearer_token_lookup_is_one_query(app, client):
    user = make_user(make_org())
    headers = api_headers(client, user)
    app.config["USER_CACHE_S"] = 0
    with counted(app) as seen:
        assert client.get("/api/v1/calendar", headers=headers).status_code == 200
    assert sum("api_token" in q for q in seen) == 1
    assert not any(q.lstrip().startswith("SELECT organisation.") for q in seen)


def test_calendar_is_served_from_memory_until_this_process_books(app, client):
    price_service.ensure_default_index()
    make_park()
    user = make_user(make_org())
    site = make_site(user.organisation)
    headers = api_headers(client, user)
    url = f"/api/v1/calendar?from={open_day(1)}&to={open_day(1)}"
    before = client.get(url, headers=headers).json[0]
    with counted(app) as seen:
        assert client.get(url, headers=headers).json[0] == before
    assert seen == []  # the token's user and the day counters came from memory
    book(user, site, 1)
    after = client.get(url, headers=headers).json[0]
    assert after["booked_stops"] == before["booked_stops"] + 1
