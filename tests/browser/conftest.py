"""Browser fixtures: a live lithloop on the demo region, Debian's Chromium through Playwright.

The server runs in a thread of this process on a SQLite file, seeded with the demo region and
its activity (bookings, today's published plan). The clock is frozen on a Friday morning so
that "today" is always a working day with a route for the demo driver.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import threading
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.audit import AXE_BYTES, AXE_HEADERS, AXE_URL
from tests.conftest import DEMO_PASSWORD, freeze_clock, make_app
from tests.needs import missing

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
FROZEN_NOW = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)  # Friday 09:30 in Mudanjiang
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).parents[2] / "test-artifacts"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="session")
def frozen_clock():
    """The browser session's moment. The clock stands there while the demo is seeded and
    during each browser test (server thread included), never for the tests that the same
    pytest worker runs after them."""
    return FROZEN_NOW


@pytest.fixture(autouse=True)
def _clock_at_frozen_now(monkeypatch, frozen_clock):
    freeze_clock(monkeypatch, frozen_clock)


class DeadZone:
    """WSGI middleware: while on, every request's connection is cut before an answer, as in a
    dead zone. (Requests of a page under a service worker were seen to reach the server while
    Playwright's context was offline, so the dead zone is also made at the server's end.)"""

    def __init__(self, app):
        self.app, self.on = app, False

    def __call__(self, environ, start_response):
        if self.on:
            environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
            raise ConnectionResetError("dead zone")
        if environ.get("PATH_INFO") == AXE_URL:  # axe-core, cached (and compiled) once
            start_response("200 OK", AXE_HEADERS)
            return [AXE_BYTES]
        return self.app(environ, start_response)


@dataclass
class Live:
    """A running lithloop: its base URL and its app (for reading the database in a test)."""

    url: str
    app: object
    zone: DeadZone | None = None
    database: Path | None = None  # the SQLite file it serves
    seeded: Path | None = None  # a copy of that file as seeded, before any test

    def back_to_seeded(self) -> None:
        """The database as seeded again, and nothing cached from before: what a module's
        tests did (a route's stops done or in exception, a day re-planned, a roster
        changed) is not there for the next module's."""
        from lithloop.cache import read_cache
        from lithloop.extensions import db

        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()  # no pooled connection keeps a page of the old file
        copy_sqlite(self.seeded, self.database)
        self.app.extensions.get(read_cache.EXTENSION, {}).clear()

    @contextmanager
    def dead_zone(self):
        """Nothing reaches the server inside the block: every connection is cut."""
        self.zone.on = True
        try:
            yield
        finally:
            self.zone.on = False


@pytest.fixture(scope="session")
def live_stripe():
    """A localstripe of the browser session; the live app pays through it."""
    from lithloop.payments.localstripe_server import LocalStripe

    server = LocalStripe().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, frozen_clock, live_stripe):
    """A live lithloop with the demo region and its activity, paying through localstripe."""
    from werkzeug.serving import make_server

    from lithloop.demo import seed_demo
    from lithloop.extensions import db

    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    app = make_app(
        f"sqlite:///{path}",
        SERVER_NAME=None,
        RATELIMIT_ENABLED=False,
        STRIPE_SECRET_KEY="sk_test_lithloop_browser",
        STRIPE_PUBLISHABLE_KEY="pk_test_lithloop_browser",
        STRIPE_WEBHOOK_SECRET="whsec_lithloop_browser",
        STRIPE_API_BASE=live_stripe.base_url,
    )
    patch = pytest.MonkeyPatch()
    freeze_clock(patch, frozen_clock)
    try:
        with app.app_context():
            db.create_all()
            seed_demo(seed=7, password=DEMO_PASSWORD, activity=True)
            db.session.remove()
    finally:
        patch.undo()
    seeded = path.with_name("seeded.sqlite3")
    copy_sqlite(path, seeded)
    zone = DeadZone(app)
    server = make_server("127.0.0.1", 0, zone, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base  # links in mails, certificates and QR codes
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live = Live(base, app, zone, database=path, seeded=seeded)
    _RUNNING.append(live)
    yield live
    _RUNNING.remove(live)
    server.shutdown()


#: The live server of this process once started (it lives for the session).
_RUNNING: list[Live] = []


@pytest.fixture(scope="module", autouse=True)
def _each_module_leaves_the_demo_as_seeded():
    """The live server is shared by every browser module of the process, and journeys
    change its demo (the driver's stops done, a day re-planned): each module's changes are
    undone after it, so that no module depends on which ran before it."""
    yield
    for live in _RUNNING:
        live.back_to_seeded()


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database page by page through SQLite itself (safe while it is open)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless."""
    if not Path(CHROMIUM).exists():
        missing(f"Chromium at {CHROMIUM}", "apt-get install -y chromium, or set CHROMIUM_PATH")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots():
    """The folder for screenshots (shared by the pytest workers; files are overwritten)."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_page(browser, base: str, *, phone: bool = False, lang: str = "zh_CN", logged_in=None):
    """A page in a fresh context at phone or desktop width, in the given language.
    `logged_in`: another context's storage state (its session cookie) to start from."""
    context = browser.new_context(
        storage_state=logged_in,
        viewport=PHONE if phone else DESKTOP,
        is_mobile=phone,
        has_touch=phone,
        base_url=base,
        bypass_csp=True,
        locale="zh-CN" if lang == "zh_CN" else "en-US",
    )
    context.add_cookies([{"name": "lang", "value": lang, "url": base}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def log_in(page, email: str) -> None:
    """Log in through the form as a demo user."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"login failed for {email}"


_buyers = iter(range(1, 10_000))


def register_buyer(page, live: Live, tag: str) -> None:
    """A new buyer organisation through the registration form and the link mailed to confirm
    its e-mail (buyers start then), logged in: its cart and unpaid orders are its own, so no
    other test's limits are touched."""
    n = next(_buyers)
    page.goto("/register")
    page.select_option("#kind", "buyer")
    page.fill("#organisation", f"北疆储能系统集成有限公司{tag}{n}")
    page.fill("#city", "牡丹江")
    page.fill("#phone", "13904530000")
    page.fill("#name", "李娜")
    email = f"{tag}-{n}@example.cn"
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.fill("#confirm", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    refused = page.locator("main .error").all_inner_texts()
    assert "/register" not in page.url, refused  # on to the login page: "we sent a mail"
    page.goto(mailed_link(live, email, "/register/confirm/"))
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/register" not in page.url and "/login" not in page.url, page.url


def mailed_link(live: Live, recipient: str, path: str) -> str:
    """The path of the link starting with `path` in the latest mail to `recipient`."""
    import sqlalchemy as sa

    from lithloop.extensions import db
    from lithloop.models import OutboxMessage

    with live.app.app_context():
        body = db.session.scalar(
            sa.select(OutboxMessage.body)
            .where(OutboxMessage.recipient == recipient.lower())  # stored lower-case
            .order_by(OutboxMessage.id.desc())
        )
        db.session.remove()
    assert body, f"no mail to {recipient}"
    return re.search(re.escape(path) + r"\S+", body).group(0)
