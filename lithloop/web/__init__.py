"""Thin blueprints: pages per audience and the JSON API under /api/v1."""

from __future__ import annotations

from flask import Flask

from lithloop.extensions import babel, csrf, db, login_manager, migrate  # noqa: F401


def register_extensions(app: Flask) -> None:
    """Bind every extension to the app."""
    from flask_babel import lazy_gettext as _l

    from lithloop import models  # noqa: F401  (register the tables with the metadata)
    from lithloop.cache import shared_generations
    from lithloop.config import asset_dir
    from lithloop.web import rate_limits
    from lithloop.web.access import load_user
    from lithloop.web.page_sessions import PageSessions

    db.init_app(app)
    shared_generations.init_app(app)
    migrate.init_app(app, db, directory=str(asset_dir("migrations")))
    csrf.init_app(app)
    rate_limits.init_app(app)
    app.session_interface = PageSessions()
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    # Translated when flashed (str), in the reader's language; not Flask-Login's English.
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.localize_callback = str
    login_manager.login_message_category = "info"


def register_security(app: Flask) -> None:
    """Trusted hosts and public links, proxy headers, security headers on every response,
    the hostile-input guard."""
    from lithloop.public_urls import external_url, init_public_urls
    from lithloop.web.request_guard import init_request_guard
    from lithloop.web.security_headers import init_proxy_fix, init_security_headers

    init_public_urls(app)
    app.jinja_env.globals["external_url"] = external_url
    init_proxy_fix(app)
    init_security_headers(app)
    init_request_guard(app)


def register_blueprints(app: Flask) -> None:
    """Register the page blueprints and the API."""
    from lithloop.web import (
        account,
        admin,
        admin_calendar,
        admin_orgs,
        admin_people,
        admin_users,
        api_docs,
        audit_text,
        auth,
        booking_change,  # noqa: F401  (its views join the bookings blueprint)
        booking_text,
        bookings,
        company,
        dashboard,
        dispatch,
        documents,
        driver,
        fleet,
        fleet_forecast,  # noqa: F401  (its views join the fleet blueprint)
        fleet_pack,  # noqa: F401  (its views join the fleet blueprint)
        health,
        home,
        lines,
        market,
        market_admin,
        nav,
        organisation,
        passport_text,
        passports,
        payment_text,
        place_names,
        plant,
        prices,
        pricing_text,
        rfq,
        settlements,
        sites,
        trace,
        webhooks,
    )
    from lithloop.web.api import init_api
    from lithloop.web.converters import init_converters

    init_converters(app)
    nav.init_templates(app)
    pricing_text.init_templates(app)
    booking_text.init_templates(app)
    passport_text.init_templates(app)
    admin_calendar.init_templates(app)
    audit_text.init_templates(app)
    payment_text.init_templates(app)
    place_names.init_templates(app)
    for module in (
        health,
        auth,
        account,
        home,
        sites,
        admin,
        prices,
        bookings,
        fleet,
        api_docs,
        dispatch,
        documents,
        driver,
        passports,
        trace,
        dashboard,
        lines,
        settlements,
        plant,
        admin_orgs,
        admin_people,
        admin_users,
        webhooks,
        market,
        market_admin,
        company,
        organisation,
        rfq,
        admin_calendar,
    ):
        app.register_blueprint(module.bp)
    init_api(app)


def register_error_handlers(app: Flask) -> None:
    """JSON errors under /api/, friendly HTML pages elsewhere."""
    from lithloop.web.errors import init_errors

    init_errors(app)
