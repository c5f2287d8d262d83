"""The JSON API under /api/v1, documented as OpenAPI 3 by flask-smorest."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from lithloop.extensions import csrf


class LithloopApi(Api):
    """flask-smorest's Api, leaving error handling to lithloop's handlers (HTML or JSON)."""

    def _register_error_handlers(self):
        pass


api = LithloopApi()


def init_api(app: Flask) -> None:
    """Bind the API and register its blueprints (bearer tokens, so no CSRF)."""
    from lithloop.web.api import (
        auth,
        bookings,
        market,
        passports,
        plans,
        quotes,
        reports,
        rfqs,
        routing,
        sites,
    )

    api.init_app(app, spec_kwargs={"components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer"}}}})
    for module in (auth, sites, quotes, bookings, routing, plans, passports, reports, market,
                   rfqs):
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
