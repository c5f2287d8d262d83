"""Fleet walk: the retirement forecast's chart has two axes (packs left, kWh right) and one
legend; neither axis said what it counted, and with nothing due the kWh axis read 0.1, 0.2 …
1.0 kWh. Each axis is titled, in the page's language, with whole-number ticks."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, new_page

AXES_JS = """() => {
  const chart = Chart.getChart(document.getElementById('fleet-forecast'));
  const axis = (id) => ({title: chart.scales[id].options.title.display
                          ? chart.scales[id].options.title.text : null,
                         ticks: chart.scales[id].ticks.map(t => t.value)});
  return {y: axis('y'), y2: axis('y2')};
}"""


@pytest.mark.parametrize(
    ("lang", "packs", "kwh"),
    [("zh_CN", "到期电池包", "到期电量（kWh）"), ("en", "Packs due", "kWh due")],
)
def test_each_forecast_axis_says_what_it_counts_in_whole_numbers(
    browser, live_server, lang, packs, kwh
):
    page = new_page(browser, live_server.url, phone=True, lang=lang)
    log_in(page, "fleet@demo.lithloop")
    page.goto("/fleet/forecast")
    page.wait_for_function("Chart.getChart(document.getElementById('fleet-forecast'))")
    axes = page.evaluate(AXES_JS)
    assert axes["y"]["title"] == packs and axes["y2"]["title"] == kwh, axes
    for axis in ("y", "y2"):
        assert all(float(v).is_integer() for v in axes[axis]["ticks"]), axes
    page.context.close()
