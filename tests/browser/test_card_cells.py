"""A table cell drawn as a card line at phone width keeps its own items together at the
right, the column's name at the left: the orders list showed "已付款" in the middle of the
card and "已退款 ¥100.50" at its right edge (the cell spread its items apart)."""

from __future__ import annotations

from tests.browser.conftest import new_page

CELL = """() => {
  const box = document.createElement('div');
  box.className = 'scroll';
  box.innerHTML = '<table class="cards"><tbody><tr><td data-label="\\u72b6\\u6001">'
    + '<span class="status paid">\\u5df2\\u4ed8\\u6b3e</span> '
    + '<span class="tag">\\u5df2\\u9000\\u6b3e \\u00a5100.50</span></td></tr></tbody></table>';
  document.querySelector('main').prepend(box);
  const cell = box.querySelector('td').getBoundingClientRect();
  const [status, tag] = [...box.querySelectorAll('span')].map(s => s.getBoundingClientRect());
  return {gap: tag.left - status.right, right: cell.right - tag.right, top: tag.top - status.top};
}"""


def test_a_status_and_its_tag_stay_together_in_a_phone_card(browser, live_server):
    page = new_page(browser, live_server.url, phone=True, lang="zh_CN")
    page.goto("/login")
    seen = page.evaluate(CELL)
    assert abs(seen["top"]) < 4, seen  # one line
    assert seen["gap"] < 16, seen  # side by side, as text
    assert seen["right"] < 8, seen  # at the card's right edge, like every value
    page.context.close()


LONG_WORD = """() => {
  const box = document.createElement('div');
  box.className = 'scroll';
  box.innerHTML = '<table class="cards"><tbody><tr><td data-label="Source">'
    + 'https://www.example.com/' + 'lithiumcarbonateindex/'.repeat(8)
    + '</td></tr></tbody></table>';
  document.querySelector('main').prepend(box);
  const cell = box.querySelector('td').getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(box.querySelector('td'));
  const text = range.getBoundingClientRect();
  return {left: text.left - cell.left, right: cell.right - text.right};
}"""


def test_a_long_unbroken_word_wraps_inside_its_phone_card(browser, live_server):
    """Walk finding: a price version's source note given as a long URL (a word with no space)
    kept its whole width in the phone card and ran out of the card's left edge, cut off
    where nobody could scroll to it."""
    page = new_page(browser, live_server.url, phone=True, lang="zh_CN")
    page.goto("/login")
    seen = page.evaluate(LONG_WORD)
    assert seen["left"] >= -1 and seen["right"] >= -1, seen
    page.context.close()
