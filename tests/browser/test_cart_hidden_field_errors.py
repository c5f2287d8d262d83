"""Delivery fields typed and then hidden by choosing pickup (cart.css) stop nothing: pickup
never uses them, so they are neither checked nor kept (an error inside the hidden fields
was seen by nobody)."""

from __future__ import annotations

from tests.browser.audit import check_page
from tests.browser.conftest import new_page, register_buyer


def test_an_address_typed_then_pickup_chosen_does_not_stop_the_order(
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
    assert page.url.endswith("/pay"), page.url  # ordered, on to the payment
    assert "\u202e" not in page.content() and "长安街" not in page.content()
    check_page(page, "market-pay-after-pickup", screenshots, phone=True)
    page.context.close()
