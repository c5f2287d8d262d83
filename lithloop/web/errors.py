"""Error responses: JSON under /api/, friendly HTML pages elsewhere."""

from __future__ import annotations

from http import HTTPStatus

import sqlalchemy as sa
from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lithloop.extensions import db
from lithloop.services.errors import ServiceError
from lithloop.web.field_messages import readable_errors


def wants_json() -> bool:
    """True for API paths, which always answer JSON."""
    return request.path.startswith("/api/")


def _message(status: int) -> str:
    return {
        400: _("The request could not be understood. Check what you sent and try again."),
        401: _("Please log in first."),
        403: _("Your role may not open this page."),
        404: _("Nothing here. It may have been moved, or belong to another organisation."),
        405: _("This action is not allowed here."),
        409: _("This changed in the meantime. Reload and try again."),
        413: _(
            "The upload is too large: at most %(mb)s MB. Send a smaller file, or split it.",
            mb=(current_app.config.get("MAX_CONTENT_LENGTH") or 0) // 2**20,
        ),
        422: _("Some of the data is not valid."),
        429: _("Too many attempts. Wait a minute and try again."),
        500: _("Something went wrong on our side. We have logged it; please try again."),
    }.get(status, HTTPStatus(status).phrase)


def error_response(status: int, message: str, **extra):
    """A JSON or HTML error with the given status and message."""
    if wants_json():
        body = {"code": status, "status": HTTPStatus(status).phrase, "message": message}
        body.update({k: v for k, v in extra.items() if v is not None})
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message), status


def _flatten(errors, path: str = "", top: bool = True) -> list[str]:
    """readable_errors' nested {location: {field: [messages] | {...}}} as 'field: message'
    strings (a field may itself be called "form": only the outermost keys are locations)."""
    if isinstance(errors, dict):
        out = []
        for key, value in errors.items():
            name = (
                key if not path else (f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}")
            )
            if top and key in ("json", "query", "form", "headers", "files"):
                name = ""
            out.extend(_flatten(value, name, top=False))
        return out
    if isinstance(errors, list | tuple):
        texts = [str(e) for e in errors if not isinstance(e, dict | list)]
        nested = [
            line
            for e in errors
            if isinstance(e, dict | list)
            for line in _flatten(e, path, top=False)
        ]
        return (
            [f"{path}: {'; '.join(texts)}" if path else "; ".join(texts)] if texts else []
        ) + nested
    return [f"{path}: {errors}" if path else str(errors)]


def handle_http_exception(exc: HTTPException):
    """Every HTTP error, including flask-smorest's 422 with field errors."""
    status = exc.code or 500
    errors = getattr(exc, "data", {}).get("messages") if hasattr(exc, "data") else None
    errors = readable_errors(errors) if errors else None
    message = _message(status)
    if errors:
        message = f"{message} " + " | ".join(_flatten(errors))
    elif (
        status in (429, 413)
        or not exc.description
        or exc.description == type(exc).description
        or exc.description.startswith("The ")
    ):
        pass  # werkzeug's English default description (403's starts "You don't..."): ours
    else:
        message = exc.description
    return error_response(status, message, errors=errors)


def handle_service_error(exc: ServiceError):
    """A service refused: its status, stable code, message and field; several fields refused
    at once (FieldsRefused) also as `errors`, each field's messages a list, as a schema's."""
    refused = getattr(exc, "fields", None)
    errors = None
    if refused and wants_json():
        where = "query" if request.method == "GET" else "json"
        errors = {where: {name: [str(words)] for name, words in refused.items()}}
    return error_response(
        exc.status, str(exc.message), error=exc.code, field=exc.field, errors=errors
    )


def handle_csrf(exc: CSRFError):
    """A form without a valid CSRF token."""
    return error_response(
        400,
        _(
            "The form has expired or did not come from lithloop. "
            "Reload the page and submit it again."
        ),
    )


def is_unique_violation(exc: sa.exc.IntegrityError) -> bool:
    """True when a unique constraint refused the row (PostgreSQL 23505, SQLite's UNIQUE)."""
    if getattr(exc.orig, "sqlstate", None) == "23505":
        return True
    return "UNIQUE constraint failed" in str(exc.orig)


def handle_integrity_error(exc: sa.exc.IntegrityError):
    """Last line behind the services: a unique-key race nobody caught is a 409, not a 500."""
    db.session.rollback()
    if not is_unique_violation(exc):
        raise exc
    current_app.logger.warning("unique violation reached the view: %s", exc.orig)
    return error_response(409, _message(409), error="conflict")


def init_errors(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(sa.exc.IntegrityError, handle_integrity_error)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ServiceError, handle_service_error)
