"""A number and its unit ("25.4 公里", "51.2 kWh", "400.0 千克") never break across lines on
the market pages: each pair is one nowrap span, in Chinese and in English."""

from __future__ import annotations

import pytest

from lithloop.services.market import checkout
from tests.conftest import Auth
from tests.market.support import list_packs, make_buyer

WHOLE = '<span class="quantity nowrap">{}</span>'


@pytest.fixture
def backend():
    """SQLite only: page markup is the same whatever database holds the data."""
    return "sqlite"


@pytest.fixture
def delivered_order(app):
    """A buyer's order of one LFP pack (51.2 kWh, 400 kg) delivered to Hailin (25.4 km)."""
    buyer = make_buyer()
    pack, _still_on_sale = list_packs(2)
    where = {"kind": "address", "city": "海林市", "address": "新华街 8 号", "phone": "13904531234"}
    order = checkout.checkout(buyer, [{"pack_id": pack.id}], where)
    return buyer, order, pack


@pytest.mark.parametrize(
    ("lang", "km", "kg"), [("zh_CN", "25.4 公里", "400.0 千克"), ("en", "25.4 km", "400.0 kg")]
)
def test_distance_energy_and_mass_are_kept_whole(client, delivered_order, lang, km, kg):
    buyer, order, pack = delivered_order
    client.get(f"/lang/{lang}")
    Auth(client).login(buyer.email)
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert order.delivery_km is not None
    assert WHOLE.format(km) in page  # the delivery line
    assert WHOLE.format("51.2 kWh") in page  # the order's line
    assert f"{order.delivery_km} km" not in page.replace(WHOLE.format(km), "")
    pack_page = client.get(f"/market/packs/{pack.id}").get_data(as_text=True)
    assert WHOLE.format(kg) in pack_page and WHOLE.format("51.2 kWh") in pack_page
    catalog = client.get("/market/").get_data(as_text=True)
    usable = "可用约 " if lang == "zh_CN" else "Usable about "
    assert WHOLE.format("51.2 kWh") in catalog and usable + '<span class="quantity' in catalog


@pytest.mark.parametrize(("lang", "weekday"), [("zh_CN", "（周"), ("en", " (")])
def test_a_day_and_its_weekday_are_kept_whole(client, delivered_order, lang, weekday):
    """ "2026-12-07 (周一)" broke at 390 px between "(周" and "一)"; in Chinese its brackets
    are full-width (2026-12-07（周一）), with no space before them."""
    buyer, order, pack = delivered_order
    client.get(f"/lang/{lang}")
    Auth(client).login(buyer.email)
    day = f'<span class="day nowrap">{order.delivery_eta.isoformat()}' + weekday
    page = client.get(f"/market/orders/{order.id}").get_data(as_text=True)
    assert day in page.split('class="order-delivery">', 1)[1].split("</p>", 1)[0]
    from lithloop.services.market import cart as market_cart

    market_cart.save(buyer, [_still.id for _still in list_packs(1)], {})
    cart = client.get("/market/cart").get_data(as_text=True)
    assert '<span class="day nowrap">' in cart.split('value="pickup"', 1)[1].split("</label>")[0]
