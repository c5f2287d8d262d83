"""Prometheus metrics: request latency by endpoint (prometheus-flask-exporter), plan runs.

Under gunicorn with several workers set PROMETHEUS_MULTIPROC_DIR to a directory so that each
worker writes its samples there and /metrics adds them up; gunicorn.conf.py removes dead
processes' files at start (a live Celery worker's stay) and marks dead workers' files.
/metrics answers only from loopback (when no proxy forwarded the request) or with
`Authorization: Bearer <METRICS_TOKEN>`.
"""

from __future__ import annotations

import hmac
import ipaddress
import os

import click
from flask import Flask, Response, abort, current_app, request
from prometheus_client import CollectorRegistry, Counter, Histogram, values
from prometheus_flask_exporter import PrometheusMetrics

RUN_BUCKETS = (1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200)
EXTENSION = "lithloop_metrics"


class AppMetrics:
    """The metrics of one app: its own registry, so several apps can live in one process."""

    def __init__(self, app: Flask):
        self.registry = CollectorRegistry(auto_describe=True)
        self.exporter = PrometheusMetrics(
            app,
            path=None,
            registry=self.registry,
            group_by="endpoint",
            defaults_prefix="lithloop",
            excluded_paths=["^/static/", "^/metrics$"],
        )
        self.run_duration = Histogram(
            "lithloop_plan_run_duration_seconds",
            "Optimisation run wall time, start to end",
            ["status"],
            buckets=RUN_BUCKETS,
            registry=self.registry,
        )
        self.runs = Counter(
            "lithloop_plan_runs_total",
            "Optimisation runs by final status",
            ["status"],
            registry=self.registry,
        )


def observe_run(status: str, seconds: float) -> None:
    """Record a finished optimisation run (no-op outside an app with metrics)."""
    try:
        metrics = current_app.extensions.get(EXTENSION)
    except RuntimeError:  # no app context
        return
    if metrics is not None:
        metrics.run_duration.labels(status=status).observe(max(0.0, seconds))
        metrics.runs.labels(status=status).inc()


def _loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


#: Headers a reverse proxy adds: a request carrying any of them came through a proxy.
PROXY_HEADERS = (
    "Forwarded",
    "X-Forwarded-For",
    "X-Forwarded-Host",
    "X-Forwarded-Proto",
    "X-Real-IP",
    "X-Client-IP",
    "True-Client-IP",
    "CF-Connecting-IP",
)


def _forwarded() -> bool:
    return any(name in request.headers for name in PROXY_HEADERS)


def metrics_allowed() -> bool:
    """True for a bearer METRICS_TOKEN, or a direct (unproxied) request from loopback."""
    token = current_app.config.get("METRICS_TOKEN", "")
    scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
        return True
    if not current_app.config.get("METRICS_ALLOW_LOOPBACK", True):
        return False
    # A local proxy without ProxyFix makes every client look like 127.0.0.1: a request that
    # carries any proxy header (Forwarded, X-Real-IP, X-Forwarded-For, ...) came through a
    # proxy and is not trusted as local, whichever of them that proxy sets.
    return _loopback(request.remote_addr) and not _forwarded()


def ensure_multiprocess_dir() -> None:
    """Create PROMETHEUS_MULTIPROC_DIR when it is missing.

    gunicorn.conf.py makes it at start, but `flask db upgrade`, the Celery worker and beat
    build the app too, often before gunicorn (or after a reboot emptied /run): without the
    directory they crashed writing their first sample, naming only a .db file in it."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as error:
        from lithloop.settings_values import refuse

        raise refuse(
            "PROMETHEUS_MULTIPROC_DIR", directory, f"a writable directory ({error})"
        ) from None


def flask_command() -> bool:
    """True while a `flask` command other than the dev server (`flask run`) builds the app."""
    from flask.cli import FlaskGroup

    context = click.get_current_context(silent=True)
    if context is None:  # gunicorn, a script; Celery's own click command is not Flask's
        return False
    return isinstance(context.find_root().command, FlaskGroup) and context.info_name != "run"


def init_metrics(app: Flask) -> None:
    """Collect request metrics for the app and serve them at /metrics."""
    ensure_multiprocess_dir()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") and flask_command():
        # A command's samples (seed-demo's plan runs) are not the service's: this process
        # keeps them in memory and writes no file that /metrics would add up.
        values.ValueClass = values.MutexValue
    metrics = AppMetrics(app)
    app.extensions[EXTENSION] = metrics

    def serve_metrics():
        if not metrics_allowed():
            abort(403)
        body, content_type = metrics.exporter.generate_metrics(request.headers.get("Accept"))
        return Response(body, content_type=content_type)

    app.add_url_rule("/metrics", "metrics", serve_metrics, methods=["GET"])
