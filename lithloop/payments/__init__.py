"""Payments: the Stripe adapter, configured from the app, and the localstripe launcher.

STRIPE_SECRET_KEY set: the SDK talks to Stripe (or to STRIPE_API_BASE when that is set).
Unset with PAYMENTS_MODE=demo (what `make run` and `make seed` set): localstripe is started
on loopback the first time a payment is needed, and every page says "test payment".
Unset otherwise: payments are off (`enabled()` is False): checkout refuses with a message
and administrators see a warning; the fake server, whose keys are in the source, never
runs outside an explicit demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_request_context

from lithloop import outside_calls
from lithloop.payments import browser as _browser
from lithloop.payments import localstripe_server
from lithloop.payments.stripe_adapter import (
    Intent,
    PaymentError,
    SignatureError,
    StripeGateway,
    verify_event,
)
from lithloop.public_urls import external_url

BrowserPayments = _browser.BrowserPayments

__all__ = [
    "BrowserPayments",
    "browser",
    "Intent",
    "PaymentError",
    "SignatureError",
    "StripeGateway",
    "enabled",
    "gateway",
    "settings",
    "test_mode",
    "verify_event",
    "webhook_secret",
]

_EXTENSION = "lithloop_payments"


@dataclass
class _Settings:
    secret_key: str
    publishable_key: str
    webhook_secret: str
    api_base: str
    embedded: bool
    gateway: StripeGateway | None = None
    webhook_registered: bool = False


def settings() -> _Settings:
    """This app's Stripe settings, resolved once (starting embedded localstripe if needed)."""
    app = current_app._get_current_object()
    resolved = app.extensions.get(_EXTENSION)
    if resolved is None:
        key = app.config.get("STRIPE_SECRET_KEY", "")
        if key:
            resolved = _Settings(
                key,
                app.config.get("STRIPE_PUBLISHABLE_KEY", ""),
                app.config.get("STRIPE_WEBHOOK_SECRET", ""),
                app.config.get("STRIPE_API_BASE", ""),
                embedded=False,
            )
        elif not demo_mode(app):
            raise PaymentError(
                "Payments are not configured: set STRIPE_SECRET_KEY.", code="not_configured"
            )
        else:
            # kept in the instance folder: a restarted demo still knows its payments
            state = Path(app.config["INSTANCE_PATH"]) / "demo-payments.pickle"
            state.parent.mkdir(parents=True, exist_ok=True)
            server = localstripe_server.embedded(str(state))
            resolved = _Settings(
                localstripe_server.LOCAL_SECRET_KEY,
                localstripe_server.LOCAL_PUBLISHABLE_KEY,
                localstripe_server.LOCAL_WEBHOOK_SECRET,
                server.base_url,
                embedded=True,
            )
        app.extensions[_EXTENSION] = resolved
    if resolved.embedded and not resolved.webhook_registered and has_request_context():
        _register_embedded_webhook(resolved)
    return resolved


def demo_mode(app) -> bool:
    """True when the embedded fake Stripe may stand in for a missing STRIPE_SECRET_KEY."""
    return str(app.config.get("PAYMENTS_MODE", "")).strip().lower() == "demo"


def enabled() -> bool:
    """True when payments can be taken: a Stripe key is set, or this is an explicit demo."""
    return bool(current_app.config.get("STRIPE_SECRET_KEY")) or demo_mode(current_app)


def test_mode() -> bool:
    """True when payments go to a test server or use a Stripe test key (pages say so)."""
    return enabled() and gateway().test_mode


def _register_embedded_webhook(resolved: _Settings) -> None:
    """Let the embedded localstripe deliver its events to this server."""
    try:
        localstripe_server.embedded().register_webhook(
            "lithloop", external_url("webhooks.stripe_webhook"), resolved.webhook_secret
        )
        resolved.webhook_registered = True
    except OSError:
        current_app.logger.warning("could not register the localstripe webhook")


def gateway() -> StripeGateway:
    """The Stripe gateway of the current app."""
    resolved = settings()
    if resolved.gateway is None:
        config = current_app.config
        resolved.gateway = StripeGateway(
            resolved.secret_key,
            resolved.api_base,
            local=resolved.embedded,
            timeout_s=float(config.get("STRIPE_TIMEOUT_S", 5)),
            max_retries=outside_calls.stripe_retries(config, embedded=resolved.embedded),
        )
    return resolved.gateway


def webhook_secret() -> str:
    """The secret webhooks are signed with ('' when none is configured)."""
    try:
        return settings().webhook_secret
    except PaymentError:
        return ""


def browser() -> BrowserPayments:
    """Stripe.js's address, the publishable key and the wallets for the payment page."""
    resolved = settings()
    return _browser.for_browser(
        resolved.publishable_key, resolved.api_base, local=bool(resolved.api_base)
    )


def wallets() -> tuple[str, ...]:
    """Wallets (Alipay, WeChat Pay) offered with cards on new PaymentIntents."""
    return _browser.wallets(current_app.config, local=gateway().local)
