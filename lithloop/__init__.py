"""lithloop: the application factory."""

from __future__ import annotations

from flask import Flask

from lithloop.config import ROOT, load_settings


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error handlers, commands."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_relative_config=False,
    )
    app.config.update(load_settings())
    app.config.update(config or {})

    from lithloop import cli, i18n
    from lithloop.web import register_blueprints, register_error_handlers, register_extensions

    register_extensions(app)
    i18n.init_app(app)
    register_blueprints(app)
    register_error_handlers(app)
    cli.register_commands(app)
    return app
