"""Walk finding (English phone, 375 px): the plan's cost tile read "¥13,751.2" with "9" on the
next line, and the publish page's heading "Publish the plan for 2026-" with "12-09" below.
A plan's figures and its day stay whole at phone width and in the desktop's four columns,
with a six-figure cost, in both languages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Plan, PlanStatus
from tests.browser.audit import overflow, spilled, wrapped
from tests.browser.conftest import log_in, new_page

#: Whole-line checks of the parts named above (the audit's list covers amounts, not days).
LINES = """(selector) => [...document.querySelectorAll(selector)].map(el => {
  const tops = new Set();
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    [...range.getClientRects()].filter(r => r.width > 0.5)
      .forEach(r => tops.add(Math.round(r.top)));
  }
  return [el.textContent.trim(), tops.size];
})"""


@pytest.mark.parametrize(("lang", "width"), [("en", 375), ("en", 320), ("zh_CN", 375), ("en", 720)])
def test_a_plans_cost_and_day_stay_whole(browser, live_server, lang, width):
    app = live_server.app
    with app.app_context():
        plan = db.session.scalar(
            sa.select(Plan).where(Plan.status == PlanStatus.PUBLISHED).order_by(Plan.id.desc())
        )
        plan_id, old_cost, old_status = plan.id, plan.cost_fen, plan.status
        plan.cost_fen, plan.status = 11_375_129, PlanStatus.DRAFT  # ¥113,751.29
        db.session.commit()
    try:
        page = new_page(browser, live_server.url, phone=width < 720, lang=lang)
        page.set_viewport_size({"width": width, "height": 800})
        log_in(page, "dispatcher@demo.lithloop")
        page.goto(f"/dispatch/plans/{plan_id}")
        tiles = page.evaluate(LINES, ".stats .stat strong")
        assert any("113,751.29" in text for text, _ in tiles), tiles
        assert all(lines == 1 for _, lines in tiles), tiles
        assert not wrapped(page) and not spilled(page) and not overflow(page)
        page.goto(f"/dispatch/plans/{plan_id}/publish")
        [(heading, _)] = page.evaluate(LINES, "h1")
        days = page.evaluate(LINES, "h1 .nowrap")
        assert [lines for _, lines in days] == [1] and days[0][0] in heading, days
        assert not overflow(page)
        page.context.close()
    finally:
        with app.app_context():
            plan = db.session.get(Plan, plan_id)
            plan.cost_fen, plan.status = old_cost, old_status
            db.session.commit()
