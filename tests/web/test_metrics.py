"""/metrics: Prometheus text with request latency by endpoint and plan runs; who may read it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from prometheus_client.parser import text_string_to_metric_families

from lithloop import metrics
from tests.factories import make_org, make_user
from tests.web.test_dispatch import day_world, run_to_end  # noqa: F401  (fixture)

OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


def families(text: str) -> dict:
    return {f.name: f for f in text_string_to_metric_families(text)}


def samples(family, name: str, **labels) -> list:
    return [
        s
        for s in family.samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    ]


def test_request_latency_by_endpoint(client):
    for _ in range(3):
        client.get("/healthz")
    client.get("/prices")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    found = families(response.get_data(as_text=True))
    latency = found["lithloop_http_request_duration_seconds"]
    (count,) = samples(
        latency,
        "lithloop_http_request_duration_seconds_count",
        endpoint="health.healthz",
        method="GET",
        status="200",
    )
    assert count.value == 3
    assert samples(
        latency, "lithloop_http_request_duration_seconds_bucket", endpoint="prices.public"
    )
    # static files and /metrics itself are not counted
    assert not samples(latency, "lithloop_http_request_duration_seconds_count", endpoint="metrics")


def test_run_durations_and_outcomes(app, client):
    with app.app_context():
        metrics.observe_run("succeeded", 4.2)
        metrics.observe_run("succeeded", 30)
        metrics.observe_run("failed", 0.5)
    found = families(client.get("/metrics").get_data(as_text=True))
    runs = found["lithloop_plan_runs"]
    assert samples(runs, "lithloop_plan_runs_total", status="succeeded")[0].value == 2
    assert samples(runs, "lithloop_plan_runs_total", status="failed")[0].value == 1
    duration = found["lithloop_plan_run_duration_seconds"]
    (total,) = samples(duration, "lithloop_plan_run_duration_seconds_sum", status="succeeded")
    assert total.value == pytest.approx(34.2)
    (le5,) = samples(
        duration, "lithloop_plan_run_duration_seconds_bucket", status="succeeded", le="5.0"
    )
    assert le5.value == 1


def test_a_real_run_is_observed(client, day_world):  # noqa: F811
    run_to_end(client, day_world)
    found = families(client.get("/metrics").get_data(as_text=True))
    (done,) = samples(found["lithloop_plan_runs"], "lithloop_plan_runs_total", status="succeeded")
    assert done.value == 1


def test_a_run_whose_worker_died_counts_as_failed(client, day_world):  # noqa: F811
    """Alerts on failed runs must see dead workers, which housekeeping fails."""
    from datetime import timedelta

    from lithloop import clock
    from lithloop.models import RunStatus
    from lithloop.services.dispatch import runs
    from tests.factories import PlanRunFactory

    started = clock.now() - timedelta(minutes=10)
    PlanRunFactory(
        plan_date=day_world["day"],
        created_by=day_world["dispatcher"],
        status=RunStatus.RUNNING,
        created_at=started,
        started_at=started,
        heartbeat_at=started,
    )
    with client.application.app_context():  # the app whose /metrics is read
        assert runs.fail_stale_runs() == 1
    found = families(client.get("/metrics").get_data(as_text=True))
    (failed,) = samples(found["lithloop_plan_runs"], "lithloop_plan_runs_total", status="failed")
    assert failed.value == 1


def test_metrics_are_refused_from_outside_without_the_token(app, client):
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 403
    # through a local proxy that does not say who the client was: not trusted as local
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 403
    app.config["METRICS_TOKEN"] = "scrape-token-1234567890"
    assert (
        client.get(
            "/metrics", environ_base=OUTSIDE, headers={"Authorization": "Bearer wrong-token"}
        ).status_code
        == 403
    )
    assert (
        client.get(
            "/metrics",
            environ_base=OUTSIDE,
            headers={"Authorization": "Bearer scrape-token-1234567890"},
        ).status_code
        == 200
    )
    app.config["METRICS_ALLOW_LOOPBACK"] = False
    assert client.get("/metrics").status_code == 403


@pytest.mark.parametrize(
    "header",
    [
        {"Forwarded": "for=203.0.113.7;proto=https"},
        {"X-Real-IP": "203.0.113.7"},
        {"X-Forwarded-Host": "lithloop.example.cn"},
        {"X-Forwarded-Proto": "https"},
    ],
)
def test_a_proxied_request_is_not_local_whichever_header_the_proxy_sets(client, header):
    """A local proxy that sets only Forwarded or X-Real-IP (not X-Forwarded-For)."""
    assert client.get("/metrics").status_code == 200  # direct from loopback
    assert client.get("/metrics", headers=header).status_code == 403


def test_a_logged_in_admin_from_outside_is_still_refused(client, auth):
    from lithloop.models import OrgKind, Role

    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    auth.login(admin.email)
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 403


def test_multiprocess_mode_adds_up_the_workers(tmp_path):
    """Two processes write to PROMETHEUS_MULTIPROC_DIR; the second then reads the sum (a
    process of its own each: starting one costs seconds, so no third to read)."""
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "LOG_FORMAT": "none",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}",
    }
    worker = (
        "from lithloop import create_app; app = create_app(); c = app.test_client(); "
        "[c.get('/healthz') for _ in range(2)]"
    )
    subprocess.run([sys.executable, "-c", worker], env=env, check=True)
    reader = worker + "; print(c.get('/metrics').get_data(as_text=True))"
    out = subprocess.run(
        [sys.executable, "-c", reader], env=env, check=True, capture_output=True, text=True
    ).stdout
    latency = families(out)["lithloop_http_request_duration_seconds"]
    (count,) = samples(
        latency, "lithloop_http_request_duration_seconds_count", endpoint="health.healthz"
    )
    assert count.value == 4
