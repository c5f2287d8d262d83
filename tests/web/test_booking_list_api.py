"""GET /api/v1/bookings: summaries a page at a time, documented, in constant queries."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Booking, MonthlyRollup, Role
from lithloop.services.booking import booking_list
from lithloop.services.booking import prices as price_service
from lithloop.services.reporting import rollups
from lithloop.web.api.bookings import BookingSummaryOut, booking_summary
from lithloop.web.api.common import pagination_header
from tests.conftest import api_headers
from tests.factories import make_org, make_park, make_site, make_user
from tests.web.test_query_counts import book, counted


@pytest.fixture
def dealer(app):
    price_service.ensure_default_index()
    park = make_park()
    user = make_user(make_org())
    book(user, make_site(user.organisation), 7)
    user.park = park  # the admin test's organisation
    return user


def test_list_items_are_summaries_without_quote_lots_or_history(client, dealer):
    headers = api_headers(client, dealer)
    item = client.get("/api/v1/bookings", headers=headers).json[0]
    assert {"quote", "lots", "events"}.isdisjoint(item)
    full = client.get(f"/api/v1/bookings/{item['id']}", headers=headers).json
    assert item["quote_total_fen"] == full["quote"]["total_fen"]
    assert item["quote_index_version"] == full["quote"]["index_version"]
    assert {
        k: full[k]
        for k in ("id", "status", "site_id", "date", "window", "total_mass_kg", "hazardous")
    } == {
        k: item[k]
        for k in ("id", "status", "site_id", "date", "window", "total_mass_kg", "hazardous")
    }


def test_the_hand_written_summary_is_what_the_documented_schema_gives(app, dealer):
    rows, total = booking_list.booking_page(dealer, 1, 50)
    assert total == len(rows) == 7
    schema = BookingSummaryOut()
    for row in rows:
        assert booking_summary(row) == schema.dump(row)
    assert set(booking_summary(rows[0])) == set(schema.fields)


def test_pages_cover_every_booking_once_newest_first(client, dealer):
    headers = api_headers(client, dealer)
    pages = [
        client.get(f"/api/v1/bookings?page={n}&page_size=3", headers=headers) for n in (1, 2, 3)
    ]
    ids = [b["id"] for page in pages for b in page.json]
    assert [len(p.json) for p in pages] == [3, 3, 1]
    assert len(set(ids)) == 7
    dates = [b["date"] for page in pages for b in page.json]
    assert dates == sorted(dates, reverse=True)
    meta = json.loads(pages[1].headers["X-Pagination"])
    assert meta["total"] == 7 and meta["total_pages"] == 3 and meta["page"] == 2
    assert json.loads(pages[2].headers["X-Pagination"])["total"] == 7


def test_default_page_size_is_50_and_too_large_a_page_is_refused(client, dealer):
    headers = api_headers(client, dealer)
    assert (
        json.loads(client.get("/api/v1/bookings", headers=headers).headers["X-Pagination"])["total"]
        == 7
    )
    assert client.get("/api/v1/bookings?page_size=201", headers=headers).status_code == 422
    assert client.get("/api/v1/bookings?page=9", headers=headers).json == []


def test_pagination_is_in_the_openapi_document(client):
    operation = client.get("/api/v1/openapi.json").json["paths"]["/api/v1/bookings"]["get"]
    params = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert params["page_size"]["default"] == 50 and params["page_size"]["maximum"] == 200
    assert params["page"]["default"] == 1
    assert "X-Pagination" in operation["responses"]["200"]["headers"]


def test_list_queries_stay_constant_and_skip_the_count_on_a_short_page(app, client, dealer):
    headers = api_headers(client, dealer)
    app.config["USER_CACHE_S"] = 0  # count the token lookup in both calls alike
    with counted(app) as short:
        client.get("/api/v1/bookings", headers=headers)
    with counted(app) as full:
        client.get("/api/v1/bookings?page_size=3", headers=headers)
    assert len(short) == 2  # token, page
    assert len(full) == 3  # token, page, count
    assert not any("booking_lot" in q or "booking_event" in q for q in short)


@pytest.mark.parametrize("total", [0, 1, 49, 50, 51, 200, 201])
@pytest.mark.parametrize(("page", "size"), [(1, 50), (2, 50), (5, 50), (1, 1), (3, 200)])
def test_the_pagination_header_says_what_flask_smorest_s_paginate_said(page, size, total):
    from flask_smorest import Blueprint

    expected = Blueprint._make_pagination_metadata(page, size, total)
    assert json.loads(pagination_header(page, size, total)["X-Pagination"]) == expected


def test_the_park_s_total_is_read_from_the_bookings_rollup_not_counted(app, client, dealer):
    """The admin's list is every booking: its total comes from the bookings rollup (a row a
    month, kept by every insert), not from counting the booking table (60,000 rows at ten
    years in bench/data_growth.py); a rollup behind what the page shows is not trusted."""
    other = make_user(make_org())
    book(other, make_site(other.organisation), 2)
    admin = make_user(dealer.park, role=Role.ADMIN)
    headers = api_headers(client, admin)
    app.config["READ_CACHE_S"] = 0  # each request reads the database
    assert rollups.booking_total() == 9 == db.session.scalar(sa.select(sa.func.count(Booking.id)))
    with counted(app) as statements:
        response = client.get("/api/v1/bookings?page_size=3", headers=headers)
    assert json.loads(response.headers["X-Pagination"])["total"] == 9
    assert not [q for q in statements if "count(" in q.lower()]
    assert rollups.recompute()[(rollups.month_of(clock.now()), "bookings", "")] == 9
    db.session.execute(sa.delete(MonthlyRollup))  # an import that skipped the rebuild
    db.session.commit()
    with counted(app) as statements:
        behind = client.get("/api/v1/bookings?page_size=3", headers=headers)
    assert json.loads(behind.headers["X-Pagination"])["total"] == 9  # counted instead
    assert [q for q in statements if "count(" in q.lower()]
