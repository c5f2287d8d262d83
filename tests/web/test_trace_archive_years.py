"""The handover archive says which years have handovers and how many: every year from the
first handover on record to now was offered, and a year with none downloaded an empty CSV."""

from __future__ import annotations

import re

from lithloop.models import OrgKind, Role
from lithloop.services.packs import handover_export
from tests.conftest import freeze_clock
from tests.factories import make_org, make_park, make_user
from tests.pack_builders import make_pack, utc

NOW = utc(2026, 3, 10, 2)  # Tuesday 10 March 2026, 10:00 in Beijing


def _world(monkeypatch):
    freeze_clock(monkeypatch, NOW)
    park = make_park()
    plant = make_user(park, role=Role.PLANT_OPERATOR)
    admin = make_user(park, role=Role.ADMIN)
    owner = make_org(OrgKind.DEALER_BRANCH, name="穆棱经销商")
    for at in (utc(2026, 2, 5, 2), utc(2026, 3, 9, 2), utc(2023, 6, 1, 2), utc(2021, 7, 1, 2)):
        make_pack(plant, owner=owner, received_at=at)
    # 31 Dec 2022, 17:30 UTC is 1 Jan 2023, 01:30 in Beijing: a handover of 2023
    make_pack(plant, owner=owner, received_at=utc(2022, 12, 31, 17, 30))
    return park, admin


def test_each_year_is_counted_in_beijing_time_a_year_with_none_as_zero(app, monkeypatch):
    park, _ = _world(monkeypatch)
    assert handover_export.archive_counts() == [
        (2026, 2),
        (2025, 0),
        (2024, 0),
        (2023, 2),
        (2022, 0),
        (2021, 1),
    ]
    other = make_org(OrgKind.PARK_OPERATOR, name="另一家产业园")
    assert [n for _, n in handover_export.archive_counts(other.id)] == [0] * 6
    assert sum(n for _, n in handover_export.archive_counts(park.id)) == 5


def test_the_years_with_none_are_said_in_spans():
    assert handover_export.year_spans([2025, 2024, 2022]) == ["2024–2025", "2022"]
    assert handover_export.year_spans([]) == []


def test_the_page_offers_the_years_with_handovers_and_their_counts(client, auth, monkeypatch):
    _, admin = _world(monkeypatch)
    auth.login(admin.email)
    client.get("/lang/en")
    page = client.get("/trace/").get_data(as_text=True)
    select = re.search(r'<select name="year">(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="(\d+)">([^<]*)</option>', select) == [
        ("2026", "2026 (2 handovers)"),
        ("2023", "2023 (2 handovers)"),
        ("2021", "2021 (1 handover)"),
    ]
    assert "No handover in 2024–2025, 2022: there is no file for those years." in page
    client.get("/lang/zh_CN")
    chinese = client.get("/trace/").get_data(as_text=True)
    assert '<option value="2021">2021（1 条交接）</option>' in chinese
    assert "2024–2025、2022 年没有交接记录：这些年份没有文件。" in chinese
    # a year in the range is still served (its header: none), one outside it refused
    assert client.get("/trace/handovers.csv?year=2024").status_code == 200
    assert client.get("/trace/handovers.csv?year=2020").status_code == 422
