"""A chemistry filter that is none of the chemistries (a changed link, ?chemistry=XYZ) is
not silently ignored: the market catalogue, the warehouse and the assembly page say beside
the filter that it is unknown, in the page's language; the API answers 422 naming it."""

from __future__ import annotations

import re

import pytest

from lithloop.models import Grade, PackState
from tests.conftest import Auth, api_headers
from tests.market.support import list_packs, make_buyer
from tests.plant_world import make_pack, plant_world

TOLD_ZH = "未知的化学体系：XYZ。请从列表中选择。"
TOLD_EN = "Unknown chemistry: XYZ. Choose one from the list."


@pytest.fixture
def world(app):
    return plant_world()


def _page(client, user, url: str, lang: str) -> str:
    client.get(f"/lang/{lang}")
    Auth(client).login(user.email)
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("lang", "told"), [("zh_CN", TOLD_ZH), ("en", TOLD_EN)])
def test_the_catalogue_says_the_chemistry_is_unknown_beside_the_filter(client, lang, told):
    list_packs(2, chemistry="LFP")
    page = _page(client, make_buyer(), "/market/?chemistry=XYZ", lang)
    field = re.search(
        r'<div class="field has-error"><label for="f-chemistry">.*?</div>', page, re.S
    )
    assert field and told in field[0]
    assert _page(client, make_buyer(), "/market/?chemistry=lfp", lang).count(told) == 0


def test_the_api_refuses_an_unknown_chemistry_naming_the_field(client):
    headers = api_headers(client, make_buyer())
    list_packs(1, chemistry="LFP")
    refused = client.get("/api/v1/packs?chemistry=XYZ", headers=headers)
    assert refused.status_code == 422
    assert refused.json["field"] == "chemistry" and refused.json["message"] == TOLD_ZH
    assert len(client.get("/api/v1/packs?chemistry=LFP", headers=headers).json) == 1


def test_the_warehouse_says_the_chemistry_is_unknown_beside_the_filter(client, world):
    pack = make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85")
    url = "/plant/warehouses/finished?chemistry=XYZ"
    page = _page(client, world["plant"], url, "zh_CN")
    assert f'id="err-chemistry">{TOLD_ZH}<' in page and pack.code in page  # all shown


def test_the_assembly_page_says_the_chemistry_is_unknown_beside_the_filter(client, world):
    pack = make_pack(world["plant"], PackState.FINISHED, grade=Grade.A, soh="85")
    page = _page(client, world["plant"], "/plant/assembly?chemistry=XYZ", "zh_CN")
    assert f'id="err-filter-chemistry">{TOLD_ZH}<' in page and pack.code in page
    assert 'id="err-chemistry"' not in page  # the build form's own errors are apart
