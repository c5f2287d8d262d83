"""A refund Stripe could not make, on a phone (390 px) in Chinese: the admin's orders page
lists it under "退款失败，待另行退还" and the order's page takes the note and the mark,
without sideways scrolling, an amount broken across lines, a small tap target or an English
word; once marked it leaves the list."""

from __future__ import annotations

from tests.browser.audit import check_page
from tests.browser.conftest import log_in, new_page


def _a_failed_refund(app) -> int:
    """A buyer's paid order with a refund of ¥123.45 that failed at Stripe: its id."""
    from lithloop.extensions import db
    from lithloop.services.market import checkout
    from lithloop.services.market import payments as market_payments
    from lithloop.services.market.refunds import record_refund
    from tests.market.support import list_packs, make_buyer

    with app.app_context():
        buyer = make_buyer()
        order = checkout.checkout(buyer, [{"pack_id": p.id} for p in list_packs(1)])
        market_payments.pay(buyer, order.id, "pm_card_visa")
        record_refund(
            db.session.get(type(order), order.id),
            12_345,
            None,
            by=None,
            reason="",
            stripe_refund_id="re_phone",
            tell=False,
            status="failed",
        )
        db.session.commit()
        return order.id


def test_an_admin_marks_a_failed_refund_paid_back_on_a_phone(browser, live_server, screenshots):
    order_id = _a_failed_refund(live_server.app)
    page = new_page(browser, live_server.url, phone=True, lang="zh_CN")
    log_in(page, "admin@demo.lithloop")
    page.goto("/market/orders")
    owed = page.locator("#refunds-owed")
    assert "退款失败，待另行退还" in owed.inner_text() and "123.45" in owed.inner_text()
    assert owed.locator(".nowrap").count() == 1  # the date, kept whole (checked below)
    check_page(page, "orders-refunds-owed", screenshots, phone=True)
    owed.locator(f'a[href*="/market/orders/{order_id}"]').click()
    page.wait_for_load_state()  # cards.js lays the table out as cards once the page loaded
    check_page(page, "order-refund-not-made", screenshots, phone=True)
    page.fill("#refunds-not-made input[name=note]", "工行转账 20261207-0042")
    page.click("#refunds-not-made button[type=submit]")
    page.wait_for_load_state()
    assert "已标记为另行退还" in page.inner_text("body")
    assert "工行转账 20261207-0042" in page.inner_text("#refunds-not-made")
    page.goto("/market/orders")
    assert page.locator("#refunds-owed").count() == 0
    page.context.close()
