"""The language switcher on a phone without JavaScript: a button posts, the page comes back
in the other language at the same address, and the choice is saved for the user's e-mails."""

from __future__ import annotations

import itertools

from lithloop.extensions import db
from lithloop.models import User
from tests.browser.conftest import DEMO_PASSWORD, PHONE, log_in
from tests.factories import make_org, make_user

_n = itertools.count(1)


def _user(live) -> str:
    with live.app.app_context():
        email = f"lang-switch-{next(_n)}@example.cn"
        make_user(make_org(name="语言切换测试"), email=email, password=DEMO_PASSWORD)
        db.session.remove()
    return email


def _locale(live, email: str) -> str | None:
    with live.app.app_context():
        locale = db.session.query(User.locale).filter(User.email == email).scalar()
        db.session.remove()
    return locale


def test_switching_language_on_a_phone_without_javascript(browser, live_server):
    email = _user(live_server)
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
        base_url=live_server.url,
        locale="zh-CN",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, email)
    page.goto("/account?tab=1")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    button = page.locator("nav.lang button", has_text="EN")
    box = button.bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44
    button.click()
    page.wait_for_load_state()
    assert page.url.endswith("/account?tab=1")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("nav.lang strong").inner_text() == "EN"
    assert _locale(live_server, email) == "en"
    page.locator("nav.lang button", has_text="中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert _locale(live_server, email) == "zh_CN"
    context.close()
