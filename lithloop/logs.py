"""Structured logs: one JSON object a line, with the request id, and secrets redacted."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

REDACTED = "[redacted]"
SECRET_KEY_RE = re.compile(
    r"pass(word|wd)?|token|secret|authori[sz]ation|api[_-]?key|cookie|"
    r"csrf",
    re.I,
)
# Secrets that can appear inside a message: bearer tokens, our API tokens, password-reset
# links' tokens, key=value pairs.
SECRET_TEXT_RE = re.compile(
    r"(?P<bearer>Bearer\s+)\S+|llk_[A-Za-z0-9_\-]+|(?P<link>/reset/)[^/?#\s\"']+|"
    r"(?P<key>(?:password|passwd|token|secret|api_key)[\"']?\s*[=:]\s*[\"']?)[^\s\"'&,}]+",
    re.I,
)
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:\-]{8,128}$")
# Attributes every LogRecord has; anything else on a record came in through `extra=`.
# A record that says it holds no secrets (the access line, redacted where it is built).
PRE_REDACTED = "lithloop_pre_redacted"
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    PRE_REDACTED,
}
_HANDLER_MARK = "_lithloop_handler"


def redact_text(text: str) -> str:
    """The text with bearer tokens, API tokens and password=… values replaced."""

    def repl(match: re.Match) -> str:
        prefix = match.group("bearer") or match.group("link") or match.group("key") or ""
        return prefix + REDACTED

    return SECRET_TEXT_RE.sub(repl, text)


def redact(value, depth: int = 0):
    """A copy of a mapping or sequence with secret-named keys' values replaced."""
    if depth > 5:
        return value
    if isinstance(value, dict):
        return {
            k: REDACTED if isinstance(k, str) and SECRET_KEY_RE.search(k) else redact(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return type(value)(redact(v, depth + 1) for v in value)
    if isinstance(value, str):
        return redact_text(value)
    return value


class RedactSecrets(logging.Filter):
    """Replace secrets in a record's args, extras and message before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.__dict__.get(PRE_REDACTED):
            return True
        if record.args:
            record.args = redact(record.args)
        try:  # format once, then redact the text: a placeholder may sit after "password="
            record.msg, record.args = redact_text(record.getMessage()), None
        except (TypeError, ValueError):
            record.msg = redact_text(str(record.msg))
        for key in set(vars(record)) - _STANDARD:
            value = getattr(record, key)
            setattr(record, key, REDACTED if SECRET_KEY_RE.search(key) else redact(value))
        return True


class AddRequestId(logging.Filter):
    """Put the current request's id on every record logged while handling it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id()
        return True


def current_request_id() -> str:
    """The id of the request being handled, or '' outside a request."""
    from flask import g, has_request_context

    return getattr(g, "request_id", "") if has_request_context() else ""


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or "",
        }
        for key in sorted(set(vars(record)) - _STANDARD - set(entry)):
            entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = redact_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def lithloop_handler() -> logging.Handler | None:
    """The handler configure_logging installed on the root logger, if any."""
    return next((h for h in logging.getLogger().handlers if getattr(h, _HANDLER_MARK, False)), None)


def configure_logging(fmt: str = "json", level: str = "INFO") -> None:
    """Install one stderr handler on the root logger (again = replace it); 'none' = leave."""
    if fmt == "none":
        return
    root = logging.getLogger()
    if old := lithloop_handler():
        root.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(AddRequestId())
    handler.addFilter(RedactSecrets())
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level.upper())


def init_app(app) -> None:
    """Logging per LOG_FORMAT/LOG_LEVEL; a request id on every request, echoed back."""
    from flask import g, request

    configure_logging(app.config.get("LOG_FORMAT", "json"), app.config.get("LOG_LEVEL", "INFO"))
    access = logging.getLogger("lithloop.access")

    @app.before_request
    def assign_request_id():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID_RE.match(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        request_id = getattr(g, "request_id", "")
        if request_id:
            response.headers["X-Request-ID"] = request_id
        if app.config.get("LOG_REQUESTS", True) and not request.path.startswith("/static/"):
            elapsed = time.perf_counter() - getattr(g, "request_started", time.perf_counter())
            # Built redacted (a reset link's token is in its path), so that the filter can
            # let this line through untouched: it is written once per request.
            path, method, status = redact_text(request.path), request.method, response.status_code
            access.info(
                "%s %s %s",
                method,
                path,
                status,
                extra={
                    "status": status,
                    "method": method,
                    "path": path,
                    "duration_ms": round(elapsed * 1000, 1),
                    "ip": request.remote_addr,
                    PRE_REDACTED: True,
                },
            )
        return response
