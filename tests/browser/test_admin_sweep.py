"""The admin's pages at phone and desktop width, in Chinese and English (issue #19 found money
wrapping on the admin order page even at desktop width): a paid order, the order list, users,
approvals, the audit log, outbox, prices, the holiday calendar, quotes and the dashboard."""

from __future__ import annotations

import re

from tests.browser.card_entry import order_to_pay, type_card
from tests.browser.conftest import log_in, new_page
from tests.browser.test_dispatch_journey import sweep


def test_the_admins_pages_pass_the_layout_and_language_checks(browser, live_server, screenshots):
    page = new_page(browser, live_server.url)
    log_in(page, "buyer@demo.lithloop")
    order_id = order_to_pay(page)
    type_card(page, "4242424242424242")
    page.wait_for_url(re.compile(rf"/market/orders/{order_id}$"))
    page.context.close()
    sweep(
        browser,
        live_server,
        "admin@demo.lithloop",
        {
            "admin-home": "/",
            "admin-order": f"/market/orders/{order_id}",
            "admin-orders": "/market/orders",
            "admin-users": "/admin/users",
            "admin-approvals": "/admin/approvals",
            "admin-audit": "/admin/audit",
            "admin-outbox": "/admin/outbox",
            "admin-prices": "/admin/prices",
            "admin-prices-new": "/admin/prices/new",
            "admin-calendar": "/admin/calendar/",
            "admin-rfqs": "/market/admin/rfqs",
            "dashboard": "/dashboard/",
        },
        screenshots,
    )
