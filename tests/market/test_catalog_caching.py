"""The catalog under load: brief per-process cache, ETag, constant queries, throttled sweep."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.cache import read_cache
from lithloop.extensions import db
from lithloop.models import Pack
from tests.conftest import api_headers
from tests.market.support import list_packs, make_buyer
from tests.web.test_query_counts import counted


def ids(response) -> set[int]:
    return {p["id"] for p in response.json}


def write_from_another_worker(statement) -> None:
    """A write this process's sessions never flush (as another gunicorn worker's would)."""
    with db.engine.begin() as conn:
        conn.execute(statement)


def test_catalog_drops_its_cache_when_this_process_changes_a_pack(client):
    headers = api_headers(client, make_buyer())
    first, second = list_packs(2)
    assert ids(client.get("/api/v1/packs", headers=headers)) == {first.id, second.id}
    order = client.post("/api/v1/orders", json={"lines": [{"pack_id": first.id}]}, headers=headers)
    assert order.status_code == 201, order.json
    assert ids(client.get("/api/v1/packs", headers=headers)) == {second.id}


def test_another_workers_change_shows_once_the_entry_expires(app, client, monkeypatch):
    headers = api_headers(client, make_buyer())
    (pack,) = list_packs(1)
    clock = [1000.0]
    monkeypatch.setattr(read_cache.time, "monotonic", lambda: clock[0])
    assert ids(client.get("/api/v1/packs", headers=headers)) == {pack.id}
    write_from_another_worker(sa.update(Pack).where(Pack.id == pack.id).values(price_fen=None))
    assert ids(client.get("/api/v1/packs", headers=headers)) == {pack.id}  # cached
    clock[0] += app.config["READ_CACHE_S"] + 0.1
    assert ids(client.get("/api/v1/packs", headers=headers)) == set()


def test_no_cache_when_read_cache_s_is_zero(app, client):
    app.config["READ_CACHE_S"] = 0
    headers = api_headers(client, make_buyer())
    (pack,) = list_packs(1)
    assert ids(client.get("/api/v1/packs", headers=headers)) == {pack.id}
    write_from_another_worker(sa.update(Pack).where(Pack.id == pack.id).values(price_fen=None))
    assert ids(client.get("/api/v1/packs", headers=headers)) == set()


def test_catalog_answers_304_to_a_matching_etag_and_200_once_it_changed(client):
    headers = api_headers(client, make_buyer())
    list_packs(2)
    first = client.get("/api/v1/packs", headers=headers)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"].startswith("private, max-age=")
    again = client.get("/api/v1/packs", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    list_packs(1)
    changed = client.get("/api/v1/packs", headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200 and len(changed.json) == 3


def test_catalog_api_and_page_use_constant_queries(app, client, auth):
    buyer = make_buyer()
    headers = api_headers(client, buyer)
    app.config["READ_CACHE_S"] = 0
    app.config["USER_CACHE_S"] = 0
    list_packs(2)
    list_packs(1, chemistry="NCM523", grade="B", price_fen=300_000)
    with counted(app) as few:
        client.get("/api/v1/packs", headers=headers)
    list_packs(5, chemistry="NCM811", price_fen=900_000)
    with counted(app) as many:
        assert len(client.get("/api/v1/packs", headers=headers).json) == 8
    assert len(few) == len(many) == 2  # token, packs
    auth.login(buyer.email)
    client.get("/market/")  # the first visit of this worker sweeps expired reservations
    with counted(app) as page:
        assert client.get("/market/").status_code == 200
    list_packs(4, chemistry="LFP", grade="B", price_fen=500_000)
    with counted(app) as bigger:
        client.get("/market/")
    with counted(app) as filtered:
        client.get("/market/?chemistry=LFP")
    # user, organisation, the ended-session check (logout is server-side), packs
    assert len(page) == len(bigger) <= 4, "\n".join(q[:120] for q in page)
    assert len(filtered) == len(page) + 1  # and the chemistries on sale for the filter


def test_the_catalog_page_leaves_expired_reservations_to_housekeeping(app, client, auth):
    # The sweep was the page's until issue 16; a GET never writes, so it is periodic
    # housekeeping now (lithloop/jobs/housekeeping.py, tests/test_get_writes_nothing.py).
    buyer = make_buyer()
    auth.login(buyer.email)
    list_packs(1)
    with counted(app) as first:
        client.get("/market/")
    with counted(app) as second:
        client.get("/market/")
    assert not any("FROM market_order" in q for q in first + second)
