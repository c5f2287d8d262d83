"""A pack's name in the cart and on the order, "磷酸铁锂 LFP · 等级 B · 5.12 kWh", reads as one
phrase at phone width: each table cell is a flex box there, and the loose text and the kWh
were two items pushed apart ("磷酸铁锂 LFP · 等级 B ·" at the left, "5.12 kWh" at the right
edge), the separator left hanging."""

from __future__ import annotations

from tests.browser.card_entry import order_to_pay
from tests.browser.conftest import new_page, register_buyer

#: For every "N kWh" in a table cell: the gap (px) between it and the " · " before it, and
#: whether both sit on one line.
GAPS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('main table tbody td *')) {
    if (!/^\\d[\\d.,]* kWh$/.test(el.textContent.trim()) || el.children.length) continue;
    const before = el.previousSibling;
    if (!before || before.nodeType !== Node.TEXT_NODE) continue;
    const at = before.data.lastIndexOf('\\u00b7');
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(before, at);
    range.setEnd(before, at + 1);
    const dot = range.getBoundingClientRect(), kwh = el.getBoundingClientRect();
    out.push([Math.round(kwh.left - dot.right), Math.abs(kwh.top - dot.top) < 4]);
  }
  return out;
}"""


def test_a_packs_name_reads_as_one_phrase_in_the_cart_and_the_order(browser, live_server):
    page = new_page(browser, live_server.url, phone=True, lang="zh_CN")
    register_buyer(page, live_server, "pack-label")
    order_id = order_to_pay(page)
    for path in (f"/market/orders/{order_id}", "/market/cart"):
        if path == "/market/cart":
            page.goto("/market/?chemistry=LFP&sort=price")
            page.locator("form[action$='/cart/add'] button[type=submit]").first.click()
            page.wait_for_load_state()
        page.goto(path)
        gaps = page.evaluate(GAPS)
        assert gaps, path
        for gap, one_line in gaps:
            assert one_line and gap < 16, (path, gaps)
    page.context.close()
