"""Geocoders: the gazetteer offline; Nominatim against a local stand-in server on 127.0.0.1."""

from __future__ import annotations

import socket
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from lithloop.geo.geocoders import (
    GeocodeResult,
    GeocodingUnavailable,
    UnknownGeocoder,
    available_geocoders,
    get_geocoder,
    register,
)
from tests.json_stub import json_stub

# ------------------------------------------------------------------ registry


def test_registry_lists_both_and_refuses_unknown_names():
    assert {"gazetteer", "nominatim"} <= set(available_geocoders())
    with pytest.raises(UnknownGeocoder, match="gazetteer"):
        get_geocoder("google")


def test_register_a_custom_geocoder():
    @register("fixed-test")
    class Fixed:
        name = "fixed-test"

        def __init__(self, lat=1.0):
            self.lat = lat

        def geocode(self, address, chinese=None):
            return GeocodeResult(self.lat, 2.0, address, "area", self.name)

        def suggest(self, address, limit=5, chinese=None):
            return ()

    assert get_geocoder("fixed-test", lat=3.0).geocode("x").lat == 3.0


# ------------------------------------------------------------------ gazetteer


@pytest.fixture(scope="module")
def gazetteer():
    return get_geocoder("gazetteer")


@pytest.mark.parametrize(
    ("address", "label"),
    [
        ("黑龙江省牡丹江市阳明区新兴街12号", "阳明区"),
        ("牡丹江市 西安区", "西安区"),
        ("海林市长汀镇", "海林市"),
        ("海林长汀镇", "海林市"),  # without 市
        ("林口县", "林口县"),
        ("哈尔滨市呼兰区", "呼兰区"),  # the district, not the city: longest name wins
        ("Yangming District, Mudanjiang, Heilongjiang", "Yangming District"),
        ("  suifenhe  ", "Suifenhe"),
        ("Linkou, Heilongjiang", "Linkou County"),
        ("ＨＡＲＢＩＮ", "Harbin"),  # full width, upper case
    ],
)
def test_gazetteer_matches_chinese_and_english_names(gazetteer, address, label):
    result = gazetteer.geocode(address)
    assert result is not None and result.label == label
    assert (result.precision, result.source) == ("place", "gazetteer")


def test_gazetteer_returns_the_places_coordinates(gazetteer):
    result = gazetteer.geocode("阳明区")
    assert (result.lat, result.lon) == (44.5963, 129.6346)


@pytest.mark.parametrize("address", ["", "   ", "陕西省西安市雁塔区", "Shanghai", "Xian City"])
def test_gazetteer_no_match(gazetteer, address):
    assert gazetteer.geocode(address) is None


def test_gazetteer_suggests_close_names(gazetteer):
    assert gazetteer.suggest("海琳")[0] == "海林市"  # typo: 琳 for 林
    assert "Suifenhe" in gazetteer.suggest("Suifenhei")
    assert gazetteer.suggest("Muling town")[0] == "Muling"
    assert gazetteer.suggest("zzzzzz") == ()
    assert len(gazetteer.suggest("County", limit=3)) <= 3


# ------------------------------------------------------------------ Nominatim stand-in

HIT = {
    "place_id": 123,
    "licence": "test",
    "osm_type": "relation",
    "osm_id": 1,
    "lat": "44.5963",
    "lon": "129.6346",
    "class": "boundary",
    "type": "administrative",
    "addresstype": "city_district",
    "name": "阳明区",
    "importance": 0.5,
    "display_name": "阳明区, 牡丹江市, 黑龙江省, 中国",
    "address": {"city_district": "阳明区", "city": "牡丹江市", "country_code": "cn"},
    "boundingbox": ["44.5", "44.7", "129.5", "129.8"],
}


def _answer(path: str) -> list:
    url = urlsplit(path)
    query = parse_qs(url.query).get("q", [""])[0]
    return [] if url.path != "/search" or "nowhere" in query else [HIT]


@pytest.fixture()
def server():
    with json_stub(_answer) as stub:
        yield stub


def _nominatim(port, **extra):
    config = {
        "domain": f"127.0.0.1:{port}",
        "scheme": "http",
        "user_agent": "lithloop-tests",
        "timeout": 2,
        "proxies": {},
        "min_delay_seconds": 0,
    } | extra
    return get_geocoder("nominatim", **config)


def test_nominatim_query_and_parse(server):
    geocoder = _nominatim(server.server_port)
    result = geocoder.geocode("牡丹江市阳明区")
    assert result == GeocodeResult(
        44.5963, 129.6346, "阳明区, 牡丹江市, 黑龙江省, 中国", "place", "nominatim"
    )
    [path] = server.seen
    url = urlsplit(path)
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert url.path == "/search"
    assert params["q"] == "牡丹江市阳明区" and params["format"] == "json"
    assert params["limit"] == "1" and params["countrycodes"] == "cn"
    assert params["accept-language"] == "zh-CN" and params["addressdetails"] == "1"


def test_nominatim_cache_second_call_sends_nothing(server):
    geocoder = _nominatim(server.server_port)
    first = geocoder.geocode("牡丹江市阳明区")
    second = geocoder.geocode("  牡丹江市阳明区 ")
    assert first == second and len(server.seen) == 1 and geocoder.requests == 1
    assert geocoder.geocode("nowhere at all") is None
    assert geocoder.geocode("nowhere at all") is None  # misses are cached too
    assert len(server.seen) == 2


def test_nominatim_cache_is_lru_bounded(server):
    geocoder = _nominatim(server.server_port, cache_size=2)
    for q in ("a1", "a2", "a1", "a3", "a1", "a2"):
        geocoder.geocode(q)
    # a1 a2 (miss, miss), a1 hit, a3 evicts a2, a1 hit, a2 miss again
    assert len(server.seen) == 4


def test_nominatim_rate_limit_one_request_per_second(server):
    geocoder = _nominatim(server.server_port, min_delay_seconds=1.0)
    start = time.monotonic()
    geocoder.geocode("q one")
    geocoder.geocode("q two")
    assert time.monotonic() - start >= 0.95


def test_nominatim_down_server_raises_unavailable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    geocoder = _nominatim(port)
    with pytest.raises(GeocodingUnavailable, match=f"127.0.0.1:{port}"):
        geocoder.geocode("牡丹江市")
    with pytest.raises(GeocodingUnavailable):  # errors are not cached
        geocoder.geocode("牡丹江市")
    assert geocoder.requests == 2


def test_nominatim_empty_address_sends_nothing(server):
    geocoder = _nominatim(server.server_port)
    assert geocoder.geocode("   ") is None and server.seen == []
    assert geocoder.suggest("x") == ()
