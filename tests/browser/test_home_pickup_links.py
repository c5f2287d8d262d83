"""A dealer's home lists the coming pickups as links "#14 · 2026-12-07 · site name": at phone
width the site's name wrapped in a narrow column of its own to the right of the number and
day (the link is a flex box, and each run of its text was a flex item), instead of running
on under them as text does."""

from __future__ import annotations

from tests.browser.conftest import log_in, new_page

#: For each coming pickup's link: how many lines its text takes, and the left edges (px,
#: from the link's own left) of its lines after the first.
LINES = """() => [...document.querySelectorAll('.upcoming li > a')].map(a => {
  const range = document.createRange();
  range.selectNodeContents(a);
  const left = a.getBoundingClientRect().left;
  const lines = new Map();
  for (const r of range.getClientRects()) {
    if (r.width < 0.5) continue;
    const top = Math.round(r.bottom);
    lines.set(top, Math.min(lines.has(top) ? lines.get(top) : Infinity, r.left - left));
  }
  const tops = [...lines.keys()].sort((x, y) => x - y);
  return [tops.length, tops.slice(1).map(t => Math.round(lines.get(t)))];
})"""


def test_a_coming_pickup_wraps_as_one_line_of_text_on_a_phone(browser, live_server):
    page = new_page(browser, live_server.url, phone=True, lang="zh_CN")
    log_in(page, "dealer@demo.lithloop")
    page.goto("/")
    links = page.evaluate(LINES)
    assert links, "the demo dealer has pickups coming"
    assert any(count > 1 for count, _ in links), links  # the case that broke: a wrapped link
    for _count, lefts in links:
        assert all(x <= 1 for x in lefts), links  # each further line starts at the left
    page.context.close()
