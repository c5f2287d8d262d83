"""localstripe (a fake Stripe server) on loopback in a subprocess: for tests and the demo.

localstripe's own command listens on every interface and keeps its state in
/tmp/localstripe.pickle; this launcher binds 127.0.0.1 at a free port and keeps the state in
memory only (one server's data never leaks into another's), or in a private `state_file`
so that a server stopped and started again on the same port remembers its objects.
"""

from __future__ import annotations

import atexit
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

_SERVE = """
import os, pickle, sys, threading, time
import aiohttp.web
import localstripe.resources as r

state = sys.argv[2] if len(sys.argv) > 2 else ""
parent = os.getppid()

def orphaned():
    # the process that started this one ended without stopping it (killed by a signal:
    # no atexit ran): end too, rather than hold the port; the state is on disk already
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)

threading.Thread(target=orphaned, daemon=True).start()

def dump(store):
    if state:
        with open(state + ".tmp", "wb") as f:
            pickle.dump(dict(store), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(state + ".tmp", state)

r.Store.dump_to_disk = dump
if state and os.path.exists(state):
    with open(state, "rb") as f:
        dict.update(r.store, pickle.load(f))
from localstripe.server import app
aiohttp.web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""
LOCAL_SECRET_KEY = "sk_test_lithloop_localstripe"  # noqa: S105 (a fake server's key)
LOCAL_PUBLISHABLE_KEY = "pk_test_lithloop_localstripe"
LOCAL_WEBHOOK_SECRET = "whsec_lithloop_localstripe"  # noqa: S105


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalStripe:
    """One localstripe process: start(), base_url, stop()."""

    def __init__(self, port: int | None = None, state_file: str | None = None):
        self.port = port or free_port()
        self.state_file = state_file
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout_s: float = 20.0) -> LocalStripe:
        """Start the server and wait until it answers; RuntimeError if it does not."""
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed code)
            [
                sys.executable,
                "-c",
                _SERVE,
                str(self.port),
                *([self.state_file] if self.state_file else []),
            ],
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._log.seek(0)
                err = self._log.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"localstripe exited ({self.process.returncode}): {err}")
            if self.answers():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"localstripe did not answer on {self.base_url} in {timeout_s} s")

    def running(self) -> bool:
        """True while the server process is alive."""
        return self.process is not None and self.process.poll() is None

    def answers(self) -> bool:
        """True when the server responds to HTTP (any status)."""
        try:
            urllib.request.urlopen(f"{self.base_url}/v1/customers", timeout=1)  # noqa: S310
        except urllib.error.HTTPError:
            return True  # 401 without a key: it is up
        except OSError:
            return False
        return True

    def post_config(self, path: str, data: dict) -> None:
        """POST form data to a /_config/ endpoint (e.g. webhooks/<id>)."""
        body = "&".join(f"{k}={urllib.request.quote(str(v), safe='')}" for k, v in data.items())
        request = urllib.request.Request(  # noqa: S310 (our own loopback server)
            f"{self.base_url}/_config/{path}", data=body.encode(), method="POST"
        )
        urllib.request.urlopen(request, timeout=5).close()  # noqa: S310

    def register_webhook(self, hook_id: str, url: str, secret: str) -> None:
        """Ask localstripe to deliver its events, signed with `secret`, to `url`."""
        self.post_config(f"webhooks/{hook_id}", {"url": url, "secret": secret})

    def stop(self) -> None:
        """Terminate the server process (and reap it)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None
        self.process = None


_embedded: LocalStripe | None = None
_embedded_lock = threading.Lock()


def embedded(state_file: str | None = None) -> LocalStripe:
    """The process-wide localstripe of the embedded default, started on first use; with a
    `state_file` its objects outlive the process, so a payment begun before `make run` was
    restarted can still be completed after it. A server that stopped starts again on its
    own file; naming another file than the running server's starts a server on that one."""
    global _embedded
    with _embedded_lock:
        current = _embedded
        if current is not None and current.running() and state_file in (None, current.state_file):
            return current
        if current is not None:
            current.stop()
        keep = state_file or (current.state_file if current is not None else None)
        _embedded = LocalStripe(state_file=keep).start()
        atexit.register(_embedded.stop)
        return _embedded


def stop_embedded() -> None:
    """Stop the embedded server if one was started (tests end with it)."""
    with _embedded_lock:
        if _embedded is not None:
            _embedded.stop()
