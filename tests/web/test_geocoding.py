"""Sites located by the offline gazetteer and by a Nominatim-compatible server."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Site
from tests import worlds
from tests.conftest import api_headers, make_app, submit
from tests.json_stub import json_stub

dealer = worlds.logged_in_dealer


FORM = {
    "name": "海林网点",
    "address": "长安街5号",
    "city": "海林市",
    "district": "",
    "lat": "",
    "lon": "",
    "contact_name": "",
    "contact_phone": "",
    "opens_at": "08:00",
    "closes_at": "17:00",
}


def test_locate_fills_the_coordinates_and_shows_the_pin(client, dealer):
    response = submit(client, "/sites/new", {**FORM, "locate": "1"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "海林市" in body
    assert 'value="44.5742' in body  # Hailin's latitude, ready to save or move
    found = body[body.index("已找到") :].split("</p>")[0]
    assert "仅精确到区县或乡镇" in found and "place" not in found  # the precision in words
    assert 'id="site-pin" cx="-20"' not in body
    assert db.session.scalar(sa.select(sa.func.count(Site.id))) == 0  # nothing saved yet


def test_unknown_place_suggests_names(client, dealer):
    response = submit(
        client, "/sites/new", {**FORM, "city": "", "address": "火星基地", "locate": "1"}
    )
    assert response.status_code == 422
    assert 'id="address-err"' in response.get_data(as_text=True)


@pytest.mark.parametrize("where", ["address", "city", "district"])
def test_locating_with_a_direction_control_asks_to_remove_it_beside_its_field(
    client, dealer, where
):
    """Walk finding: "Locate" with U+202E in the address said "address not found", where
    saving the form asks to remove the direction characters."""
    client.get("/lang/en")
    typed = {**FORM, where: "\u202e" + (FORM[where] or "海林市"), "locate": "1"}
    response = submit(client, "/sites/new", typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = page.split(f'id="{where}-err"')[1].split("</p>")[0]
    assert "Remove the invisible text-direction characters" in error
    assert "No place found" not in page


def test_the_suggested_names_are_listed_in_the_pages_language(client, dealer):
    """On an English page the suggestions were joined with the Chinese list mark "、"."""
    client.get("/lang/en")
    response = submit(
        client, "/sites/new", {**FORM, "city": "", "address": "Suifenhei Linkow", "locate": "1"}
    )
    told = response.get_data(as_text=True).split('id="address-err">')[1].split("</p>")[0]
    assert "Did you mean" in told and "Suifenhe" in told, told
    assert "\u3001" not in told and ", " in told, told


def test_suggestions_on_a_chinese_page_name_the_places_in_chinese(client, dealer):
    """A Latin-letter address on a Chinese page was answered with English place names."""
    response = submit(
        client, "/sites/new", {**FORM, "city": "", "address": "Suifenhei Road 1", "locate": "1"}
    )
    told = response.get_data(as_text=True).split('id="address-err">')[1].split("</p>")[0]
    assert "\u7ee5\u82ac\u6cb3" in told and "Suifenhe" not in told, told  # 绥芬河


def test_suggestions_on_an_english_page_name_the_places_in_english(client, dealer):
    client.get("/lang/en")
    response = submit(
        client, "/sites/new", {**FORM, "city": "", "address": "\u7ee5\u82ac\u6cb2", "locate": "1"}
    )
    told = response.get_data(as_text=True).split('id="address-err">')[1].split("</p>")[0]
    assert "Suifenhe" in told and "\u7ee5\u82ac\u6cb3" not in told, told


def test_the_place_found_is_named_in_the_pages_language(client, dealer):
    response = submit(
        client, "/sites/new", {**FORM, "city": "Hailin", "address": "Chang'an St 5", "locate": "1"}
    )
    found = response.get_data(as_text=True).split("\u5df2\u627e\u5230")[1].split("</p>")[0]
    assert "\u6d77\u6797" in found and "Hailin" not in found, found  # 海林


def test_api_geocodes_a_site_without_coordinates(client, dealer):
    response = client.post(
        "/api/v1/sites/",
        json={"name": "宁安站", "city": "宁安市", "address": "东京城镇"},
        headers=api_headers(client, dealer),
    )
    assert response.status_code == 201
    assert abs(response.json["lat"] - 44.34) < 0.3 and abs(response.json["lon"] - 129.48) < 0.3


def _jixi(path: str) -> list:
    return [
        {
            "lat": "45.2900",
            "lon": "130.9500",
            "display_name": "鸡西市 测试路",
            "class": "place",
            "type": "house",
            "importance": 0.5,
        }
    ]


def test_nominatim_when_configured(database_url, backend):
    from urllib.parse import parse_qs, urlparse

    with json_stub(_jixi) as server:
        app = make_app(
            database_url,
            GEOCODER="nominatim",
            NOMINATIM_SCHEME="http",
            NOMINATIM_DOMAIN=f"127.0.0.1:{server.server_port}",
        )
        with app.test_request_context("/"):
            from lithloop.services.booking import geocoding

            result = geocoding.locate("鸡西市 测试路 1号")
            again = geocoding.locate("鸡西市 测试路 1号")
    assert (result.lat, result.lon) == (45.29, 130.95) and again == result
    queries = [parse_qs(urlparse(path).query)["q"][0] for path in server.seen]
    assert queries == ["鸡西市 测试路 1号"]  # the second answer came from the cache


def test_nominatim_down_is_a_clear_error(database_url):
    app = make_app(
        database_url, GEOCODER="nominatim", NOMINATIM_SCHEME="http", NOMINATIM_DOMAIN="127.0.0.1:9"
    )  # nothing listens on the discard port
    with app.test_request_context("/"):
        from lithloop.services.booking import geocoding

        with pytest.raises(geocoding.GeocoderDown) as caught:
            geocoding.locate("鸡西市")
    assert caught.value.status == 503 and caught.value.field == "address"
