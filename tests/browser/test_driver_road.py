"""The driver on the road at 390 px: scans a pack code from a photo, is warned about what does
not match the booking, confirms a pickup in a dead zone and sees it sent once back online.

The code is a GB/T 34014 code the demo booking expects, drawn as a QR code here (segno) and
fed to the page's decoder through its photo input; headless Chromium on Linux has no
BarcodeDetector, so the vendored ZXing reads it. "Offline" is Playwright's context offline
plus the live server cutting every connection (requests of a page under a service worker
were seen getting through Playwright's offline mode): the page then comes from the service
worker's copy and the confirmation waits on the phone.
"""

from __future__ import annotations

import io

import pytest
import segno
import sqlalchemy as sa
from PIL import Image
from pystrich.code128 import Code128Encoder
from pystrich.datamatrix import DataMatrixEncoder

from lithloop.extensions import db
from lithloop.models import BookingStatus, IdempotencyKey, PlanStop
from tests.browser.audit import check_page
from tests.browser.conftest import log_in, new_page
from tests.route_world import code


def qr_png(text: str) -> bytes:
    """A QR code of `text` as a PNG, as a phone would photograph a pack's label."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=6, border=4)
    return out.getvalue()


def code128_png(text: str) -> bytes:
    """A Code 128 barcode of `text` (pystrich) with a quiet zone."""
    return _padded(Code128Encoder(text, options={"show_label": False}).get_imagedata(bar_width=3))


def datamatrix_png(text: str) -> bytes:
    """A DataMatrix of `text` (pystrich)."""
    return _padded(DataMatrixEncoder(text).get_imagedata(cellsize=8))


def _padded(png: bytes) -> bytes:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    framed = Image.new("RGB", (image.width + 80, image.height + 80), "white")
    framed.paste(image, (40, 40))
    out = io.BytesIO()
    framed.save(out, format="PNG")
    return out.getvalue()


def _stop_facts(live, stop_id: int) -> dict:
    with live.app.app_context():
        stop = db.session.get(PlanStop, stop_id)
        facts = {
            "codes": [c for lot in stop.booking.lots for c in lot.codes],
            "booking": stop.booking_id,
            "booked": float(stop.booking.total_mass_kg),
            "status": stop.booking.status,
        }
        db.session.remove()
    return facts


def _list_codes(live, stop_id: int) -> None:
    """Give the stop's booking three expected pack codes (demo lots may list fewer)."""
    with live.app.app_context():
        lot = db.session.get(PlanStop, stop_id).booking.lots[0]
        if len(lot.codes) < 3:
            lot.codes = [code(), code(), code()]
            db.session.commit()
        db.session.remove()


