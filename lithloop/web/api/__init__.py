"""The JSON API under /api/v1, documented as OpenAPI 3 by flask-smorest."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from lithloop.extensions import csrf
from lithloop.web.api import language
from lithloop.web.api.common import (
    ERROR_DESCRIPTIONS,
    ApiError,
    DecimalInput,
    DecimalString,
    exclusive_bounds,
)


class LithloopApi(Api):
    """flask-smorest's Api, leaving error handling to lithloop's handlers (HTML or JSON).

    Errors are documented with lithloop's error body, and only the statuses an operation
    declares (no catch-all `default` response), so that an undocumented status shows."""

    ERROR_SCHEMA = ApiError
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        pass


api = LithloopApi()


def init_api(app: Flask) -> None:
    """Bind the API and register its blueprints (bearer tokens, so no CSRF)."""
    from lithloop.web.api import (
        auth,
        booking_changes,  # noqa: F401  (its operation joins the bookings blueprint)
        bookings,
        market,
        passports,
        plans,
        quotes,
        reports,
        rfqs,
        routing,
        sites,
        trucks,
    )

    api.init_app(
        app,
        spec_kwargs={
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "info": {"description": f"Language. {language.RULE}"},
        },
    )
    api.register_field(DecimalString, "string", "decimal")
    api.register_field(DecimalInput, "number", None)
    api.ma_plugin.converter.add_attribute_function(exclusive_bounds)
    for module in (
        auth,
        sites,
        quotes,
        bookings,
        routing,
        plans,
        trucks,
        passports,
        reports,
        market,
        rfqs,
    ):
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
    document_guard_400(api)


def document_guard_400(api: Api) -> None:
    """Every operation may answer 400 and 414: the request guard (web/request_guard.py)
    refuses a NUL, a lone surrogate, unreadable JSON or an over-long query string before any
    view, whatever the operation."""
    for status in (400, 414):
        response = {
            "description": ERROR_DESCRIPTIONS[status],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}},
        }
        for path_item in api.spec._paths.values():
            for method, operation in path_item.items():
                if method in ("get", "post", "put", "patch", "delete"):
                    operation["responses"].setdefault(str(status), response)
