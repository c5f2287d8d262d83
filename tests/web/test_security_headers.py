"""Security headers on every response, cookie flags, and no inline code anywhere."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from lithloop.config import ROOT
from lithloop.web.security_headers import content_security_policy, tile_origin
from tests.conftest import make_app, submit
from tests.factories import PASSWORD, make_org, make_user

DEMO_ROLES = ["dealer", "fleet", "dispatcher", "plant", "driver", "buyer", "admin"]
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parts = [p.strip().split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def assert_hardened(response):
    csp = directives(response)
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["style-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_html_api_static_and_error_responses_carry_the_headers(client):
    for url in [
        "/login",
        "/prices",
        "/api/v1/openapi.json",
        "/static/css/app.css",
        "/no-such-page",
        "/api/v1/sites/",
    ]:
        response = client.get(url)
        assert_hardened(response)
        assert "Strict-Transport-Security" not in response.headers, url  # plain http


def test_hsts_only_over_https(app):
    client = app.test_client()
    response = client.get("/login", base_url="https://lithloop.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    # Without a configured proxy, a client cannot claim https through a header.
    spoofed = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers


def test_hsts_behind_a_configured_proxy(database_url):
    proxied = make_app(database_url, PROXY_FIX_COUNT=1)
    client = proxied.test_client()
    assert (
        "Strict-Transport-Security"
        in client.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers
    )
    assert (
        "Strict-Transport-Security"
        not in client.get("/healthz", headers={"X-Forwarded-Proto": "http"}).headers
    )


def test_tile_server_is_allowed_for_images_only():
    assert (
        tile_origin("https://{s}.tiles.example:8443/{z}/{x}/{y}.png")
        == "https://*.tiles.example:8443"
    )
    assert tile_origin("javascript:alert(1)") == ""
    policy = content_security_policy("https://tiles.example/{z}/{x}/{y}.png")
    img = next(d for d in policy.split("; ") if d.startswith("img-src"))
    assert img == "img-src 'self' data: https://tiles.example"
    assert policy.count("tiles.example") == 1


def test_session_cookie_flags(app, client):
    user = make_user(make_org())
    for secure in (False, True):
        app.config["SESSION_COOKIE_SECURE"] = secure
        client.delete_cookie("session", domain="lithloop.test")
        response = submit(client, "/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure


def test_no_template_has_inline_script_handler_or_style_attribute():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{path.name}: inline {tag}")
        if INLINE_HANDLER.search(re.sub(r"\{[{%#].*?[}%#]\}", "", text)):
            offenders.append(f"{path.name}: on* handler")
        if re.search(r"\sstyle\s*=", text) or "<style" in text:
            offenders.append(f"{path.name}: style attribute or element")
        if "javascript:" in text:
            offenders.append(f"{path.name}: javascript: URL")
    assert offenders == []


def test_route_key_colours_match_the_stylesheet():
    from lithloop.web.plan_view import COLOURS, swatch_class

    css = Path(ROOT / "static/css/app.css").read_text()
    for i, colour in enumerate(COLOURS):
        assert f".key.{swatch_class(i)} {{ background:{colour}; }}" in css


class PageScan(HTMLParser):
    """Collects links and any inline code on a rendered page."""

    def __init__(self):
        super().__init__()
        self.links, self.inline, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "a" and names.get("href"):
            self.links.append(names["href"])
        if tag == "script":
            self._in_script = "src" not in names
        if tag == "style":
            self.inline.append("<style>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.inline.append(f"<{tag} {name}>")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.inline.append(f"<{tag} {name}=javascript:>")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline.append(f"<script>{data[:40]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_no_rendered_demo_page_has_inline_code(app, demo, auth, client):
    """Log in as each demo role and crawl its pages: none may carry inline code."""
    seen_total = 0
    for role in DEMO_ROLES:
        auth.login_demo(role)
        queue, seen = ["/"], set()
        while queue and len(seen) < 40:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            assert_hardened(response)
            if not response.content_type.startswith("text/html"):
                continue
            scan = PageScan()
            scan.feed(response.get_data(as_text=True))
            assert scan.inline == [], f"{role} {url}: {scan.inline}"
            for href in scan.links:
                parts = urlsplit(urljoin(url, href))
                if parts.netloc in ("", "lithloop.test") and not parts.path.startswith(
                    ("/static/", "/logout")
                ):
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        seen_total += len(seen)
        auth.logout()
    assert seen_total > 50