def test_driver_scans_is_warned_and_confirms_offline_then_syncs(browser, live_server, screenshots):
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "driver@demo.lithloop")
    page.goto("/")
    stop_id = int(page.locator(".driver-stop[open] form.pickup").get_attribute("data-stop"))
    _list_codes(live_server, stop_id)
    page.reload()
    assert page.url.endswith("/driver/")  # the driver's home is today's route
    assert page.locator("h1").inner_text().startswith("今天的路线")
    assert "今天没有" not in page.content()
    stops = page.locator(".driver-route .driver-stop")
    assert stops.count() > 1 and page.locator(".driver-route .driver-stop[open]").count() == 1
    current = page.locator(".driver-route .driver-stop[open]")
    form = current.locator("form.pickup")
    assert int(form.get_attribute("data-stop")) == stop_id
    facts = _stop_facts(live_server, stop_id)
    assert facts["status"] is BookingStatus.SCHEDULED and facts["codes"]
    check_page(page, "driver-route", screenshots, phone=True)

    # scan: a photo of the first expected code is decoded, listed and ticked
    first = facts["codes"][0]
    form.locator(".scan-file").set_input_files(
        {"name": "label.png", "mimeType": "image/png", "buffer": qr_png(first)}
    )
    form.locator(f"li[data-code='{first}'].ticked").wait_for()
    assert first in form.locator("textarea[name=codes]").input_value()
    assert first in form.locator(".scan-status").inner_text()

    # warned: codes missing (when the booking lists more) and a mass 22 % over the booking
    heavy = round(facts["booked"] * 1.22)
    form.locator("input[name=mass_kg]").fill(str(heavy))
    warning = form.locator(".check-warning")
    assert warning.is_visible() and "+22.0 %" in warning.inner_text()
    said = warning.inner_text()
    assert f"{round(facts['booked']):,} 千克" in said, said  # 1,260 千克 as on the page, not 1260
    assert "、".join(facts["codes"][1:3]) in said and ", " not in said, said  # a Chinese list
    form.locator("button[type=submit]").click()
    assert page.evaluate("document.activeElement.name") == "note"  # the note is asked for
    assert _stop_facts(live_server, stop_id)["status"] is BookingStatus.SCHEDULED

    # the page is kept by the service worker
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.reload()  # a controlled load: the worker keeps this copy

    # a dead zone (the phone offline and nothing reaching the server): the page still opens
    # from the worker's copy, and the confirmation waits on the phone
    with live_server.dead_zone():
        page.context.set_offline(True)
        page.reload()
        form = page.locator(f"form.pickup[data-stop='{stop_id}']")
        form.locator("textarea[name=codes]").fill("\n".join(facts["codes"]))
        form.locator("input[name=mass_kg]").fill(str(heavy))
        form.locator("input[name=note]").fill("另有两个旧模组")
        form.locator("button[type=submit]").click()
        queued = page.locator(f"#stop-{stop_id} .chip.queued")
        queued.wait_for(state="visible")
        assert "尚未发送" in queued.inner_text()
        assert "尚未发送" in page.locator("#sync-status").inner_text()
        assert "无网络" in page.locator(f"#msg-{stop_id}").inner_text()  # beside the stop
        page.wait_for_timeout(1000)  # anything sent now would be cut, and the test fail
        assert _stop_facts(live_server, stop_id)["status"] is BookingStatus.SCHEDULED

    # back online: sent once, the mark gone, the stop picked up
    page.context.set_offline(False)
    page.locator("#sync-status.success").wait_for(timeout=30_000)
    assert page.locator(f"#stop-{stop_id} .chip.queued").is_hidden()
    assert _stop_facts(live_server, stop_id)["status"] is BookingStatus.PICKED_UP
    with live_server.app.app_context():
        keys = db.session.scalars(
            sa.select(IdempotencyKey).where(
                IdempotencyKey.scope == "driver:pickup", IdempotencyKey.resource_id == stop_id
            )
        ).all()
        picked = db.session.get(PlanStop, stop_id).picked_codes
        db.session.remove()
    assert len(keys) == 1 and picked == facts["codes"]
    assert page.evaluate("localStorage.getItem('lithloop.driver.queue')") == "[]"
    page.context.close()


def test_the_scanner_and_the_service_worker_run_under_the_sites_csp(browser, live_server):
    """The journey above bypasses the CSP (new_page); here it is enforced: no inline script,
    no eval, workers and fetches from our own origin only."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, "driver@demo.lithloop")
    page.goto("/driver/")
    form = page.locator(".driver-stop[open] form.pickup")
    stop_id = int(form.get_attribute("data-stop"))
    _list_codes(live_server, stop_id)
    page.reload()
    wanted = _stop_facts(live_server, stop_id)["codes"][-1]
    form = page.locator(f"form.pickup[data-stop='{stop_id}']")
    form.locator(".scan-file").set_input_files(
        {"name": "label.png", "mimeType": "image/png", "buffer": qr_png(wanted)}
    )
    form.locator(f"li[data-code='{wanted}'].ticked").wait_for()
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()


@pytest.mark.parametrize("draw", [code128_png, datamatrix_png], ids=["code128", "datamatrix"])
def test_the_decoder_reads_code_128_and_datamatrix_labels(browser, live_server, draw):
    """The other two symbologies GB/T 34014 labels carry, read from a photo."""
    page = new_page(browser, live_server.url, phone=True)
    log_in(page, "driver@demo.lithloop")
    page.goto("/driver/")
    stop_id = int(page.locator(".driver-stop[open] form.pickup").get_attribute("data-stop"))
    _list_codes(live_server, stop_id)
    page.reload()
    wanted = _stop_facts(live_server, stop_id)["codes"][0]
    form = page.locator(f"form.pickup[data-stop='{stop_id}']")
    form.locator(".scan-file").set_input_files(
        {"name": "label.png", "mimeType": "image/png", "buffer": draw(wanted)}
    )
    form.locator(f"li[data-code='{wanted}'].ticked").wait_for()
    assert form.locator("textarea[name=codes]").input_value().strip() == wanted
    page.context.close()
