"""The government partner on a phone (390 px): Traceability in the menu, a pack found by its
code typed as people type it (lower case, in groups with spaces), and a code of the wrong
length told beside the box, where the page opens; no mark button anywhere."""

from __future__ import annotations

from tests.browser.audit import check_page
from tests.browser.conftest import log_in, new_page

IN_VIEW = (
    "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
)


def test_the_regulator_looks_a_pack_up_by_its_code_on_a_phone(browser, live_server, screenshots):
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "gov@demo.lithloop")
    page.locator("details.menu summary").click()  # the phone's menu
    link = page.locator("details.menu a[href='/trace/']")
    assert link.inner_text() == "溯源"
    link.click()
    page.wait_for_url("**/trace/")
    assert page.locator("form[action$='/trace/reported']").count() == 0
    assert page.locator("input[name=event]").count() == 0
    check_page(page, "gov-trace", screenshots, phone=True)
    code = page.locator("a[href^='/packs/'] code").first.inner_text()
    typed = " ".join(code[i : i + 4] for i in range(0, 24, 4)).lower()
    page.fill("#look-up input[name=code]", typed)
    page.locator("#look-up button[type=submit]").click()
    page.wait_for_url(f"**/packs/{code}")
    assert code in page.locator("h1").inner_text()
    check_page(page, "gov-pack", screenshots, phone=True)
    page.goto("/trace/")
    page.fill("#look-up input[name=code]", code[:-1])
    page.locator("#look-up button[type=submit]").click()
    page.wait_for_load_state()
    told = page.locator("#err-code")
    assert "23" in told.inner_text() and "24" in told.inner_text()
    page.wait_for_function("() => document.readyState === 'complete'")
    assert told.evaluate(IN_VIEW), page.evaluate("scrollY")
    check_page(page, "gov-trace-refused", screenshots, phone=True)
    page.context.close()
