"""Issue #19's printed documents in the browser: a settlement statement and certificate of
the demo (opened by the admin), the dispatcher's manifest and dangerous-goods document, each
opened from its page at phone and desktop width in Chinese and English (layout and language
checks), its "Download PDF" link giving a PDF whose text carries the page's own heading."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Plan, PlanRoute, Settlement
from lithloop.vocab import PlanStatus
from tests.browser.audit import check_page
from tests.browser.conftest import log_in, new_page
from tests.pdf_text import pdf_text


def _settlement_documents(live) -> tuple[str, str]:
    """The statement and certificate of one of the demo's settled bookings."""
    with live.app.app_context():
        settlement = db.session.scalar(sa.select(Settlement).order_by(Settlement.id))
        assert settlement is not None, "the demo has no settled booking"
        urls = (
            f"/settlements/{settlement.booking_id}",
            f"/certificates/{settlement.certificate_token}",
        )
        db.session.remove()
    return urls


def _route_documents(live) -> tuple[str, str]:
    """The manifest and dangerous-goods document of a route of a published plan."""
    with live.app.app_context():
        route_id = db.session.scalar(
            sa.select(PlanRoute.id)
            .join(Plan, Plan.id == PlanRoute.plan_id)
            .where(Plan.status == PlanStatus.PUBLISHED)
            .order_by(Plan.plan_date, PlanRoute.id)
        )
        assert route_id is not None, "the demo has no published plan"
        db.session.remove()
    return f"/routes/{route_id}/manifest", f"/routes/{route_id}/dangerous-goods"


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("phone", [True, False], ids=["390", "1366"])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_documents_open_and_their_pdfs_carry_the_same_heading(
    browser, live_server, screenshots, lang, phone
):
    statement, certificate = _settlement_documents(live_server)
    manifest, dangerous = _route_documents(live_server)
    for email, pages in (
        ("admin@demo.lithloop", {"statement": statement, "certificate": certificate}),
        ("dispatcher@demo.lithloop", {"manifest": manifest, "dangerous-goods": dangerous}),
    ):
        page = new_page(browser, live_server.url, phone=phone, lang=lang)
        log_in(page, email)
        for name, url in pages.items():
            page.goto(url)
            check_page(page, f"doc-{name}", screenshots, phone=phone)
            heading = page.locator("article h1, h1").first.inner_text()
            link = page.locator("a[href*='format=pdf']").first.get_attribute("href")
            download = page.request.get(link)
            assert download.status == 200, (name, download.status)
            assert download.headers["content-type"] == "application/pdf", name
            text = pdf_text(download.body())
            assert _flat(heading) in _flat(text), (name, heading, text[:300])
        page.context.close()
