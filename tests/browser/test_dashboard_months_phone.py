"""Review finding: on a phone the dashboard's monthly table became twelve cards, mostly of
zeros (the demo's year has activity in a month or two). At 390 px a card stands for each
month with activity; the others are named in one line under the cards, and the charts above
still draw all twelve. On a wide screen the table keeps its twelve rows."""

from __future__ import annotations

import pytest

from tests.browser.audit import overflow, spilled, wrapped
from tests.browser.conftest import log_in, new_page

#: Each row of the monthly table: its state (class), whether it is drawn, and its figures.
ROWS = """() => [...document.querySelectorAll('#table-months tbody tr')].map(tr => ({
  state: tr.className,
  shown: tr.checkVisibility(),
  month: tr.cells[0].textContent.trim(),
  figures: [...tr.querySelectorAll('td.num')].map(td => td.textContent.trim()),
}))"""


def _nonzero(figure: str) -> bool:
    return any(ch in "123456789" for ch in figure)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_phone_shows_a_card_for_each_month_with_activity_only(browser, live_server, lang):
    page = new_page(browser, live_server.url, phone=True, lang=lang)
    log_in(page, "admin@demo.lithloop")
    page.goto("/dashboard/")
    rows = page.evaluate(ROWS)
    assert len(rows) == 12, rows
    shown = [r for r in rows if r["shown"]]
    assert shown and all(r["state"] == "active" for r in shown), rows
    assert all(any(_nonzero(f) for f in r["figures"]) for r in shown), shown
    hidden = [r for r in rows if not r["shown"]]
    assert hidden and all(not any(_nonzero(f) for f in r["figures"]) for r in hidden), hidden
    line = page.locator("#months-left-out")
    assert line.is_visible()
    said = line.inner_text()
    assert hidden[0]["month"] in said and hidden[-1]["month"] in said, (said, hidden)
    assert page.locator("#chart-months").is_visible() and page.locator("#chart-built").is_visible()
    assert wrapped(page) == [] and spilled(page) == [] and overflow(page) == []
    page.context.close()


def test_a_wide_screen_keeps_the_twelve_months(browser, live_server):
    page = new_page(browser, live_server.url, lang="zh_CN")
    log_in(page, "admin@demo.lithloop")
    page.goto("/dashboard/")
    rows = page.evaluate(ROWS)
    assert [r["shown"] for r in rows] == [True] * 12, rows
    assert not page.locator("#months-left-out").is_visible()
    page.context.close()
