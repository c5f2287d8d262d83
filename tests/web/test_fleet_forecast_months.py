"""The forecast's month table at phone width: months with nothing due are left out of the
cards (a year of zeros took four screens) and counted in a note, unless every month is empty."""

from __future__ import annotations

from decimal import Decimal

from lithloop.extensions import db
from tests import worlds
from tests.factories import make_bus_pack

manager = worlds.logged_in_fleet_manager


def test_empty_months_are_marked_and_counted_when_some_month_has_packs(client, manager):
    # below the threshold: due this month
    make_bus_pack(manager.organisation_id, "黑C·F0001", soh_pct=Decimal("70"))
    html = client.get("/fleet/forecast?months=1").get_data(as_text=True)
    empty = html.count('class="muted no-packs"')
    assert empty >= 1
    assert f"这里未列出 {empty} 个没有到期电池包的月份" in html


def test_a_forecast_with_nothing_due_keeps_every_month(client, manager):
    html = client.get("/fleet/forecast").get_data(as_text=True)
    assert "no-packs" not in html and "没有到期电池包的月份" not in html


def test_a_proposal_names_the_buses_its_packs_come_off(client, manager):
    """Walk finding: a proposal (and the booking made from it) gave only totals per
    chemistry: nothing said which buses to prepare for the pickup."""
    from lithloop.models import Site, SiteKind

    depot = Site(
        organisation_id=manager.organisation_id,
        kind=SiteKind.BUS_DEPOT,
        name="第一停保场",
        lat=44.58,
        lon=129.6,
        city="牡丹江",
    )
    db.session.add(depot)
    for plate in ("黑C·F0002", "黑C·F0001", "黑C·F0001"):
        make_bus_pack(manager.organisation_id, plate, mass_kg=Decimal("700"), soh_pct=Decimal(70))
    html = client.get("/fleet/forecast").get_data(as_text=True)
    first, second = (f'<span class="nowrap">{p}</span>' for p in ("黑C·F0001", "黑C·F0002"))
    count = '<span class="nowrap">（2 个电池包）</span>'  # two packs of bus F0001
    assert f'<dd class="plates">{first}{count}、{second}</dd>' in html
