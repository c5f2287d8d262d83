"""The order page's date and time stay on one line at phone width: after the company's and
the buyer's names, "2026-12-06 07:05" broke after "2026-", the rest on the next line."""

from __future__ import annotations

import re

from tests.browser.card_entry import order_to_pay
from tests.browser.conftest import new_page, register_buyer

#: The widths (px) at which a "yyyy-mm-dd hh:mm" in the order's first paragraph under its
#: heading takes more than one line box, the paragraph narrowed from 360 to 160 px (wherever
#: the names before it make the line end, the date must move down whole).
DATE_LINES = """() => {
  const p = document.querySelector('h1 + p');
  const out = [];
  for (let width = 360; width >= 160; width -= 2) {
    p.style.width = width + 'px';
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0.5)
          .map(r => Math.round(r.top)));
        if (tops.size > 1) out.push([m[0], width]);
      }
    }
  }
  return out;
}"""


def test_the_orders_date_is_not_broken_across_lines_on_a_phone(browser, live_server):
    page = new_page(browser, live_server.url, phone=True, lang="zh_CN")
    register_buyer(page, live_server, "order-date")
    order_id = order_to_pay(page)
    page.goto(f"/market/orders/{order_id}")
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", page.inner_text("h1 + p"))
    assert page.evaluate(DATE_LINES) == []
    page.context.close()
