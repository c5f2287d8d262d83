"""Pages no journey opened, at phone and desktop width in Chinese and English: the public ones
(login, registration and its confirmation, the public price page, a public passport), the
buyer's catalog with its filters open, quote requests, company page and account, the
dealer's settlements and sites, the bus company's home (issue #19's layout and language checks)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import DismantlingBatch, OrgKind, Pack, PackState
from lithloop.services.accounts import registration
from tests.browser.audit import check_page
from tests.browser.conftest import mailed_link, new_page
from tests.browser.test_dispatch_journey import sweep
from tests.conftest import DEMO_PASSWORD


def _pack_on_sale(live) -> str:
    """The code of a pack on sale, preferring one assembled from retired packs."""
    with live.app.app_context():
        packs = db.session.scalars(
            sa.select(Pack).where(Pack.state == PackState.FINISHED).order_by(Pack.id)
        ).all()
        built = [p for p in packs if p.parents]
        code = (built or packs)[0].code
        db.session.remove()
    return code


def _confirmation(live, email: str) -> str:
    """The path of the link mailed to confirm a new buyer's registration."""
    with live.app.test_request_context():
        registration.request_registration(
            kind=OrgKind.BUYER,
            organisation="绥芬河储能科技有限公司",
            name="李娜",
            email=email,
            password=DEMO_PASSWORD,
            link_for=lambda token: f"/register/confirm/{token}",
        )
        db.session.remove()
    return mailed_link(live, email, "/register/confirm/")


@pytest.mark.parametrize("phone", [True, False], ids=["390", "1366"])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_public_pages(browser, live_server, screenshots, lang, phone):
    code = _pack_on_sale(live_server)
    page = new_page(browser, live_server.url, phone=phone, lang=lang)
    for name, url in {
        "login": "/login",
        "register": "/register",
        "register-confirm": _confirmation(live_server, f"sweep-{lang}-{int(phone)}@example.cn"),
        "prices-public": "/prices",
        "passport-public": f"/p/{code}",
    }.items():
        page.goto(url)
        check_page(page, name, screenshots, phone=phone)
    page.context.close()


def test_buyer_and_dealer_pages(browser, live_server, screenshots):
    sweep(
        browser,
        live_server,
        "buyer@demo.lithloop",
        {
            "catalog-filtered": "/market/?min_soh=50",  # the filters open, with "Clear"
            "rfqs": "/market/rfqs",
            "rfq-new": "/market/rfqs/new",
            "company": "/market/company",
            "account": "/account",
        },
        screenshots,
    )
    sweep(
        browser,
        live_server,
        "dealer@demo.lithloop",
        {"settlements": "/settlements/", "sites": "/sites/", "home-dealer": "/"},
        screenshots,
    )
    # the bus company's home, with its "Your fleet" card
    sweep(browser, live_server, "fleet@demo.lithloop", {"home-fleet": "/"}, screenshots)


def _batch_id(live) -> int | None:
    with live.app.app_context():
        found = db.session.scalar(sa.select(DismantlingBatch.id).order_by(DismantlingBatch.id))
        db.session.remove()
    return found


def test_plant_and_admin_pages(browser, live_server, screenshots):
    pages = {"warehouses": "/plant/warehouses/", "warehouse-raw": "/plant/warehouses/raw"}
    if (batch := _batch_id(live_server)) is not None:
        pages["batch"] = f"/plant/batches/{batch}"
    sweep(browser, live_server, "plant@demo.lithloop", pages, screenshots)
    sweep(
        browser,
        live_server,
        "admin@demo.lithloop",
        {"trace": "/trace/", "prices-compare": "/admin/prices/compare", "tokens": "/admin/tokens"},
        screenshots,
    )
