"""Walk finding: `make run` stopped by a signal (SIGTERM: no atexit runs) left the embedded
demo-payments server (localstripe) running and holding its port. It now ends once the
process that started it is gone (its objects are on disk already: it writes them as it goes)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from lithloop.payments.localstripe_server import LocalStripe

STARTER = """
import json, sys, time
from lithloop.payments.localstripe_server import LocalStripe
server = LocalStripe(state_file=sys.argv[1]).start()
print(json.dumps({"pid": server.process.pid, "port": server.port}), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone for our purposes (its parent, not us, would reap it)
    status = (
        Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}").exists() else "X"
    )
    return status not in ("Z", "X")


def test_localstripe_ends_when_the_process_that_started_it_is_killed(tmp_path):
    state = tmp_path / "demo-payments.pickle"
    starter = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", STARTER, str(state)],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        started = json.loads(starter.stdout.readline())
        server = LocalStripe(port=started["port"])
        assert _alive(started["pid"]) and server.answers()
        starter.send_signal(signal.SIGTERM)  # as a terminal's kill, or a service manager
        starter.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _alive(started["pid"]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(started["pid"]), "localstripe outlived the process that started it"
        assert not server.answers()  # its port is free for the next start
    finally:
        if starter.poll() is None:
            starter.kill()
