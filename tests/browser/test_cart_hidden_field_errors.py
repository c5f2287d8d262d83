"""A refused delivery field is shown even when pickup is chosen: the address fields are
hidden then (cart.css), and an error inside them was seen by nobody."""

from __future__ import annotations

from tests.browser.audit import check_page
from tests.browser.conftest import new_page, register_buyer


def test_an_address_refused_under_pickup_is_shown_beside_its_field(
    browser, live_server, screenshots
):
    # Walk finding: an address typed with an invisible direction mark, then pickup chosen:
    # "Order and pay" answered with the cart again, its only error in the hidden fields.
    page = new_page(browser, live_server.url, phone=True, lang="en")
    register_buyer(page, live_server, "hidden")
    page.goto("/market/?chemistry=LFP")
    page.locator("form[action$='/cart/add'] button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto("/market/cart")
    page.check("input[name=delivery_kind][value=address]")
    page.fill("#c-address", "\u202e长安街 1 号")
    page.check("input[name=delivery_kind][value=pickup]")
    page.locator("form[action$='/checkout'] button[type=submit]:not([formaction])").click()
    page.wait_for_load_state()
    error = page.locator("#c-address-err")
    assert error.is_visible() and "direction" in error.inner_text()
    assert page.locator("#c-address").is_visible()
    check_page(page, "market-cart-hidden-error", screenshots, phone=True)
    page.context.close()
