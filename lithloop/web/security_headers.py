"""Security headers on every response: CSP without inline scripts, framing, sniffing, HSTS."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request


def tile_origin(tile_url: str) -> str:
    """The scheme://host[:port] of a tile URL template such as https://t.example/{z}/{x}/{y}.png."""
    if not tile_url:
        return ""
    # Leaflet's {s} subdomain placeholder becomes a wildcard host part.
    parts = urlsplit(tile_url.replace("{s}.", "*."))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(tile_url: str = "") -> str:
    """The policy: only our own scripts and styles, no inline code, never framed."""
    images = ["'self'", "data:"]
    if origin := tile_origin(tile_url):
        images.append(origin)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _served_over_https() -> bool:
    # Behind a proxy, ProxyFix (PROXY_FIX_X_PROTO) rewrites the scheme from X-Forwarded-Proto,
    # so request.is_secure is the one place to ask.
    return request.is_secure


def init_proxy_fix(app: Flask) -> None:
    """Trust X-Forwarded-For/-Proto/-Host from PROXY_FIX_COUNT proxies in front (0 = none)."""
    hops = int(app.config.get("PROXY_FIX_COUNT", 0))
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def init_security_headers(app: Flask) -> None:
    """Add the headers to every response of the app (pages, API, static files, errors)."""
    policy = content_security_policy(app.config.get("MAP_TILE_URL", ""))
    hsts_seconds = int(app.config.get("HSTS_MAX_AGE_S", 31536000))

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if hsts_seconds and _served_over_https():
            headers.setdefault(
                "Strict-Transport-Security", f"max-age={hsts_seconds}; includeSubDomains"
            )
        return response
