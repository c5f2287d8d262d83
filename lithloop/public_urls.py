"""Absolute links that leave the site (mails, certificates, QR codes) from configuration.

Never from the request's Host header: a forged `Host: evil.example` would otherwise put
the attacker's address in front of a valid password-reset token. PUBLIC_BASE_URL (e.g.
`https://lithloop.example.cn`, optionally with the path the app is mounted under) is the
one origin every absolute link uses; when it is set, requests for any other host than it
and TRUSTED_HOSTS answer 400 (TrustedHosts below, as Flask's TRUSTED_HOSTS). Unset (the
development server, `make run` sets it from HOST and PORT): links use SERVER_NAME when that is set,
else DEV_BASE_URL (the dev server's http://127.0.0.1:5000), and no host is refused.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, current_app
from werkzeug.wsgi import get_host

DEV_BASE_URL = "http://127.0.0.1:5000"
LOOPBACK = ("127.0.0.1", "localhost")
log = logging.getLogger(__name__)


def base_url(app: Flask) -> str:
    """The origin (and mount path) of every absolute link, without a trailing slash."""
    configured = (app.config.get("PUBLIC_BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    if app.config.get("SERVER_NAME"):
        return f"{app.config.get('PREFERRED_URL_SCHEME', 'http')}://{app.config['SERVER_NAME']}"
    return DEV_BASE_URL


def trusted_hosts(app: Flask) -> list[str] | None:
    """The hosts requests may name (None: any), from PUBLIC_BASE_URL and TRUSTED_HOSTS."""
    configured = (app.config.get("PUBLIC_BASE_URL") or "").strip()
    if not configured:
        return None
    host = urlsplit(configured).hostname or ""
    hosts = [host, *app.config.get("TRUSTED_HOSTS_EXTRA", [])]
    if host in LOOPBACK:  # the development server answers to both names
        hosts += [h for h in LOOPBACK if h != host]
    return hosts


def init_public_urls(app: Flask) -> None:
    """Check PUBLIC_BASE_URL and refuse requests for other hosts when it is set."""
    configured = (app.config.get("PUBLIC_BASE_URL") or "").strip()
    if configured:
        parts = urlsplit(configured)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"PUBLIC_BASE_URL must be http(s)://host[:port][/path], not {configured!r}"
            )
        app.wsgi_app = TrustedHosts(app.wsgi_app, trusted_hosts(app))
    elif not app.testing and not app.debug:
        log.warning(
            "PUBLIC_BASE_URL is not set: absolute links (password reset, "
            "invitations, certificates, QR codes) point at %s",
            base_url(app),
        )


class TrustedHosts:
    """WSGI middleware: 400 for a request naming a host not in the list (Flask's
    TRUSTED_HOSTS check, done before Flask so no page is rendered for a foreign host).

    The health check and the metrics answer whatever host is named: load balancers and
    Prometheus address each instance by its own address, and neither makes a link."""

    ANY_HOST = ("/healthz", "/metrics")

    def __init__(self, wsgi_app, hosts: list[str]):
        self.wsgi_app, self.hosts = wsgi_app, hosts

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") in self.ANY_HOST:
            return self.wsgi_app(environ, start_response)
        try:
            get_host(environ, trusted_hosts=self.hosts)
        except Exception:
            body = b"400 Bad Request: unknown host\n"
            start_response(
                "400 Bad Request",
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return self.wsgi_app(environ, start_response)


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of an endpoint on the configured public origin."""
    app = current_app._get_current_object()
    parts = urlsplit(base_url(app))
    adapter = app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)
