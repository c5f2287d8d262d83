"""Fleet walk: the retirement forecast's chart has two axes (packs left, kWh right) and one
legend; neither axis said what it counted, and with nothing due the kWh axis read 0.1, 0.2 …
1.0 kWh. Each axis is titled, in the page's language, with whole-number ticks."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import User
from tests.browser.conftest import log_in, new_page
from tests.factories import make_bus_pack

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


def _pack_due_now(live) -> None:
    """A pack of the demo bus company's register below the threshold: due this month (the
    module's demo is put back as seeded afterwards)."""
    with live.app.app_context():
        org = db.session.scalar(
            sa.select(User.organisation_id).where(User.email == "fleet@demo.lithloop")
        )
        make_bus_pack(org, "黑C·F0001", soh_pct=Decimal("70"))
        db.session.remove()


LAYOUT_JS = """() => {
  const chart = Chart.getChart(document.getElementById('fleet-forecast'));
  const figure = document.querySelector('figure.chart').getBoundingClientRect();
  const caption = document.querySelector('figure.chart figcaption').getBoundingClientRect();
  const shown = [...document.querySelectorAll('.fleet-table tbody tr')]
    .filter(r => r.getBoundingClientRect().height > 0).map(r => r.cells[0].textContent.trim());
  const ticks = chart.scales.x.ticks.map(t => chart.data.labels[t.value]);
  return {months: chart.data.labels, ticks: ticks,
          captionInside: caption.bottom <= figure.bottom && caption.top >= figure.top,
          shown: shown, note: document.querySelector('.on-phone') !== null};
}"""


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_phone_gets_every_month_on_the_axis_a_caption_inside_and_no_empty_month_cards(
    browser, live_server, lang
):
    """Walk: the caption ran over the card's edge, the axis named every other month, and a
    year of month cards, most of them zeros, took four screens."""
    _pack_due_now(live_server)
    page = new_page(browser, live_server.url, phone=True, lang=lang)
    log_in(page, "fleet@demo.lithloop")
    page.goto("/fleet/forecast")
    page.wait_for_function("Chart.getChart(document.getElementById('fleet-forecast'))")
    layout = page.evaluate(LAYOUT_JS)
    assert layout["ticks"] == layout["months"], layout
    assert layout["captionInside"], layout
    assert layout["note"] and 0 < len(layout["shown"]) < len(layout["months"]), layout
    page.set_viewport_size({"width": 1366, "height": 768})  # a desktop lists the whole year
    assert len(page.evaluate(LAYOUT_JS)["shown"]) == len(layout["months"])
    assert not page.locator(".on-phone").is_visible()
    page.context.close()
