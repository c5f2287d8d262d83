"""The run page's best-so-far cost curve: axes labelled in the page's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lithloop.models import RunStatus
from tests.factories import PlanRunFactory

PROGRESS = [[0.5, 12345.6], [2.0, 11000.0], [30.4, 10500.4]]


@pytest.mark.parametrize("backend", ["sqlite"])  # the page's words: one backend
def test_the_cost_curve_has_labelled_axes_in_the_pages_language(client, auth):
    run = PlanRunFactory(status=RunStatus.RUNNING, progress=PROGRESS)
    auth.login(run.created_by.email)
    url = f"/dispatch/runs/{run.id}/progress"
    chinese = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    curve = chinese[chinese.index('<svg class="spark"') : chinese.index("</svg>")]
    assert ">时间（秒）</text>" in curve and ">成本（元）</text>" in curve
    # the ticks: the best cost at the start and at the end, no time and the last time
    assert ">12,346</text>" in curve and ">10,500</text>" in curve
    assert ">0</text>" in curve and ">30</text>" in curve
    client.set_cookie("lang", "en", domain="lithloop.test")
    english = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert ">Time (s)</text>" in english and ">Cost (yuan)</text>" in english


@pytest.mark.parametrize("backend", ["sqlite"])  # the page's words: one backend
def test_a_curve_that_starts_with_bookings_left_out_says_why_it_starts_high(client, auth):
    left_out = [[0.2, 2_010_000.0], [1.0, 9800.0], [3.0, 9700.0]]  # a booking's penalty first
    run = PlanRunFactory(status=RunStatus.RUNNING, progress=left_out)
    plain = PlanRunFactory(status=RunStatus.RUNNING, progress=PROGRESS)
    auth.login(run.created_by.email)
    page = client.get(f"/dispatch/runs/{run.id}/progress", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert "每个都计为一笔很大的额外成本" in page
    auth.login(plain.created_by.email)
    page = client.get(
        f"/dispatch/runs/{plain.id}/progress", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "额外成本" not in page


@pytest.mark.parametrize("backend", ["sqlite"])  # the page's words: one backend
def test_a_cancelled_run_says_no_plan_was_stored_instead_of_promising_its_cost(client, auth):
    """The caption promises the plan's cost at the end only while the run goes; a cancelled
    run says it stored no plan."""
    cancelled = PlanRunFactory(status=RunStatus.CANCELLED, progress=PROGRESS)
    running = PlanRunFactory(status=RunStatus.RUNNING, progress=PROGRESS)
    auth.login(cancelled.created_by.email)
    page = client.get(f"/dispatch/runs/{cancelled.id}").get_data(as_text=True)
    assert "运行已取消：未保存任何方案。" in page
    assert "在运行结束后显示" not in page
    assert "求解器每找到一个更优方案，曲线就下降一次。" in page
    client.set_cookie("lang", "en", domain="lithloop.test")
    page = client.get(f"/dispatch/runs/{cancelled.id}").get_data(as_text=True)
    assert "The run was cancelled: no plan was stored." in page
    assert "shown when the run ends" not in page
    auth.login(running.created_by.email)
    page = client.get(
        f"/dispatch/runs/{running.id}/progress", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "shown when the run ends" in page and "no plan was stored" not in page


def test_the_run_summary_headings_line_up_with_their_right_aligned_numbers():
    """The summary's row headings are left-aligned, but no rule pulls its number columns'
    headings (th.num: served, left out, km, cost) left, away from their numbers."""
    css = (Path(__file__).parents[2] / "static" / "css" / "app.css").read_text()
    rules = re.findall(r"([^{}]*\.run-summary[^{}]*)\{([^}]*)\}", css)
    assert rules
    for selectors, body in rules:
        if "text-align:left" not in body.replace(" ", ""):
            continue
        for selector in selectors.split(","):
            if re.search(r"\bth\b", selector):
                assert ":not(.num)" in selector, selector.strip()


@pytest.mark.parametrize("backend", ["sqlite"])  # the page's words: one backend
def test_the_run_summary_difference_in_km_is_the_difference_of_the_km_shown(client, auth):
    """12.4 km against 12.6 km is shown as 12 against 13: the difference reads -1, not the
    rounded true difference -0 that does not add up with the two numbers above it."""
    from tests.factories import PlanFactory

    before = PlanFactory(distance_m=12_628, cost_fen=38_966)
    run = PlanRunFactory(status=RunStatus.SUCCEEDED, progress=PROGRESS)
    PlanFactory(run=run, distance_m=12_450, cost_fen=77_724)
    assert before.plan_date == run.plan_date
    auth.login(run.created_by.email)
    page = client.get(f"/dispatch/runs/{run.id}").get_data(as_text=True)
    summary = page[page.index('class="run-summary"') :]
    cells = re.findall(r'<td class="num">([^<]*)</td>', summary)
    assert cells[2] == "12" and cells[6] == "13"  # this run, the plan before: km
    assert cells[10] == "-1"


@pytest.mark.parametrize("backend", ["sqlite"])  # the page's words: one backend
def test_a_closed_day_says_a_run_plans_the_next_open_day(client, auth):
    """Sunday's page offered "Optimise the routes" and the run planned Monday, unsaid."""
    from datetime import timedelta

    from lithloop import clock
    from lithloop.services.booking import capacity
    from tests.factories import DispatcherFactory

    auth.login(DispatcherFactory().email)
    sunday = clock.today() + timedelta(days=(6 - clock.today().weekday()) or 7)
    opens = next(
        sunday + timedelta(days=n) for n in range(1, 30) if capacity.is_open(sunday + timedelta(n))
    )
    page = client.get(f"/dispatch/?date={sunday.isoformat()}").get_data(as_text=True)
    said = page.split('id="closed-day">')[1].split("</p>")[0]
    assert f"产业园 {sunday.isoformat()} 不开放" in said and f"开放日 {opens.isoformat()}" in said
    assert f'href="/dispatch/?date={opens.isoformat()}"' in said
    page = client.get(f"/dispatch/?date={opens.isoformat()}").get_data(as_text=True)
    assert 'id="closed-day"' not in page


@pytest.mark.parametrize("backend", ["sqlite"])  # the page's words: one backend
@pytest.mark.parametrize("status", [RunStatus.QUEUED, RunStatus.RUNNING])
def test_cancelling_a_run_asks_first(client, auth, status):
    """Walk finding: "Cancel the run" threw the search away at one click, with no question
    (other irreversible buttons ask through data-confirm and static/js/confirm.js)."""
    run = PlanRunFactory(status=status, progress=PROGRESS)
    auth.login(run.created_by.email)
    for url in (f"/dispatch/runs/{run.id}", f"/dispatch/runs/{run.id}/progress"):
        page = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
        action = f'action="/dispatch/runs/{run.id}/cancel"'
        form = page[page.index(action) : page.index(">", page.index(action))]
        assert 'data-confirm="取消此次运行？' in form, url
    full = client.get(f"/dispatch/runs/{run.id}").get_data(as_text=True)
    assert "js/confirm.js" in full  # the script that asks
