"""Typing a card into Stripe.js (localstripe's card element) on the payment page."""

from __future__ import annotations

import re

CARD_FIELDS = "#card-element input[data-field={}]"


def type_card(page, number: str) -> None:
    """Fill the card element's fields (number, expiry 12/34, CVC 123) and press Pay."""
    page.locator(CARD_FIELDS.format("number")).wait_for()
    for field, value in (
        ("number", number),
        ("exp_month", "12"),
        ("exp_year", "34"),
        ("cvc", "123"),
        ("postal_code", "157000"),
    ):
        page.fill(CARD_FIELDS.format(field), value)
    page.locator("#pay-form button[type=submit]").click()


def order_to_pay(page) -> int:
    """Put the first LFP group of the catalog in the cart, order it: the payment page's id."""
    page.goto("/market/?chemistry=LFP&min_soh=60&sort=price")
    page.locator("form[action$='/cart/add'] button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto("/market/cart")
    page.locator("form[action$='/checkout'] button[type=submit]:not([formaction])").click()
    page.wait_for_load_state()
    return int(re.search(r"/orders/(\d+)/pay", page.url).group(1))


def approve_3d_secure(page) -> None:
    """Press localstripe's own 3-D Secure button (its stand-in for the bank's page)."""
    page.get_by_role("button", name="Complete authentication").click()
