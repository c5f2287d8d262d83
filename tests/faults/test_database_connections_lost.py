"""PostgreSQL drops the app's connections (as on a server restart): the next request works.

The shared server is not restarted (other test runs use it); instead every connection to
this test's database but the killer's own is terminated with pg_terminate_backend, which
is what a restart does to the pool: each pooled connection is dead on its next use.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from tests.conftest import Auth, api_headers
from tests.factories import make_org, make_site, make_user


@pytest.fixture
def backend():
    """PostgreSQL only: the pool and pg_terminate_backend are PostgreSQL's."""
    return "postgresql"


def _terminate_connections(url: str) -> int:
    """Terminate every other backend connected to this database; returns how many."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            killed = conn.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar()
            conn.commit()
            return killed
    finally:
        engine.dispose()


def test_requests_recover_after_the_database_drops_every_connection(app, client, database_url):
    # Depends on SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True} in lithloop/config.py:
    # without it the first request after the kill gets a dead pooled connection -> 500.
    org = make_org(name="断线测试网点")
    user = make_user(org)
    make_site(org)
    client.get("/lang/en")
    Auth(client).login(user.email)
    headers = api_headers(client, user)
    for _ in range(3):  # traffic: the pool now holds open connections
        assert client.get("/healthz").status_code == 200
        assert client.get("/sites/").status_code == 200
        assert client.get("/api/v1/sites/", headers=headers).status_code == 200
    for round_ in range(2):
        db.session.remove()  # the test's own session gives its connection back to the pool
        assert _terminate_connections(database_url) >= 1
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json["database"] == "ok", round_
        page = client.get("/sites/")
        assert page.status_code == 200 and "断线测试网点" in page.get_data(as_text=True)
        listed = client.get("/api/v1/sites/", headers=headers)
        assert listed.status_code == 200 and len(listed.json) == 1
