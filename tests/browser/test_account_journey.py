"""The account page in the browser, on a phone in Chinese and English: a buyer sees and
revokes an API token and logs out everywhere (each asks first); an admin reviews everyone's
tokens."""

from __future__ import annotations

import itertools

import pytest

from lithloop.extensions import db
from lithloop.models import OrgKind, Role
from lithloop.services.accounts.api_tokens import issue_api_token
from tests.browser.audit import check_page
from tests.browser.conftest import DEMO_PASSWORD, log_in, new_page
from tests.factories import make_org, make_user

_n = itertools.count(1)


def _buyer_with_token(live) -> str:
    """A buyer of their own (logging out everywhere touches nobody else) with one token."""
    n = next(_n)
    with live.app.app_context():
        user = make_user(
            make_org(OrgKind.BUYER, name=f"账户测试买家{n}"),
            role=Role.BUYER,
            email=f"account-journey-{n}@example.cn",
            password=DEMO_PASSWORD,
        )
        issue_api_token(user, "ERP 对接")
        email = user.email
        db.session.remove()
    return email


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_buyer_revokes_a_token_and_logs_out_everywhere(browser, live_server, screenshots, lang):
    email = _buyer_with_token(live_server)
    page = new_page(browser, live_server.url, phone=True, lang=lang)
    other = new_page(browser, live_server.url, phone=True, lang=lang)
    log_in(page, email)
    log_in(other, email)
    page.goto("/account")
    check_page(page, "account", screenshots, phone=True)
    assert page.locator("ul.tokens code").count() == 1
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("form[action$='/revoke'] button").click()
    page.wait_for_timeout(300)
    assert asked and "ERP 对接" in asked[0]  # revoking asks first, naming the token
    assert page.locator("form[action$='/revoke']").count() == 1  # "no": still working
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/revoke'] button").click()
    page.wait_for_load_state()
    assert page.locator("form[action$='/revoke']").count() == 0  # revoked: no button left
    page.fill("#name", "仓库扫码枪")  # a new one, made on the page; shown once, whole
    page.fill("#token_password", DEMO_PASSWORD)
    page.locator("form[action$='/account/tokens'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#new-token pre.secret").text_content().startswith("llk_")
    check_page(page, "account-new-token", screenshots, phone=True)
    asked.clear()
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator("form[action$='/logout-everywhere'] button").click()
    page.wait_for_load_state()
    assert asked  # logging out everywhere asks first
    assert "/login" in page.url
    other.goto("/account")
    assert "/login" in other.url  # the other device's session ended too
    page.context.close()
    other.context.close()


def test_an_admin_reviews_everyones_tokens_on_a_phone(browser, live_server, screenshots):
    email = _buyer_with_token(live_server)
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "admin@demo.lithloop")
    page.goto("/admin/tokens")
    assert email in page.content()
    check_page(page, "admin-tokens", screenshots, phone=True)
    page.context.close()
