"""A fleet CSV row whose pack code the park has already received (any owner's pack) is an
error of the preview, beside its code: booking it is refused, so it would sit in the
register, proposed for a pickup that can never be made."""

from __future__ import annotations

import html
import json
import re
from datetime import date

from lithloop import clock
from lithloop.extensions import db
from lithloop.services.booking import bus_fleet
from tests.factories import PackFactory
from tests.web.test_fleet import (
    CODE_A,
    CODE_B,
    HEADER,
    add_pack,
    demo_fleet,
    manager,
    pack_count,
    stat,
    upload,
)
from tests.web.test_fleet_booked_by_code import _proposed

__all__ = ["demo_fleet", "manager"]  # the fixtures, used by name


def test_a_code_the_park_has_received_is_refused_beside_it_and_nothing_saved(client, manager):
    PackFactory(code=CODE_B)
    db.session.commit()
    data = (
        HEADER + f"黑C·D1,{CODE_A},LFP,295,2225,2019-03-01,\n"
        f"黑C·D2,{CODE_B},LFP,295,2225,2019-03-01,\n"
    ).encode()
    response = upload(client, data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"电池包编码 {CODE_B} 属于产业园已接收的电池包" in body
    assert stat(body, "错误") == "1"  # the other row, a code nobody has, is fine
    assert 'name="token"' not in body and pack_count() == 0


def test_a_register_pack_the_park_has_received_is_not_proposed_and_the_page_says_so(
    client, demo_fleet
):
    """Packs registered before the import refused such codes were proposed for a pickup
    whose acceptance was refused ("already received"): now they are left out, counted."""
    due = dict(soh="70", since=date(2016, 5, 1), mass=2300, kwh=310)
    fine = add_pack(demo_fleet.id, "Q1", code=CODE_A, **due)
    received = add_pack(demo_fleet.id, "Q2", code=CODE_B, **due)
    assert {f"{fine.id}", f"{received.id}"} <= _proposed(client)
    assert 'id="left-at-park"' not in client.get("/fleet/forecast?months=12").get_data(as_text=True)
    PackFactory(code=CODE_B)
    db.session.commit()
    proposed = _proposed(client)
    assert f"{fine.id}" in proposed and f"{received.id}" not in proposed
    client.get("/lang/en")
    page = client.get("/fleet/forecast?months=12").get_data(as_text=True)
    assert "1 pack of your register is left out of the proposals" in page


def test_the_forecast_chart_and_table_count_only_what_the_park_has_still_to_receive(
    client, manager
):
    """Known: the monthly chart counted a register pack the park had already received (only
    the proposals left it out), so a fleet manager planned for a pack long gone. Now the
    chart, the table and the service count what is still to come, and the page says so."""
    due = dict(soh="70", since=date(2016, 5, 1), mass=2300, kwh=310)
    add_pack(manager.organisation_id, "Q1", code=CODE_A, **due)
    add_pack(manager.organisation_id, "Q2", code=CODE_B, **due)
    PackFactory(code=CODE_B)
    db.session.commit()
    this_month = bus_fleet.forecast(manager, clock.today())[0]
    assert (this_month.packs, this_month.mass_kg, this_month.kwh) == (1, 2300, 310)
    body = client.get("/fleet/forecast").get_data(as_text=True)
    chart = json.loads(html.unescape(re.search(r"data-chart='([^']*)'", body).group(1)))
    assert chart["packs"][0] == 1 and chart["kwh"][0] == 310
    assert f'<td>{clock.today():%Y-%m}</td><td class="num">1</td>' in body
    assert "产业园已接收的电池包不计入" in body and "产业园尚未接收" in body
    client.get("/lang/en")
    body = client.get("/fleet/forecast").get_data(as_text=True)
    assert "Packs and kWh still to come per month" in body
    assert "packs the park has already received, are left out" in body
