"""Outside services that accept a connection and never answer: every call gives up within
its configured time limit, and every limit fits well within the web worker's timeout.

The "silent server" listens (the kernel completes the TCP handshake) but never reads or
writes, as a hung Nominatim, OSRM, SMTP server or Redis looks from lithloop. Stripe, stopped
with SIGSTOP, is in test_stripe_hung.py.
"""

from __future__ import annotations

import runpy
import socket
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from lithloop import mail, outside_calls
from lithloop.config import load_settings
from lithloop.geo.matrices import build_matrices
from lithloop.models import OutboxMessage
from lithloop.services.booking import geocoding
from lithloop.services.errors import ServiceError
from tests.conftest import make_app, submit

ROOT = Path(__file__).resolve().parents[2]
SLACK_S = 1.5  # the test's own overhead on a loaded 2-core machine


@pytest.fixture
def backend():
    """SQLite only: what is tested is the time an outside call takes."""
    return "sqlite"


@pytest.fixture
def silent_port():
    """A loopback port that accepts connections and never says a word."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server.getsockname()[1]


@pytest.fixture
def counted_silent_port():
    """A silent port that counts the connections made to it: (port, list of accepted sockets)."""
    accepted: list[socket.socket] = []
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        server.settimeout(0.05)
        stop = threading.Event()

        def accept_all():
            while not stop.is_set():
                try:
                    accepted.append(server.accept()[0])
                except (TimeoutError, OSError):
                    continue

        thread = threading.Thread(target=accept_all, daemon=True)
        thread.start()
        yield server.getsockname()[1], accepted
        stop.set()
        thread.join(timeout=2)
        for conn in accepted:
            conn.close()


def _timed(call):
    started = time.monotonic()
    try:
        result = call()
    except Exception as exc:
        result = exc
    return result, time.monotonic() - started


def test_every_outside_call_fits_well_within_the_worker_timeout():
    worker_s = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["timeout"]
    limits = outside_calls.longest_call_s(load_settings())
    assert set(limits) == {"stripe", "nominatim", "osrm", "smtp", "redis"}
    too_long = {name: s for name, s in limits.items() if not 0 < s <= worker_s / 2}
    assert not too_long, f"longer than half of gunicorn's {worker_s} s: {too_long}"


def test_the_stripe_budget_counts_every_retry_and_its_back_off():
    config = {"STRIPE_TIMEOUT_S": 4, "STRIPE_MAX_NETWORK_RETRIES": 2}
    assert outside_calls.stripe_call_budget_s(config) == 4 * 3 + 0.5 + 1.0
    assert outside_calls.stripe_call_budget_s(config, embedded=True) == 4


def test_a_silent_nominatim_is_a_clear_503_within_its_timeout(app, silent_port):
    app.config.update(
        GEOCODER="nominatim",
        NOMINATIM_DOMAIN=f"127.0.0.1:{silent_port}",
        NOMINATIM_SCHEME="http",
        NOMINATIM_TIMEOUT_S=1,
    )
    with app.test_request_context():
        raised, seconds = _timed(lambda: geocoding.locate("牡丹江市东安区"))
    assert isinstance(raised, ServiceError) and raised.status == 503, raised
    assert seconds < 1 + SLACK_S, seconds


def test_a_silent_osrm_falls_back_to_haversine_within_its_timeout(silent_port):
    (matrices, notes), seconds = _timed(
        lambda: build_matrices(
            [(129.6, 44.58), (129.7, 44.6)], osrm_url=f"http://127.0.0.1:{silent_port}", timeout_s=1
        )
    )
    assert seconds < 1 + SLACK_S, seconds
    assert "fell back to haversine" in notes[0] and matrices.distance[0][1] > 0


def test_a_silent_smtp_server_leaves_the_mail_in_the_outbox_within_its_timeout(app, silent_port):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=silent_port, MAIL_TIMEOUT_S=1)
    from lithloop.extensions import db

    def send():
        message = mail.send_mail("a@example.com", "s", "b")
        db.session.commit()  # delivered once committed
        return message

    with app.app_context():
        message, seconds = _timed(send)
        assert isinstance(message, OutboxMessage), message
        assert message.sent_at is None and "timed out" in message.error
    assert seconds < 1 + SLACK_S, seconds


def test_a_silent_smtp_server_costs_a_burst_of_mail_one_timeout_and_housekeeping_sends_it(
    app, counted_silent_port
):
    """Publishing tells dozens of owners: the request waits for the silent server once, the
    rest waits in the outbox, and housekeeping delivers all of it once the server answers."""
    from lithloop.extensions import db
    from lithloop.jobs import housekeeping
    from tests.fake_smtp import FakeSMTP

    silent_port, connections = counted_silent_port
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=silent_port, MAIL_TIMEOUT_S=1)

    def send():
        burst = [mail.send_mail(f"o{i}@example.com", "s", "b") for i in range(6)]
        db.session.commit()  # delivered once committed
        return burst

    with app.test_request_context():
        burst = send()
        assert all(m.sent_at is None for m in burst)
    # six messages, one timeout: counted as connections, not seconds (a busy machine's clock)
    assert len(connections) == 1, f"{len(connections)} connections for six messages"
    with FakeSMTP() as server:
        app.config.update(MAIL_PORT=server.port)
        with app.app_context():
            assert housekeeping.run_all()["deliver_mail"] == 6
            assert (
                db.session.scalar(
                    sa.select(sa.func.count(OutboxMessage.id)).where(
                        OutboxMessage.sent_at.is_(None)
                    )
                )
                == 0
            )
            assert housekeeping.run_all()["deliver_mail"] == 0  # each sent once
    assert sorted(m["To"] for m in server.messages) == [f"o{i}@example.com" for i in range(6)]
    assert all(m["Date"] and m["Message-ID"] for m in server.messages)


def test_a_silent_redis_lets_a_login_through_within_its_timeout(database_url, silent_port):
    app = make_app(
        database_url,
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{silent_port}/0",
        REDIS_TIMEOUT_S=0.5,
    )
    with app.app_context():
        from lithloop.extensions import db

        db.create_all()
    client = app.test_client()
    response, seconds = _timed(
        lambda: submit(client, "/login", {"email": "nobody@example.com", "password": "wrong"})
    )
    assert response.status_code in (200, 401, 422), response.status_code
    assert seconds < 4 * 0.5 + SLACK_S, seconds  # redis-py retries a timeout 3 times
