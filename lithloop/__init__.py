"""lithloop: the application factory.

Flask is imported inside create_app so that the pure packages (lithloop.routing,
lithloop.pricing) can be imported without pulling in the web stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error handlers, commands."""
    from flask import Flask

    from lithloop import cli, clock, i18n, logs, metrics
    from lithloop.config import asset_dir, load_settings
    from lithloop.settings_values import check_settings
    from lithloop.web import (
        register_blueprints,
        register_error_handlers,
        register_extensions,
        register_security,
    )

    app = Flask(
        __name__,
        template_folder=str(asset_dir("templates")),
        static_folder=str(asset_dir("static")),
    )
    app.config.update(load_settings())
    app.config.update(config or {})
    check_settings(app.config)
    clock.configure(app.config.get("PARK_TIMEZONE"))
    logs.init_app(app)  # first, so the request id exists before any other hook runs
    metrics.init_metrics(app)
    register_extensions(app)
    register_security(app)
    i18n.init_app(app)
    register_blueprints(app)
    register_error_handlers(app)
    cli.register_commands(app)
    if app.config.get("CELERY_BROKER_URL"):
        from lithloop.jobs.celery_app import celery_init_app

        celery_init_app(app)
    from lithloop.jobs import housekeeping

    housekeeping.init_app(app)
    return app
