"""Dealer walk: a date or a time window in a table cell or a detail line broke across two
lines: the booking page's pickup day read "2026-12-07 08:00–" over "14:00" on an English
phone, and the price page's "As of" dates read "2025-12-" over "08" on a desktop (the
sources' long addresses squeezed their column). Each stays on one line."""

from __future__ import annotations

import re

from tests.browser.conftest import log_in, new_page

#: Dates and time windows in table cells and detail lines that span two line boxes.
BROKEN_JS = r"""() => {
  const out = [];
  const pattern = /\d{4}-\d{2}-\d{2}|\d{2}:\d{2}\u2013\d{2}:\d{2}/g;
  for (const cell of document.querySelectorAll('main td, main dd')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(pattern)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0.5)
          .map(r => Math.round(r.top / 4)));
        if (tops.size > 1) out.push(m[0] + ' in ' + cell.tagName.toLowerCase());
      }
    }
  }
  return out;
}"""


def test_a_bookings_pickup_day_and_window_stay_on_one_line_on_an_english_phone(
    browser, live_server
):
    page = new_page(browser, live_server.url, phone=True, lang="en")
    log_in(page, "dealer@demo.lithloop")
    page.goto("/bookings/?status=all")
    assert page.evaluate(BROKEN_JS) == []
    links = page.locator("main a[href^='/bookings/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    bookings = sorted({link for link in links if re.fullmatch(r"/bookings/\d+", link)})
    assert bookings
    for link in bookings:
        page.goto(link)
        assert page.evaluate(BROKEN_JS) == [], link
    page.context.close()


def test_the_price_sources_dates_stay_on_one_line_on_a_desktop(browser, live_server):
    page = new_page(browser, live_server.url, lang="en")
    page.goto("/prices")
    assert page.locator("main td.source").count() > 0  # the English page lists the sources
    assert page.evaluate(BROKEN_JS) == []
    page.context.close()
