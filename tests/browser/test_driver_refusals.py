"""What the driver's page says when a confirmation is refused, at 390 px: beside the field it
concerns (the server's `field`, or the page's own check), what was typed kept, the field in
view with the focus on it; a Chinese keyboard's full-width mass read for the page's own mass
check as the server reads it; and an exception without a reason stopped before it is sent or
kept on the phone."""

from __future__ import annotations

import json

from lithloop.models import BookingStatus
from tests.browser.audit import check_page
from tests.browser.conftest import log_in, new_page
from tests.browser.test_driver_queue import _phone
from tests.browser.test_driver_road import _list_codes, _stop_facts

FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")
IN_VIEW = (
    "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
)


def _current_stop(browser, live):
    """The driver's page on a phone, and its open stop (its booking listing pack codes)."""
    page = new_page(browser, live.url, phone=True)
    log_in(page, "driver@demo.lithloop")
    page.goto("/driver/")
    stop_id = int(page.locator(".driver-stop[open] form.pickup").get_attribute("data-stop"))
    _list_codes(live, stop_id)
    page.reload()
    return page, stop_id


def _posts(page, action: str) -> list[str]:
    """The confirmations of `action` the page sends (filled in as they go)."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if r.url.endswith("/" + action) else None)
    return seen


def _beside(page, form, name: str, error_id: str):
    """The refusal shown in the field box of `name`, in view, the field focused; its text."""
    error = form.locator(f".field:has([name={name}]) p.error#{error_id}")
    error.wait_for()
    assert error.is_visible() and error.evaluate(IN_VIEW)
    assert page.evaluate("document.activeElement.name") == name
    assert form.locator(f"[name={name}]").get_attribute("aria-invalid") == "true"
    return error.inner_text()


def test_a_refused_pickup_is_said_beside_its_field_and_keeps_what_was_typed(
    browser, live_server, screenshots
):
    page, stop_id = _current_stop(browser, live_server)
    facts = _stop_facts(live_server, stop_id)
    form = page.locator(f"form.pickup[data-stop='{stop_id}']")
    codes = "\n".join(facts["codes"])
    sent = _posts(page, "pickup")

    # more than the truck carries: refused by the server, said beside the mass
    form.locator("textarea[name=codes]").fill(codes)
    form.locator("input[name=mass_kg]").fill("999999")
    form.locator("input[name=note]").fill("地磅读数")
    form.locator("button[type=submit]").click()
    said = _beside(page, form, "mass_kg", f"err-{stop_id}-pickup-mass_kg")
    # the refusal names the truck's payload (bb316c8), in 千克 (tests/test_kilogram_words.py)
    assert "核定载重" in said and " 千克）" in said and len(sent) == 1
    assert page.locator(f"#msg-{stop_id}").inner_text().strip() == ""  # not at the card's top
    assert form.locator("input[name=mass_kg]").input_value() == "999999"
    assert form.locator("input[name=note]").input_value() == "地磅读数"
    assert form.locator("textarea[name=codes]").input_value() == codes
    check_page(page, "driver-refused-mass", screenshots, phone=True)

    # corrected mass, a code that is not a GB/T 34014 code: beside the codes, the mass's gone
    form.locator("input[name=mass_kg]").fill(str(round(facts["booked"])))
    assert form.locator("p.error").count() == 0  # the mass's message went with the edit
    form.locator("textarea[name=codes]").fill(codes + "\nNOT-A-CODE")
    form.locator("button[type=submit]").click()
    said = _beside(page, form, "codes", f"err-{stop_id}-pickup-codes")
    assert "NOT-A-CODE" in said and len(sent) == 2
    assert form.locator("p.error").count() == 1
    assert _stop_facts(live_server, stop_id)["status"] is BookingStatus.SCHEDULED
    page.context.close()


def test_a_full_width_mass_is_checked_against_the_booking(browser, live_server):
    page, stop_id = _current_stop(browser, live_server)
    facts = _stop_facts(live_server, stop_id)
    form = page.locator(f"form.pickup[data-stop='{stop_id}']")
    form.locator("textarea[name=codes]").fill("\n".join(facts["codes"]))
    mass, warning = form.locator("input[name=mass_kg]"), form.locator(".check-warning")
    heavy = round(facts["booked"] * 1.22)
    sent = _posts(page, "pickup")

    mass.fill(str(heavy).translate(FULL_WIDTH))  # １５８６ from a Chinese keyboard
    assert warning.is_visible() and "+22.0 %" in warning.inner_text()
    mass.fill(f"{heavy:,}".translate(FULL_WIDTH))  # with a full-width thousands separator
    assert warning.is_visible() and "+22.0 %" in warning.inner_text()
    form.locator("button[type=submit]").click()  # no note: asked for before anything is sent
    assert page.evaluate("document.activeElement.name") == "note" and sent == []

    # what the server refuses is not read as a number here either
    mass.fill(f"{round(facts['booked'])},5")  # a decimal comma, not 10 × the booked mass
    assert warning.is_hidden()
    mass.fill(str(round(facts["booked"])).translate(FULL_WIDTH))
    assert warning.is_hidden()

    # walk finding: twenty digits read "+7936507936507935744.0 %"; ten times, ungrouped
    mass.fill("9" * 20)
    assert "> +9,999 %" in warning.inner_text() and "99999" not in warning.inner_text()
    heavy = round(facts["booked"] * 13)
    mass.fill(str(heavy))
    assert f"{(heavy - facts['booked']) / facts['booked'] * 100:+,.1f} %" in warning.inner_text()
    page.context.close()


def test_an_exception_without_a_reason_is_asked_for_one_online_and_offline(
    browser, live_server, screenshots
):
    page, stop_id = _current_stop(browser, live_server)
    cannot = page.locator(f"#stop-{stop_id} details.cannot")
    cannot.locator("summary").click()
    form = cannot.locator("form[data-action=exception]")
    reason = form.locator("select[name=reason]")
    assert reason.input_value() == ""  # no reason chosen for the driver
    sent = _posts(page, "exception")

    form.locator("input[name=note]").fill("门卫说明天再来")
    form.locator("button[type=submit]").click()
    said = _beside(page, form, "reason", f"err-{stop_id}-exception-reason")
    assert said == "请选择出现了什么问题。" and sent == []
    assert form.locator("input[name=note]").input_value() == "门卫说明天再来"
    check_page(page, "driver-exception-no-reason", screenshots, phone=True)

    # a dead zone: asked for the reason, nothing kept on the phone to fail later
    page.context.set_offline(True)
    page.locator("body").click(position={"x": 5, "y": 5})
    form.locator("button[type=submit]").click()
    assert "请选择" in _beside(page, form, "reason", f"err-{stop_id}-exception-reason")
    queue = json.loads(page.evaluate("localStorage.getItem('lithloop.driver.queue') || '[]'"))
    assert queue == [] and page.locator(f"#stop-{stop_id} .chip.queued").is_hidden()
    page.context.set_offline(False)

    # a reason that needs a note, without one: asked for beside this form's note, before
    # anything is sent or kept on the phone (the server would refuse it once sent)
    reason.select_option("not_as_described")
    assert form.locator("p.error").count() == 0
    form.locator("input[name=note]").fill("")
    form.locator("button[type=submit]").click()
    said = _beside(page, form, "note", f"err-{stop_id}-exception-note")
    assert said == "请说明与预约不符之处。" and sent == []
    assert reason.input_value() == "not_as_described"
    pickup_note = page.locator(f"form.pickup[data-stop='{stop_id}'] .field:has([name=note])")
    assert pickup_note.locator("p.error").count() == 0
    assert _stop_facts(live_server, stop_id)["status"] is BookingStatus.SCHEDULED
    page.context.close()


def test_a_queued_pickup_refused_once_sent_comes_back_beside_its_field(browser, live_server):
    """Offline the page keeps the pickup; sent back online and refused, what was typed is back
    in the form with the refusal beside the mass, and the form can be sent again."""
    page = _phone(browser, live_server.url)
    log_in(page, "driver@demo.lithloop")
    page.goto("/driver/")
    stop_id = int(page.locator(".driver-stop[open] form.pickup").get_attribute("data-stop"))
    _list_codes(live_server, stop_id)
    page.reload()
    codes = "\n".join(_stop_facts(live_server, stop_id)["codes"])
    form = page.locator(f"form.pickup[data-stop='{stop_id}']")
    page.context.set_offline(True)
    form.locator("textarea[name=codes]").fill(codes)
    form.locator("input[name=mass_kg]").fill("999999")
    form.locator("input[name=note]").fill("地磅读数")
    form.locator("button[type=submit]").click()
    page.locator(f"#stop-{stop_id} .chip.queued").wait_for(state="visible")
    for name in ("codes", "mass_kg", "note"):  # as after the page is opened afresh
        form.locator(f"[name={name}]").fill("")

    page.context.set_offline(False)
    error = form.locator(f".field:has([name=mass_kg]) p.error#err-{stop_id}-pickup-mass_kg")
    error.wait_for(timeout=30_000)
    assert "核定载重" in error.inner_text() and " 千克）" in error.inner_text()
    assert form.locator("input[name=mass_kg]").input_value() == "999999"
    assert form.locator("input[name=note]").input_value() == "地磅读数"
    assert form.locator("textarea[name=codes]").input_value() == codes
    assert page.locator(f"#stop-{stop_id} .chip.queued").is_hidden()
    sent = _posts(page, "pickup")
    form.locator("input[name=mass_kg]").fill("999998")
    form.locator("button[type=submit]").click()  # sent again, not "kept on the phone"
    form.locator(f"p.error#err-{stop_id}-pickup-mass_kg").wait_for()
    assert len(sent) == 1 and "核定载重" in form.locator("p.error").inner_text()
    assert _stop_facts(live_server, stop_id)["status"] is BookingStatus.SCHEDULED
    page.context.close()


def test_one_missing_and_one_stray_code_are_said_in_the_singular(browser, live_server):
    """In English the page's own check said "1 expected codes not loaded"."""
    page, stop_id = _current_stop(browser, live_server)
    page.goto("/lang/en")
    page.goto("/driver/")
    facts = _stop_facts(live_server, stop_id)
    form = page.locator(f"form.pickup[data-stop='{stop_id}']")
    *loaded, left = facts["codes"]
    form.locator("textarea[name=codes]").fill("\n".join([*loaded, "STRAY"]))
    form.locator("input[name=mass_kg]").fill(str(round(facts["booked"])))
    said = form.locator(".check-warning").inner_text()
    assert f"1 expected code not loaded: {left}." in said, said
    assert "1 code not on the booking: STRAY." in said, said
    page.context.close()
