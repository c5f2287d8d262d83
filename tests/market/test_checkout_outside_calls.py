"""A checkout measures its delivery (the road distance and the truck's reach: OSRM when
configured, a geocoder for an address without a city) before it locks the buyer
organisation's row, never while holding it: every other checkout of the organisation and
a suspension by the park wait for that lock, and an outside call may take its whole
timeout (PostgreSQL only: SQLite ignores FOR UPDATE)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.geo.matrices import RoadMatrices
from lithloop.models import Order, User
from lithloop.services.market import checkout
from tests.conftest import app_on_own_pg_database
from tests.market.support import list_packs, make_buyer


def _seed():
    buyer = make_buyer("送货买家")
    return buyer.id, buyer.organisation_id, list_packs(1)[0].id


@pytest.fixture
def pg_app(pg_database_url):
    """An app on a database of its own (a second connection sees only committed locks)."""
    with app_on_own_pg_database("lithloop_oc", _seed) as seeded:
        yield seeded


def _probing(real, org_id: int, seen: list):
    """`real` (a distance provider's call), first asking from another connection whether
    the organisation's row is free to lock."""

    def call(self, *args, **kwargs):
        with db.engine.connect() as other:
            try:
                other.execute(
                    sa.text("SELECT id FROM organisation WHERE id = :id FOR UPDATE NOWAIT"),
                    {"id": org_id},
                )
                seen.append("free")
            except sa.exc.OperationalError:
                seen.append("locked")
            other.rollback()
        return real(self, *args, **kwargs)

    return call


@pytest.mark.parametrize(
    "delivery",
    [
        {"kind": "address", "city": "海林市", "address": "林海路 1 号", "phone": "13904531234"},
        {"kind": "address", "address": "牡丹江市东安区江滨大道1号", "phone": "13904531234"},
    ],
    ids=["by-city", "by-address"],
)
def test_the_delivery_is_measured_before_the_organisation_is_locked(pg_app, monkeypatch, delivery):
    app, (user_id, org_id, pack_id) = pg_app
    seen: list[str] = []
    for name in ("matrices", "distance_m"):
        real = getattr(RoadMatrices, name)
        monkeypatch.setattr(RoadMatrices, name, _probing(real, org_id, seen))
    with app.app_context():
        order = checkout.checkout(db.session.get(User, user_id), [{"pack_id": pack_id}], delivery)
        assert order.delivery_fee_fen > 0
        assert db.session.get(Order, order.id).delivery_km is not None
        db.session.remove()
    assert seen and set(seen) == {"free"}, seen
