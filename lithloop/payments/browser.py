"""What the buyer's browser needs to pay: Stripe.js's address, the publishable key, the CSP.

Stripe.js comes from js.stripe.com in production and from the local fake server (localstripe
serves its own Stripe.js at /js.stripe.com/v3/) in the demo and the tests. The payment pages
allow exactly that origin in their Content-Security-Policy, nothing else from outside.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

WALLETS = ("alipay", "wechat_pay")
#: Where real Stripe.js talks to (API calls) and frames from (3-D Secure, card fields).
STRIPE_FRAMES = ("https://js.stripe.com", "https://hooks.stripe.com")
STRIPE_API = "https://api.stripe.com"


@dataclass(frozen=True)
class BrowserPayments:
    """Stripe.js for one page: script URL, key, wallets offered, and the origins it uses."""

    js_url: str
    publishable_key: str
    wallets: tuple[str, ...]
    script_origin: str
    connect_origins: tuple[str, ...]
    frame_origins: tuple[str, ...]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def wallets(config, *, local: bool) -> tuple[str, ...]:
    """The wallets (Alipay, WeChat Pay) configured for the account; none on the fake server."""
    if local:
        return ()
    asked = [w.strip().lower() for w in str(config.get("STRIPE_WALLETS", "")).split(",")]
    return tuple(w for w in WALLETS if w in asked)


def for_browser(publishable_key: str, api_base: str, *, local: bool) -> BrowserPayments:
    """Stripe.js settings: the fake server's own Stripe.js when local, else Stripe's."""
    config = current_app.config
    if local and api_base:
        base = api_base.rstrip("/")
        return BrowserPayments(f"{base}/js.stripe.com/v3/", publishable_key, (), base, (base,), ())
    js_url = str(config.get("STRIPE_JS_URL") or "https://js.stripe.com/v3/")
    origin = _origin(js_url)
    return BrowserPayments(
        js_url,
        publishable_key,
        wallets(config, local=False),
        origin,
        (STRIPE_API, origin),
        tuple(dict.fromkeys((origin, *STRIPE_FRAMES))),
    )


def content_security_policy(base_policy: str, pay: BrowserPayments) -> str:
    """The app's policy with Stripe.js's origin added to scripts, requests and frames."""
    extra = {
        "script-src": (pay.script_origin,),
        "connect-src": pay.connect_origins,
        "frame-src": pay.frame_origins,
    }
    out = []
    seen = set()
    for directive in base_policy.split(";"):
        name, *values = directive.split()
        seen.add(name)
        out.append(" ".join([name, *values, *extra.get(name, ())]))
    for name, values in extra.items():
        if name not in seen and values:
            out.append(" ".join([name, *values]))
    return "; ".join(out)
