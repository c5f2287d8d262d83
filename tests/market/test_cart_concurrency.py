"""Two tabs adding a pack to the same cart at once: both packs stay in it (PostgreSQL only,
since SQLite ignores FOR UPDATE).

The cart was read at the start of the request and saved whole at its end: a second tab
reading it before the first one saved wrote back the cart without the first tab's pack."""

from __future__ import annotations

import threading

import pytest

from lithloop.extensions import db
from lithloop.models import User
from lithloop.services.market import cart as market_cart
from lithloop.services.market import catalog
from tests.conftest import Auth, app_on_own_pg_database, submit
from tests.market.support import list_packs, make_buyer


def _seed():
    buyer = make_buyer()
    market_cart.save(buyer, [], {})  # the cart exists: the race is on its contents
    return buyer.id, buyer.email, [p.id for p in list_packs(2)]


@pytest.fixture
def pg_app(pg_database_url):
    with app_on_own_pg_database("lithloop_cart", _seed) as seeded:
        yield seeded


def test_two_tabs_adding_at_once_keep_both_packs(pg_app, monkeypatch):
    app, (user_id, email, pack_ids) = pg_app
    tabs = []
    for _ in pack_ids:  # each tab its own client (and connection), the same buyer
        client = app.test_client()
        Auth(client).login(email)
        submit(client, "/market/cart/add", {}, page="/market/")  # nothing added: a token
        tabs.append(client)
    both_checked = threading.Barrier(len(tabs), timeout=10)
    checked = catalog.on_sale

    def on_sale_then_wait(pack_id):  # both requests are past their checks at once
        pack = checked(pack_id)
        both_checked.wait()
        return pack

    monkeypatch.setattr(catalog, "on_sale", on_sale_then_wait)
    answers: list = []

    def add(client, pack_id):
        answers.append(submit(client, "/market/cart/add", {"pack_id": pack_id}).status_code)

    threads = [threading.Thread(target=add, args=pair) for pair in zip(tabs, pack_ids, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert answers == [302, 302]
    with app.app_context():
        assert sorted(market_cart.read(db.session.get(User, user_id))["packs"]) == pack_ids
