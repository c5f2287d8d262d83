"""A quote request's page at phone width broke its dates in two: the day the packs are
wanted by ("2099-12-" above "31"), the time it was asked ("2026-" at the end of a line,
"12-07 12:53" on the next) and the matching stock ("9 个电池" above "包"), none of them
marked as one word, so the sweep's amount-and-code check did not see them either."""

from __future__ import annotations

import re
from datetime import timedelta

from lithloop import clock
from tests.browser.audit import overflow, wrapped
from tests.browser.conftest import new_page, register_buyer

#: The number of line boxes each visible occurrence of `text` on the page takes.
LINES_OF_TEXT_JS = """(text) => {
  const counts = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let at = node.data.indexOf(text);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + text.length);
    const tops = new Set([...range.getClientRects()].filter(r => r.width > 0.5)
      .map(r => Math.round(r.top)));
    counts.push(tops.size);
  }
  return counts;
}"""


def test_a_quote_requests_dates_and_stock_stay_on_one_line_at_phone_width(browser, live_server):
    page = new_page(browser, live_server.url, phone=True, lang="zh_CN")
    register_buyer(page, live_server, "rfq-dates")
    wanted = clock.today() + timedelta(days=9)
    page.goto("/market/rfqs/new")
    page.fill("#r-quantity", "3")
    page.select_option("#r-chemistry", "LFP")
    page.fill("#r-kwh", "10")
    page.fill("#r-soh", "60")
    page.select_option("#r-grade", "B")
    page.select_option("#r-use", "storage")
    page.fill("#r-date", wanted.isoformat())
    page.fill("textarea[name=note]", "long-distance")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/market/rfqs/" in page.url and "/new" not in page.url, page.url
    asked = re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", page.locator("main h1 + p").inner_text())[0]
    for text in (wanted.isoformat(), asked, page.locator("main dd").last.inner_text()):
        counts = page.evaluate(LINES_OF_TEXT_JS, text)
        assert counts and all(n == 1 for n in counts), (text, counts)
    assert wrapped(page) == [] and overflow(page) == []
    page.context.close()
