"""With no price index version stored, every read of prices uses the embedded default
index and stores nothing; the first stored versions come from a command or the admin's
first change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop import clock, pricing
from lithloop.extensions import db
from lithloop.models import Grade, PriceIndexVersion, Role
from lithloop.services.booking import price_versions
from lithloop.services.booking import prices as price_service
from lithloop.services.errors import Conflict
from lithloop.services.plant import grading
from tests.conftest import api_headers, csrf_token
from tests.factories import PackFactory, make_site, make_user_as

LOT = {"chemistry": "NCM811", "form": "pack", "mass_kg": "500", "condition": "intact"}
SECOND_LIFE = {"chemistry": "LFP", "rated_kwh": "50", "soh_pct": "85", "grade": "A"}


def stored() -> int:
    """How many price index versions the database holds."""
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(PriceIndexVersion.id)))


@pytest.fixture
def embedded():
    """The embedded version in force today (the newest: every one is in the past)."""
    latest = pricing.latest_snapshot()
    assert latest.effective_date <= clock.today()
    return latest


def test_the_public_page_and_the_quote_api_price_on_the_embedded_index(client, embedded):
    dealer = make_user_as(Role.DEALER_STAFF)
    headers = api_headers(client, dealer)
    assert stored() == 0
    page = client.get("/prices")
    assert page.status_code == 200 and embedded.version in page.get_data(as_text=True)
    scrap = client.post("/api/v1/quotes/scrap", json={**LOT, "distance_km": "120"}, headers=headers)
    life = client.post("/api/v1/quotes/second-life", json=SECOND_LIFE, headers=headers)
    assert stored() == 0
    lot = pricing.ScrapLot.from_dict({**LOT, "distance_km": "120"})
    expected = pricing.quote_scrap(lot, embedded, quoted_on=clock.today())
    assert scrap.json["index_version"] == embedded.version
    assert scrap.json["total_fen"] == expected.total_fen
    pack = pricing.SecondLifePack.from_dict(SECOND_LIFE)
    assert life.json["price_fen"] == pricing.price_second_life(pack, embedded).price_fen
    assert price_service.indicative_table() == pricing.indicative_scrap_table(embedded)
    assert stored() == 0


def test_the_booking_forms_quote_panel_stores_nothing(client, login_as, embedded):
    dealer = login_as(Role.DEALER_STAFF)
    site = make_site(dealer.organisation)
    token = csrf_token(client, "/bookings/new")
    form = {f"lots-0-{k}": v for k, v in LOT.items()} | {"lots-0-count": "1"}
    panel = client.post("/bookings/quote", data={**form, "site_id": site.id, "csrf_token": token})
    assert panel.status_code == 200
    assert embedded.version in panel.get_data(as_text=True)
    assert stored() == 0


def test_the_admins_price_pages_list_the_embedded_versions_and_store_nothing(client, login_as):
    login_as(Role.ADMIN)
    first, latest = pricing.default_snapshots()[0], pricing.latest_snapshot()
    history = client.get("/admin/prices").get_data(as_text=True)
    assert all(s.version in history for s in pricing.default_snapshots())
    assert client.get("/admin/prices/new").status_code == 200
    compared = client.get(f"/admin/prices/compare?a={first.version}&b={latest.version}")
    assert compared.status_code == 200
    assert stored() == 0


def test_a_packs_refurbish_or_recycle_decision_stores_nothing(client, login_as, embedded):
    login_as(Role.PLANT_OPERATOR)
    pack = PackFactory(grade=Grade.A)
    db.session.commit()
    assert client.get(f"/plant/packs/{pack.id}").status_code == 200
    decision = grading.decide(pack, Grade.A, pack.soh_pct)
    item = pricing.SecondLifePack(
        chemistry="LFP",
        rated_kwh=Decimal(50),
        soh_pct=Decimal(85),
        cycles=None,
        grade="A",
        mass_kg=Decimal(300),
    )
    assert decision == pricing.refurbish_or_recycle(item, embedded)
    assert stored() == 0


def test_the_admins_first_change_stores_the_embedded_versions_it_builds_on(app, embedded):
    admin = make_user_as(Role.ADMIN)
    with pytest.raises(Conflict):  # an embedded version's label is taken before it is stored
        price_versions.add_version(
            admin, version=embedded.version, effective_date=date(2026, 2, 1), note="", prices={}
        )
    row = price_versions.add_version(
        admin,
        version="first-change",
        effective_date=date(2026, 2, 1),
        note="",
        prices={"li2co3": Decimal("90000")},
    )
    assert stored() == len(pricing.default_snapshots()) + 1
    snapshot = price_service.snapshot_of(row)
    assert snapshot.prices["li2co3"].value == Decimal("90000")
    assert snapshot.prices["ni"] == embedded.prices["ni"]
    assert price_service.current_index().version == "first-change"


def test_the_seed_prices_command_stores_the_embedded_versions_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-prices"])
    assert first.exit_code == 0, first.output
    assert stored() == len(pricing.default_snapshots())
    again = runner.invoke(args=["seed-prices"])
    assert again.exit_code == 0 and again.output.startswith("0 ")
    assert stored() == len(pricing.default_snapshots())
