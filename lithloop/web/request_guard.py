"""Refuse, before any view runs, input that no field of lithloop can hold: 400.

- NUL characters anywhere in the query string, a form, the URL's parameters or a JSON body
  (PostgreSQL refuses them in text: a 500 at commit time otherwise);
- lone UTF-16 surrogates (`"\\ud800"` in JSON) that no database nor UTF-8 encoder accepts;
- JSON that cannot be read at all: nested deeper than MAX_JSON_DEPTH, integers beyond
  Python's digit limit, or syntax errors (webargs would raise instead of answering 400);
- a query string longer than MAX_QUERY_STRING: 414, whichever server runs the app (gunicorn
  refuses longer request lines itself, gunicorn.conf.py; Flask's development server would
  otherwise read any length up to 64 KiB and answer it as an ordinary page).

The API gets the project's JSON error body, pages a plain message.
"""

from __future__ import annotations

import json
import re

from flask import Flask, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

MAX_JSON_DEPTH = 32
#: The longest query string read, in bytes as sent (percent-encoded). lithloop's own links
#: stay far below it (a search keeps 100 characters, a catalogue's return address 2,000);
#: gunicorn.conf.py's limit_request_line lets a request line this long reach the app.
MAX_QUERY_STRING = 4096
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


class BadInput(ValueError):
    """Input refused by the guard; the message says why, `field` names the JSON field at
    fault (when there is one) and `status` is the answer's (400, or 415 for a body that
    is not JSON where only JSON is read)."""

    def __init__(self, message: str, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.field, self.status = field, status


def _check_text(text: str, where, field: str | None = None) -> None:
    """BadInput when `text` holds a NUL or a lone surrogate; `where` (a lazy string: only
    translated on a refusal, as every string of every request passes here) names it."""
    if _BAD_TEXT.search(text):
        raise BadInput(
            _(
                "%(where)s contains an invisible character that cannot be stored. "
                "Delete it and try again.",
                where=where,
            ),
            field=field,
        )


def _walk_json(value) -> None:
    """Check every string of a parsed JSON value, iteratively, with a depth limit."""
    stack: list[tuple[object, int, str]] = [(value, 1, "")]
    while stack:
        node, depth, path = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadInput(_("The JSON body is nested deeper than %(n)s levels.", n=MAX_JSON_DEPTH))
        if isinstance(node, str):
            _check_text(node, _l("The field %(name)s", name=path) if path else "JSON", path or None)
        elif isinstance(node, dict):
            for key, item in node.items():
                _check_text(key, "JSON")
                stack.append((item, depth + 1, f"{path}.{key}" if path else key))
        elif isinstance(node, list):
            stack.extend((item, depth + 1, f"{path}[{k}]") for k, item in enumerate(node))


def _json_body(data: bytes):
    """The parsed body; Python's parser raises RecursionError on deep nesting, caught here."""
    try:
        return json.loads(data)
    except RecursionError:
        raise BadInput(
            _("The JSON body is nested deeper than %(n)s levels.", n=MAX_JSON_DEPTH)
        ) from None
    except ValueError as exc:
        if "digits" in str(exc):  # Python's limit on the digits of an integer
            raise BadInput(
                _("A number in the JSON body has more digits than any field takes.")
            ) from None
        if isinstance(exc, json.JSONDecodeError):  # where, not Python's English words
            raise BadInput(
                _(
                    "The body is not valid JSON (line %(line)s, column %(col)s).",
                    line=exc.lineno,
                    col=exc.colno,
                )
            ) from None
        raise BadInput(_("The body is not valid JSON.")) from None


def check_request() -> None:
    """Raise BadInput for a request carrying input no field can hold."""
    if len(request.query_string) > MAX_QUERY_STRING:  # before parsing it
        raise BadInput(
            _(
                "The address is too long: its query (after '?') has %(n)s characters, at most "
                "%(max)s are read. Shorten the search or remove some filters, then try again.",
                n=len(request.query_string),
                max=MAX_QUERY_STRING,
            ),
            status=414,
        )
    for key, value in request.args.items(multi=True):
        _check_text(key + value, _l("The address"))
    for value in (request.view_args or {}).values():
        if isinstance(value, str):
            _check_text(value, _l("The address"))
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.path.startswith("/api/") and not request.is_json and request.content_length:
            raise BadInput(
                _("Send the body as JSON, with the header Content-Type: application/json."),
                status=415,
            )
        if request.is_json:
            data = request.get_data(cache=True)
            if data.strip():
                _walk_json(_json_body(data))
        elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, value in request.form.items(multi=True):
                _check_text(key + value, _l("The form"))


def guard():
    """before_request: the 400 (414, 415) answer, or None to go on."""
    from lithloop.web.errors import error_response

    try:
        check_request()
    except BadInput as exc:
        return error_response(exc.status, str(exc), error="bad_input", field=exc.field)
    return None


def init_request_guard(app: Flask) -> None:
    """Run the guard before every request (and before the views' own parsing)."""
    app.before_request(guard)
