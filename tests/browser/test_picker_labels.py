"""The site form's map names the region's cities and counties, each name whole, inside the
map and clear of every other name, in both languages. Walk finding (English, 1366 px):
"Harbin" under "Bin County", "Zhaodong" under "Bayan County", "Changchun" and "Daqing" cut
at the map's left edge; the labels' widths were estimated at 6.2 units a Latin letter and 12
a Chinese one, where the maps draw them at 15 px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, new_page

LABEL_BOXES = """() => {
  const svg = document.querySelector('#site-picker');
  const [, , width, height] = svg.getAttribute('viewBox').split(' ').map(Number);
  const boxes = [...svg.querySelectorAll('g.places text')].map(t => {
    const b = t.getBBox();
    return {text: t.textContent, left: b.x, right: b.x + b.width, top: b.y, bottom: b.y + b.height};
  });
  return {width, height, boxes};
}"""


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_pickers_place_names_stay_inside_and_apart(browser, live_server, lang):
    page = new_page(browser, live_server.url, lang=lang)
    log_in(page, "dealer@demo.lithloop")
    page.goto("/sites/new")
    found = page.evaluate(LABEL_BOXES)
    boxes = found["boxes"]
    assert len(boxes) >= 8, boxes  # the region is named, not left blank
    for box in boxes:
        inside = box["left"] >= 0 and box["right"] <= found["width"] and box["top"] >= 0
        assert inside and box["bottom"] <= found["height"], (lang, box, found["width"])
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a["right"] <= b["left"] or b["right"] <= a["left"]
            assert apart or a["bottom"] <= b["top"] or b["bottom"] <= a["top"], (lang, a, b)
    page.context.close()
