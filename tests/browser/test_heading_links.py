"""A heading that is a link ("磷酸铁锂 LFP · 等级 B · 5.12 kWh") keeps the space before the
quantity it ends with: tap-sized links are flex boxes, whose text and span are separate items,
and the space between them collapsed ("等级 B ·5.12 kWh" on the catalogue)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, new_page

GAP_JS = """() => {
  const link = document.querySelector("main h2 > a");
  const span = link.querySelector(".quantity");
  const text = span.previousSibling;  // "磷酸铁锂 LFP · 等级 B · "
  const range = document.createRange();
  range.selectNodeContents(text);
  const rects = range.getClientRects();
  const end = rects[rects.length - 1].right;
  const font = parseFloat(getComputedStyle(link).fontSize);
  return {gap: span.getBoundingClientRect().left - end, font, sameLine:
    Math.abs(span.getBoundingClientRect().top - rects[rects.length - 1].top) < font};
}"""


@pytest.mark.parametrize("phone", [True, False], ids=["390", "1366"])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_heading_link_keeps_the_space_before_its_quantity(browser, live_server, lang, phone):
    page = new_page(browser, live_server.url, phone=phone, lang=lang)
    log_in(page, "buyer@demo.lithloop")
    page.goto("/market/")
    measured = page.evaluate(GAP_JS)
    # a space is about a quarter of the font; the collapsed one measured 0
    assert measured["gap"] >= measured["font"] * 0.2 or not measured["sameLine"], measured
    page.context.close()
