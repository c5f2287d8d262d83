"""Walk finding: on a phone the price index chart drew its four prices, on two axes, in a
plot about 110 px tall (the legend took three lines, the slanted dates more): the steps
between versions could hardly be told apart. At 390 px the plot has room to be read."""

from __future__ import annotations

from tests.browser.conftest import log_in, new_page


def test_the_price_chart_keeps_a_readable_plot_on_a_phone(browser, live_server):
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "admin@demo.lithloop")
    page.goto("/admin/prices")
    page.wait_for_function("Chart.getChart(document.getElementById('price-history'))")
    area = page.evaluate(
        "(() => { const a = Chart.getChart(document.getElementById('price-history')).chartArea;"
        " return {width: a.right - a.left, height: a.bottom - a.top}; })()"
    )
    assert area["height"] >= 200, area
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing wider than the phone
    page.context.close()
