"""The dashboard: figures computed from created data, Beijing-time years, access by role."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from lithloop.extensions import db
from lithloop.models import DismantlingBatch, OrgKind, PackState, Role
from lithloop.services.reporting import dashboard, rollups
from tests.conftest import api_headers, freeze_clock, submit
from tests.factories import make_org, make_park, make_site, make_user
from tests.pack_builders import (
    build_refurbished,
    make_booking,
    make_intake,
    make_pack,
    place,
    utc,
)

NOW = utc(2026, 6, 15, 4)
CHINA = timedelta(hours=8)


def in_2026(at) -> bool:
    return (at + CHINA).year == 2026


@pytest.fixture
def world(app, monkeypatch):
    """Intakes in two cities, packs dismantled and consumed, a refurbished pack, batches."""
    freeze_clock(monkeypatch, NOW)
    park = make_park()
    plant = make_user(park, role=Role.PLANT_OPERATOR)
    admin = make_user(park, role=Role.ADMIN)
    dealer_org = make_org(OrgKind.DEALER_BRANCH)
    dealer = make_user(dealer_org)
    mdj = make_site(dealer_org, name="牡丹江网点")
    jixi = make_site(dealer_org, name="鸡西网点")
    jixi.city = "鸡西"
    db.session.commit()
    intakes = [  # (site, kg, at)
        (mdj, "1200.4", utc(2026, 1, 10, 2)),
        (jixi, "800", utc(2026, 3, 5, 2)),
        (mdj, "100", utc(2025, 12, 31, 17)),  # 1 Jan 2026, 01:00 in Beijing: counts
        (mdj, "50", utc(2025, 12, 31, 15)),  # 31 Dec 2025, 23:00 in Beijing: does not
    ]
    for site, kg, at in intakes:
        make_intake(make_booking(dealer, site), plant, kg, at)
    scrap = make_pack(plant, chemistry="LFP", mass="300", received_at=utc(2026, 1, 10, 3))
    place(scrap, PackState.RAW, plant, at=utc(2026, 1, 11))
    place(scrap, PackState.DISMANTLED, plant, "dismantled", at=utc(2026, 2, 3))
    old = make_pack(plant, chemistry="LFP", mass="999", received_at=utc(2025, 5, 1))
    place(old, PackState.RAW, plant, at=utc(2025, 5, 2))
    place(old, PackState.DISMANTLED, plant, "dismantled", at=utc(2025, 6, 3))
    donor = make_pack(plant, chemistry="NCM622", mass="200", received_at=utc(2026, 3, 5, 3))
    place(donor, PackState.AGING, plant, at=utc(2026, 3, 6))
    child = build_refurbished(plant, [donor], at=utc(2026, 4, 2), rated_wh=40000, soh="90")
    resting = make_pack(plant, chemistry="NCM622", mass="150", received_at=utc(2026, 6, 1))
    place(resting, PackState.AGING, plant, at=utc(2026, 6, 2))
    resting.warehouse_since = NOW - timedelta(days=10)
    for closed_at, outputs in (
        (utc(2026, 2, 4), {"black_mass": "150.5", "copper": "20"}),
        (utc(2026, 5, 4), {"black_mass": "49.5"}),
        (utc(2025, 7, 1), {"black_mass": "999"}),
        (None, {"copper": "7"}),
    ):
        db.session.add(
            DismantlingBatch(
                line=1,
                outputs=outputs,
                closed_at=closed_at,
                status="closed" if closed_at else "open",
                by_user_id=plant.id,
            )
        )
    db.session.commit()
    rollups.rebuild()  # the history above was backdated and partly written directly
    gov = make_user(make_org(OrgKind.GOVERNMENT, name="牡丹江市工信局"))
    return {
        "admin": admin,
        "dealer": dealer,
        "gov": gov,
        "plant": plant,
        "intakes": intakes,
        "packs": {"scrap": scrap, "donor": donor, "child": child, "old": old},
    }


def test_summary_counts_this_beijing_year_only(app, world):
    received = sum(Decimal(kg) for _s, kg, at in world["intakes"] if in_2026(at))
    processed = world["packs"]["scrap"].mass_kg + world["packs"]["donor"].mass_kg
    summary = dashboard.summary()
    assert summary.year == 2026
    assert summary.received_t == (received / 1000).quantize(Decimal("0.001"))
    assert summary.processed_t == (processed / 1000).quantize(Decimal("0.001"))
    assert (summary.second_life_packs, summary.capacity_t, summary.capacity_packs) == (
        1,
        10000,
        10000,
    )
    data = dashboard.dashboard()
    assert data["months"]["received_t"][0] == Decimal("1.300")  # 1,200.4 + 100 kg
    assert data["months"]["processed_t"][1] == Decimal("0.300")
    assert data["months"]["processed_t"][3] == Decimal("0.200")
    assert data["months"]["built"][3] == 1 and sum(data["months"]["built"]) == 1
    assert data["cities"] == [("牡丹江", Decimal("1300.4")), ("鸡西", Decimal("800"))]
    chem = {r["chemistry"]: r for r in data["chemistry"]}
    assert chem["LFP"]["processed_kg"] == Decimal("300") and chem["NCM622"]["built"] == 1
    assert dict(data["aging"])["8-14"] == 1 and sum(n for _l, n in data["aging"]) == 1
    assert data["materials"] == [("black_mass", Decimal("200.0")), ("copper", Decimal("20"))]
    assert data["second_life_kwh"] == Decimal("36.00")  # 40 kWh × 90 %
    co2 = data["co2"]
    factors = data["co2_factors"]
    assert co2.recycling_kg == (Decimal("300") * factors.per_kg_recycled).quantize(Decimal("0.1"))
    assert co2.second_life_kg == (Decimal("36") * factors.per_kwh_second_life).quantize(
        Decimal("0.1")
    )


def test_api_summary_for_admin_and_government(client, world):
    expected = dashboard.summary()
    response = client.get("/api/v1/dashboard/summary", headers=api_headers(client, world["admin"]))
    assert response.status_code == 200
    assert response.json == {
        "year": 2026,
        "received_t": str(expected.received_t),
        "processed_t": str(expected.processed_t),
        "capacity_t": 10000,
        "second_life_packs": 1,
        "capacity_packs": 10000,
    }
    assert (
        client.get(
            "/api/v1/dashboard/summary", headers=api_headers(client, world["gov"])
        ).status_code
        == 200
    )
    assert (
        client.get(
            "/api/v1/dashboard/summary", headers=api_headers(client, world["dealer"])
        ).status_code
        == 403
    )


def test_dashboard_page_has_charts_tables_and_the_co2_method(client, auth, world):
    auth.login(world["gov"].email)
    client.get("/lang/en")
    response = client.get("/dashboard/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("<canvas") == 6 and page.count("data-chart=") == 6
    for table in ("months", "chemistry", "cities", "aging", "materials", "co2"):
        assert f'id="table-{table}"' in page
    assert "1,300.4" in page and "<td>Jixi</td>" in page and "<td>Mudanjiang</td>" in page
    assert "<td>鸡西</td>" not in page  # the region's places in English on an English page
    assert "<td>Black mass</td>" in page and "black_mass" not in page  # words, not keys
    assert "estimate, no source" in page and "vendor/chartjs/chart.umd.min.js" in page
    assert "<script>" not in page and "style=" not in page
    client.get("/lang/zh_CN")
    page = client.get("/dashboard/").get_data(as_text=True)
    assert "1,300.4" in page and "<td>黑粉</td>" in page and "black_mass" not in page
    assert "<td>鸡西</td>" in page
    stats = page.split('<div class="stats">')[1].split("</div>\n</div>")[0]
    received = stats.split('id="stat-received">')[1].split("</div>")[0]
    assert " 吨</span>" in received and "年处理能力 10,000 吨" in received, received  # one word
    assert re.search(r"吨（[\d.,]+ %）$", received.strip()), received  # full-width brackets
    assert " t<" not in stats and " t " not in stats, stats  # tonnes are 吨 on a Chinese page
    assert "吨</span>" in stats.split('id="stat-co2">')[1]


def test_government_sees_the_dashboard_but_no_admin_pages(client, auth, world):
    auth.login(world["gov"].email)
    assert client.get("/").location.endswith("/dashboard/")
    assert client.get("/dashboard/").status_code == 200
    for url in ("/admin/approvals", "/admin/audit", "/admin/outbox"):
        assert client.get(url).status_code == 403, url
    assert client.get("/trace/").status_code == 200  # read-only (test_government_read_only)
    submit(client, "/logout", {}, page="/dashboard/")
    auth.login(world["admin"].email)
    assert client.get("/dashboard/").status_code == 200


def test_dealer_and_plant_may_not_open_the_dashboard(client, auth, world):
    auth.login(world["dealer"].email)
    assert client.get("/dashboard/").status_code == 403
    auth.logout()
    auth.login(world["plant"].email)
    assert client.get("/dashboard/").status_code == 403


def _chart_specs(page: str) -> dict:
    import html
    import json
    import re

    found = re.findall(r"<canvas id=\"chart-(\w+)\" data-chart='([^']*)'", page)
    return {key: json.loads(html.unescape(spec)) for key, spec in found}


def test_every_chart_says_what_it_shows_and_in_which_unit(client, auth, world):
    """At phone width the charts stood alone: a single series had no legend, so the packs
    built by month, the cities, the aging warehouse and the materials were bars without a
    word; no axis named its unit, months were 1-12 and counts ticked 0.1, 0.2 ... packs."""
    auth.login(world["gov"].email)
    client.get("/lang/zh_CN")
    specs = _chart_specs(client.get("/dashboard/").get_data(as_text=True))
    assert set(specs) == {"months", "built", "chemistry", "cities", "aging", "materials"}
    assert {k: (s["title"], s["value_axis"]) for k, s in specs.items()} == {
        "months": ("按月接收与处理吨数", "吨"),
        "built": ("按月组装的梯次利用电池包", "电池包数量"),
        "chemistry": ("按化学体系的接收与处理千克数", "千克"),
        "cities": ("按来源城市的接收千克数", "千克"),
        "aging": ("老化仓现有电池包按在库天数分布", "电池包数量"),
        "materials": ("按材料的回收千克数", "千克"),
    }
    assert specs["months"]["labels"] == [f"{m}月" for m in range(1, 13)]
    assert specs["aging"]["category_axis"] == "在老化仓中的天数"
    assert {k for k, s in specs.items() if s["integer"]} == {"built", "aging"}
    client.get("/lang/en")
    specs = _chart_specs(client.get("/dashboard/").get_data(as_text=True))
    assert specs["built"]["labels"][:2] == ["Jan", "Feb"]
    assert specs["cities"]["value_axis"] == "Kilograms" and specs["cities"]["horizontal"]
    script = (Path(__file__).parents[2] / "static/js/dashboard.js").read_text()
    for drawn in ("spec.title", "spec.value_axis", "spec.category_axis", "precision: 0"):
        assert drawn in script, drawn


def test_months_still_to_come_are_not_drawn_as_zero(client, auth, world):
    """On 15 June the table listed July to December with 0 t received and the charts drew
    them as empty months, as if the park had stood idle: they now say they have not begun
    (the table) and are left out (the charts' gaps); a past year shows its twelve months."""
    auth.login(world["gov"].email)
    client.get("/lang/zh_CN")
    page = client.get("/dashboard/").get_data(as_text=True)
    specs = _chart_specs(page)
    for key in ("months", "built"):
        for dataset in specs[key]["datasets"]:
            assert dataset["data"][6:] == [None] * 6, (key, dataset)
            assert None not in dataset["data"][:6], (key, dataset)
    assert specs["months"]["datasets"][0]["data"][0] == "1.300"  # January's 1,200.4 + 100 kg
    table = page[page.index('id="table-months"') :]
    table = table[: table.index("</table>")]
    assert table.count("尚未开始") == 6
    assert '<tr class="to_come"><td class="month" data-label="">7月</td><td' in table
    past = _chart_specs(client.get("/dashboard/?year=2025").get_data(as_text=True))
    assert None not in past["months"]["datasets"][0]["data"]


def test_the_dashboard_links_the_year_before_and_after(client, auth, world):
    """?year= was the only way to another year (no link); now the page offers the year
    before, and the year after up to this one."""
    from lithloop import clock

    this = clock.today().year
    auth.login(world["gov"].email)
    page = client.get("/dashboard/").get_data(as_text=True)
    assert f'href="/dashboard/?year={this - 1}" rel="prev"' in page
    assert 'rel="next"' not in page  # no year after this one
    earlier = client.get(f"/dashboard/?year={this - 1}").get_data(as_text=True)
    assert f"<h1>数据看板 {this - 1}</h1>" in earlier or f" {this - 1}</h1>" in earlier
    assert f'href="/dashboard/?year={this}" rel="next"' in earlier
    first = client.get("/dashboard/?year=2000").get_data(as_text=True)
    assert 'rel="prev"' not in first and 'href="/dashboard/?year=2001" rel="next"' in first


def test_the_months_left_out_on_a_phone_are_named_in_runs(client, auth, world):
    """A phone draws a card for each month with activity only (tests/browser/
    test_dashboard_months_phone.py); the line under the cards names the others, consecutive
    months as one run, so that a month without a card is not taken for a missing one."""
    from lithloop.web.dashboard import month_runs

    states = ["quiet"] * 3 + ["active", "quiet", "active"] + ["to_come"] * 6
    rows = [{"name": f"m{i + 1}", "state": state} for i, state in enumerate(states)]
    assert month_runs(rows, "quiet") == ["m1\u2013m3", "m5"]
    assert month_runs(rows, "to_come") == ["m7\u2013m12"]
    assert month_runs(rows, "active") == ["m4", "m6"]
    auth.login(world["gov"].email)
    client.get("/lang/zh_CN")
    page = client.get("/dashboard/").get_data(as_text=True)
    line = page[page.index('id="months-left-out"') :]
    line = re.sub(r"<[^>]+>", "", line[: line.index("</p>")].split(">", 1)[1])
    assert "尚未开始的月份：7月\u201312月。" in line, line
    past = client.get("/dashboard/?year=2024").get_data(as_text=True)  # nothing on record
    assert "无记录的月份：" in past and "1月\u201312月" in past
    assert 'class="active"' not in past
