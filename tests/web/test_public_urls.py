"""Absolute links that leave the site come from PUBLIC_BASE_URL, never from the Host header."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import OutboxMessage
from tests.conftest import csrf_token, make_app, submit
from tests.factories import PASSWORD, make_org, make_user
from tests.market.support import make_buyer

PUBLIC = "https://lithloop.example.cn"
EVIL = {"Host": "evil.example"}
EVIL_SITE = "http://evil.example"


def mails() -> list[str]:
    return list(db.session.scalars(sa.select(OutboxMessage.body).order_by(OutboxMessage.id)))


@pytest.fixture
def public_app(app, database_url):
    """The app on the test's database, configured with its public origin."""
    return make_app(database_url, PUBLIC_BASE_URL=PUBLIC, SERVER_NAME=None)


@pytest.fixture
def bare_app(app, database_url):
    """The app with nothing configured (as under gunicorn, and no SERVER_NAME either)."""
    return make_app(database_url, SERVER_NAME=None)


def test_with_a_public_base_url_another_host_is_refused_and_nothing_is_mailed(public_app):
    user = make_user(make_org())
    client = public_app.test_client()
    token = csrf_token(client, f"{PUBLIC}/reset")
    response = client.post("/reset", data={"email": user.email, "csrf_token": token}, headers=EVIL)
    assert response.status_code == 400
    assert client.get("/login", headers=EVIL).status_code == 400
    assert mails() == []


def test_the_health_check_and_metrics_answer_an_instance_named_by_its_address(public_app):
    """A load balancer or Prometheus names the instance by IP: not an unknown host."""
    client = public_app.test_client()
    by_address = {"Host": "10.1.2.3:8000"}
    assert client.get("/healthz", headers=by_address).status_code == 200
    assert client.get("/metrics", headers=by_address).status_code != 400
    assert client.get("/healthz/", headers=by_address).status_code == 400  # only those paths
    assert client.get("/login", headers=by_address).status_code == 400


def test_with_a_public_base_url_the_reset_link_uses_it(public_app):
    user = make_user(make_org())
    client = public_app.test_client()
    response = submit(
        client, f"{PUBLIC}/reset", {"email": user.email}, headers={"Referer": f"{PUBLIC}/reset"}
    )  # CSRF's HTTPS referer check
    assert response.status_code == 302
    (body,) = mails()
    assert f"{PUBLIC}/reset/" in body and "evil" not in body


def test_without_configuration_a_forged_host_never_reaches_the_mail(bare_app):
    user = make_user(make_org())
    client = bare_app.test_client()
    response = submit(client, f"{EVIL_SITE}/reset", {"email": user.email})
    assert response.status_code == 302  # the dev default accepts any host...
    (body,) = mails()
    assert "evil.example" not in body and "http://127.0.0.1:5000/reset/" in body  # not in links


def test_colleague_invitations_ignore_the_host_header(bare_app):
    buyer = make_buyer()
    client = bare_app.test_client()
    submit(client, f"{EVIL_SITE}/login", {"email": buyer.email, "password": PASSWORD})
    response = submit(
        client,
        f"{EVIL_SITE}/market/company/colleagues",
        {"name": "同事", "email": "colleague@example.com"},
        page=f"{EVIL_SITE}/market/company",
    )
    assert response.status_code == 302
    (body,) = mails()
    assert "evil.example" not in body and "http://127.0.0.1:5000/reset/" in body


def test_qr_codes_and_public_passport_links_use_the_public_origin(public_app):
    from lithloop.web.passports import public_url

    with public_app.test_request_context("/", headers={"Host": "lithloop.example.cn"}):
        assert public_url("ABC123") == f"{PUBLIC}/p/ABC123"


def test_a_malformed_public_base_url_stops_the_start(database_url):
    with pytest.raises(ValueError, match="PUBLIC_BASE_URL"):
        make_app(database_url, PUBLIC_BASE_URL="lithloop.example.cn")


def test_a_loopback_base_url_answers_to_both_loopback_names(database_url, app):
    local = make_app(database_url, PUBLIC_BASE_URL="http://127.0.0.1:5000", SERVER_NAME=None)
    client = local.test_client()
    assert client.get("http://localhost:5000/login").status_code == 200
    assert client.get("http://127.0.0.1:5000/login").status_code == 200
    assert client.get("/login", headers=EVIL).status_code == 400
