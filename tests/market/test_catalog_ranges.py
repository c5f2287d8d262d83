"""A catalogue range typed the wrong way round (usable kWh at least 50, at most 10) listed
nothing and said "no packs match: widen the filters", though no widening could help and the
buyer was not told which field: now the upper field says it is below the lower one."""

from __future__ import annotations

import re

import pytest

from tests.market.support import list_packs, make_buyer
from tests.market.test_market_pages import _login


@pytest.mark.parametrize(
    ("query", "field", "low"),
    [
        ("min_kwh=50&max_kwh=10", "max_kwh", "50"),
        ("min_soh=90&max_soh=60", "max_soh", "90"),
        ("min_price=10000&max_price=100", "max_price", "10000"),
    ],
)
def test_an_upper_filter_below_its_lower_one_is_told_beside_it(client, query, field, low):
    _login(client, make_buyer())
    # above each lower limit: the lower filter stays applied, the upper one is refused
    list_packs(2, chemistry="LFP", rated_wh=60_000, soh="95", price_fen=1_200_000)
    body = client.get(f"/market/?{query}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    beside = body.split(f'id="f-{field}"', 1)[1].split("</div>", 1)[0]
    assert f"below the lower limit ({low})" in beside
    assert "No packs match" not in body


def test_an_equal_range_is_kept(client):
    _login(client, make_buyer())
    list_packs(2, chemistry="LFP", price_fen=300_000)
    body = client.get("/market/?min_price=3000&max_price=3000").get_data(as_text=True)
    assert "2 in stock" in body and "lower limit" not in body


def test_the_api_refuses_an_upside_down_range_naming_the_field(client):
    from tests.conftest import api_headers

    headers = api_headers(client, make_buyer())
    answer = client.get("/api/v1/packs?min_soh=90&max_soh=60", headers=headers)
    assert answer.status_code == 422 and answer.json["field"] == "max_soh"


def test_the_api_names_its_own_price_field(client):
    from tests.conftest import api_headers

    headers = api_headers(client, make_buyer())
    answer = client.get("/api/v1/packs?min_price_fen=500&max_price_fen=100", headers=headers)
    assert answer.status_code == 422 and answer.json["field"] == "max_price_fen"
    assert "500" in answer.json["message"]


@pytest.mark.parametrize(
    ("refused", "field"),
    [
        ("max_kwh=lots", "max_kwh"),
        ("grade=Z", "grade"),
        ("min_price=1000&max_price=100", "max_price"),
    ],
)
def test_a_refused_filter_leaves_the_valid_ones_applied_and_shown(client, refused, field):
    """Walk finding: one refused box dropped every filter, listing the whole catalogue under
    the buyer's "LFP, state of health at least 90"."""
    _login(client, make_buyer())
    list_packs(2, chemistry="LFP", soh="95", price_fen=300_000)
    list_packs(3, chemistry="LFP", soh="70", price_fen=300_000)
    list_packs(4, chemistry="NCM523", soh="95", price_fen=300_000)
    body = client.get(f"/market/?chemistry=LFP&min_soh=90&{refused}").get_data(as_text=True)
    assert 'id="f-min_soh" name="min_soh" inputmode="decimal" value="90"' in body
    assert '<option value="LFP" selected>' in body
    beside = body.split(f'id="f-{field}"', 1)[1].split("</div>", 1)[0]
    assert 'class="error"' in beside, beside
    assert "2 in stock" in body and "3 in stock" not in body and "4 in stock" not in body


def test_the_scrap_grade_is_refused_as_a_filter_not_listed_as_nothing(client):
    """Grade S (scrap) is never on sale: ?grade=S listed nothing and said "widen the
    filters"; it is refused beside the grade, as any other letter (the API refused it)."""
    from tests.conftest import api_headers

    buyer = make_buyer()
    list_packs(2, chemistry="LFP", price_fen=300_000)
    answer = client.get("/api/v1/packs?grade=S", headers=api_headers(client, buyer))
    assert answer.status_code == 422
    _login(client, buyer)
    body = client.get("/market/?grade=S").get_data(as_text=True)
    beside = body.split('id="f-grade"', 1)[1].split("</div>", 1)[0]
    assert "Choose grade A, B or C." in beside and "2 in stock" in body


def test_an_unknown_use_case_is_told_in_words_beside_its_filter(client):
    """A tampered ?use_case=rocket listed nothing and said "widen the filters"."""
    _login(client, make_buyer(), "zh_CN")
    list_packs(2, chemistry="LFP", price_fen=300_000)
    body = client.get("/market/?chemistry=LFP&use_case=rocket").get_data(as_text=True)
    beside = body.split('id="f-use"', 1)[1].split("</div>", 1)[0]
    told = beside.split('<p class="error">', 1)[1].split("</p>", 1)[0]
    assert "储能" in told and "基站备电" in told and not re.search(r"[a-z_]{4,}", told), told
    assert '<option value="LFP" selected>' in body
    assert "库存 2 个" in body  # the chemistry filter still applied, its packs listed
