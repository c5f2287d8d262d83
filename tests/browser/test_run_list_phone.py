"""Walk finding: at 390 px the day's runs read "#9    · 已取消 …" (a bare run number in a
44 px tap box, a gap after it) and "· 草稿" wrapped onto a line of its own. Each run is now
two links that wrap whole: its number, state and time; its plan and the plan's state."""

from __future__ import annotations

from tests.browser.conftest import log_in, new_page

TODAY = "2026-11-27"  # the frozen clock's day: the demo's published plan

SPREAD = """() => [...document.querySelectorAll('#day-runs li')].map(li => {
  const line = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].filter(r => r.width > 0.5)
      .map(r => Math.round(r.top)));
    const words = range.getBoundingClientRect().width;
    return {text: el.textContent.trim(), lines: tops.size,
            gap: el.getBoundingClientRect().width - words};
  };
  return [...li.querySelectorAll('a')].map(line);
})"""


def test_the_runs_of_a_day_read_whole_on_a_phone(browser, live_server, screenshots):
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "dispatcher@demo.lithloop")
    page.goto(f"/dispatch/?date={TODAY}")
    runs = page.evaluate(SPREAD)
    assert runs, "no runs on the demo's day"
    page.locator("#day-runs").screenshot(path=str(screenshots / "run-list-phone.png"))
    for links in runs:
        assert links[0]["text"].startswith("#"), links
        assert any("计划" in link["text"] and "·" in link["text"] for link in links[1:]), links
        for link in links:
            assert link["lines"] == 1, link  # a run's words, or its plan's, never split
            assert link["gap"] < 4, link  # no tap box wider than its words
    page.context.close()
