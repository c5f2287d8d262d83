"""A form the server refuses comes back with the reason beside the field: on a phone the
page opens where that reason is, not at its top screens away (the button seemed to do
nothing)."""

from __future__ import annotations

from tests.browser.conftest import log_in, new_page

IN_VIEW = (
    "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
)


def test_a_refused_assembly_opens_at_its_reason_on_a_phone(browser, live_server):
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "plant@demo.lithloop")
    page.goto("/plant/assembly")
    assert page.locator("input[name=parents]").count() >= 2  # the list the form follows
    for field, value in (
        ("#rated_wh", "90000"),
        ("#mass_kg", "1100"),
        ("#warranty_months", "24"),
        ("#capacity_ah", "230"),
        ("#soh_pct", "84"),
    ):
        page.fill(field, value)
    page.check("form[action$='/assembly'] input[name=insulation_ok][value='1']")
    page.locator("form[action$='/assembly'] button[type=submit]").click()  # no parent chosen
    page.wait_for_load_state()
    refused = page.locator("#err-parents")
    assert refused.inner_text()
    page.wait_for_function("() => document.readyState === 'complete'")
    assert refused.evaluate(IN_VIEW), page.evaluate("scrollY")
    page.context.close()
