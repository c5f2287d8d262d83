"""The driver scans with the live camera (issue 18): Chromium's fake camera plays a video of a
GB/T 34014 code, drawn here as a QR code (segno) and written as a Y4M file, and the page reads
the code from the stream and ticks it on the booking's list. Headless Chromium on Linux has no
BarcodeDetector: then the vendored ZXing must be what read it, and the test says which did."""

from __future__ import annotations

import io

import pytest
import segno
from PIL import Image

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, log_in
from tests.browser.test_driver_road import _list_codes, _stop_facts

FRAME = (640, 480)
FRAMES = 10


def label_frame(text: str) -> Image.Image:
    """A camera frame: the pack's QR label on a grey table, a little off centre."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=8, border=4)
    label = Image.open(io.BytesIO(out.getvalue())).convert("RGB")
    frame = Image.new("RGB", FRAME, (150, 150, 145))
    frame.paste(label, ((FRAME[0] - label.width) // 2 + 30, (FRAME[1] - label.height) // 2 - 10))
    return frame


def y4m(frame: Image.Image, frames: int = FRAMES) -> bytes:
    """The frame repeated as a YUV4MPEG2 (4:2:0) video, the format Chromium's fake camera
    plays from a file."""
    width, height = frame.size
    y, cb, cr = frame.convert("YCbCr").split()
    half = (width // 2, height // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    head = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    return head + b"".join(b"FRAME\n" + planes for _ in range(frames))


def test_y4m_frames_have_the_size_the_header_says():
    video = y4m(Image.new("RGB", FRAME, "white"), frames=3)
    head, _, body = video.partition(b"\n")
    assert head.startswith(b"YUV4MPEG2 W640 H480")
    assert len(body) == 3 * (len(b"FRAME\n") + 640 * 480 * 3 // 2)


@pytest.fixture
def camera_browser(browser, tmp_path, live_server):
    """A Chromium of its own whose camera films the current stop's first expected code."""
    page = browser.new_context(base_url=live_server.url).new_page()
    log_in(page, "driver@demo.lithloop")
    page.goto("/driver/")
    stop_id = int(page.locator(".driver-stop[open] form.pickup").get_attribute("data-stop"))
    page.context.close()
    _list_codes(live_server, stop_id)
    wanted = _stop_facts(live_server, stop_id)["codes"][0]
    video = tmp_path / "label.y4m"
    video.write_bytes(y4m(label_frame(wanted)))
    filmed = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    yield filmed, stop_id, wanted
    filmed.close()


def test_the_live_camera_reads_the_pack_code_and_ticks_it(camera_browser, live_server):
    filmed, stop_id, wanted = camera_browser
    context = filmed.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, base_url=live_server.url, locale="zh-CN"
    )
    context.grant_permissions(["camera"], origin=live_server.url)
    context.add_cookies([{"name": "lang", "value": "zh_CN", "url": live_server.url}])
    page = context.new_page()  # the site's CSP applies (no bypass)
    page.set_default_timeout(20_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, "driver@demo.lithloop")
    page.goto("/driver/")
    native = page.evaluate("typeof window.BarcodeDetector === 'function'")
    page.evaluate(
        """() => {  // count the frames the vendored decoder read a code from
        window.zxingReads = 0;
        const proto = window.ZXing.MultiFormatReader.prototype;
        const decode = proto.decodeWithState;
        proto.decodeWithState = function (...args) {
          const result = decode.apply(this, args);
          if (result) { window.zxingReads += 1; }
          return result;
        };
      }"""
    )
    form = page.locator(f"form.pickup[data-stop='{stop_id}']")
    assert form.locator(".scan-file").count() == 1  # the photo input stays beside it
    form.locator(".scan-camera").click()
    form.locator(".scan-video").wait_for(state="visible")
    form.locator(f"li[data-code='{wanted}'].ticked").wait_for(timeout=30_000)
    assert wanted in form.locator("textarea[name=codes]").input_value()
    assert wanted in form.locator(".scan-status").inner_text()
    assert page.evaluate("document.querySelector('.scan-video').videoWidth") == FRAME[0]
    if not native:
        assert page.evaluate("window.zxingReads") > 0  # the vendored decoder read the stream
    form.locator(".scan-camera").click()  # stop the camera: the stream ends
    assert form.locator(".scan-video").is_hidden()
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()
