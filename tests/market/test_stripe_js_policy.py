"""Stripe.js's origin in the payment pages' CSP: localstripe's in tests, js.stripe.com live."""

from __future__ import annotations

from lithloop.payments.browser import BrowserPayments, content_security_policy, for_browser
from lithloop.web.security_headers import content_security_policy as app_policy


def _directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in policy.split("; ")}


def test_live_stripe_is_allowed_and_nothing_else(app):
    app.config.update(STRIPE_WALLETS="alipay, wechat_pay, paypal")
    with app.test_request_context():
        pay = for_browser("pk_live_x", "", local=False)
    assert pay.js_url == "https://js.stripe.com/v3/" and pay.wallets == ("alipay", "wechat_pay")
    csp = _directives(content_security_policy(app_policy(), pay))
    assert csp["script-src"] == ["'self'", "https://js.stripe.com"]
    assert csp["connect-src"] == ["'self'", "https://api.stripe.com", "https://js.stripe.com"]
    assert csp["frame-src"] == ["https://js.stripe.com", "https://hooks.stripe.com"]
    assert csp["frame-ancestors"] == ["'none'"]  # the rest of the policy is unchanged


def test_local_fake_server_serves_its_own_stripe_js_and_offers_no_wallets(app):
    app.config.update(STRIPE_WALLETS="alipay")
    with app.test_request_context():
        pay = for_browser("pk_test_x", "http://127.0.0.1:5999/", local=True)
    assert pay == BrowserPayments(
        "http://127.0.0.1:5999/js.stripe.com/v3/",
        "pk_test_x",
        (),
        "http://127.0.0.1:5999",
        ("http://127.0.0.1:5999",),
        (),
    )
    csp = _directives(content_security_policy(app_policy(), pay))
    assert csp["script-src"] == ["'self'", "http://127.0.0.1:5999"] and "frame-src" not in csp
