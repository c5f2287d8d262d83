"""A JSON HTTP server on 127.0.0.1 for tests: stands in for Nominatim, OSRM and the like."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class JsonStub:
    """Answers each GET with `respond(path)` as JSON and records the paths it was asked."""

    def __init__(self, respond: Callable[[str], object]):
        self.seen: list[str] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                stub.seen.append(self.path)
                data = json.dumps(respond(self.path)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server_port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.server_port}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Stop serving and free the port."""
        self._httpd.shutdown()
        self._httpd.server_close()


@contextlib.contextmanager
def json_stub(respond: Callable[[str], object]) -> Iterator[JsonStub]:
    """A running JsonStub for the duration of the block."""
    stub = JsonStub(respond)
    try:
        yield stub
    finally:
        stub.close()
