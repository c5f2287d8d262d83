"""Unique-key races on PostgreSQL: two requests past the "is it free?" check at once.

Both requests are held at their commit (a `before_commit` listener with a barrier) until
both have checked, so the database's unique constraint decides: one succeeds, the other
is a 409 with a message, never a 500.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Blueprint

from lithloop import pricing
from lithloop.extensions import db
from lithloop.models import Organisation, OrgKind, PriceIndexVersion, Role, User
from lithloop.services.booking import prices as price_service
from tests.commit_gate import CommitGate, together
from tests.conftest import Auth, make_app, submit
from tests.factories import make_org, make_user
from tests.web.test_auth import confirm_link, registration


@pytest.fixture
def backend():
    """PostgreSQL only: SQLite serialises writers, so the race cannot happen there."""
    return "postgresql"


@pytest.mark.filterwarnings("error::sqlalchemy.exc.SAWarning")  # no row deleted twice
def test_two_confirmed_registrations_with_one_email_give_one_account_and_a_409(app):
    # Depends on the `except sa.exc.IntegrityError` around the commit in
    # services/accounts/registration_confirm.confirm_registration (its message; without it
    # the generic 409 of web/errors.handle_integrity_error would answer, and the message
    # check fails). Registering makes nothing: the race is between the two mailed links.
    clients = [app.test_client(), app.test_client()]
    links = []
    for client, organisation in zip(clients, ("竞态公司甲", "竞态公司乙"), strict=True):
        client.get("/lang/en")
        data = registration(organisation=organisation, email="race@example.com")
        assert submit(client, "/register", data).status_code == 302
        links.append(confirm_link("race@example.com"))

    def confirm(client, link):
        return lambda: submit(client, link, {"password": registration()["password"]})

    # at the flush: the delete of the waiting rows autoflushes the user before the commit, so
    # a gate at the commit held nothing and the second request could start after the first
    # had committed (then refused as a used link, 400: the race was not run)
    with CommitGate(User, at="before_flush"):  # fails unless both were held
        responses = together(confirm(clients[0], links[0]), confirm(clients[1], links[1]))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302, 409], statuses
    refused = next(r for r in responses if r.status_code == 409).get_data(as_text=True)
    assert "registered a moment ago" in refused
    db.session.expire_all()
    assert (
        db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email == "race@example.com"))
        == 1
    )
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 1


def test_two_admins_saving_one_version_label_give_one_version_and_a_409(app):
    # Depends on the `except sa.exc.IntegrityError` around the commit in
    # services/pricing.add_version.
    price_service.ensure_default_index()
    park = make_org(OrgKind.PARK_OPERATOR)
    admins = [make_user(park, role=Role.ADMIN), make_user(park, role=Role.ADMIN)]
    clients = [app.test_client(), app.test_client()]
    for client, admin in zip(clients, admins, strict=True):
        client.get("/lang/en")
        Auth(client).login(admin.email)
    form = {"version": "race-1", "effective_date": "2026-11-01", "note": "race", "confirmed": "1"}
    before = db.session.scalar(sa.select(sa.func.count(PriceIndexVersion.id)))

    with CommitGate(PriceIndexVersion):
        responses = together(*(lambda c=c: submit(c, "/admin/prices/new", form) for c in clients))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302, 409], statuses
    refused = next(r for r in responses if r.status_code == 409).get_data(as_text=True)
    assert "exists already" in refused
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(PriceIndexVersion.id))) == before + 1


def test_two_admins_first_changes_on_an_empty_index_give_one_stored_history_and_a_409(app):
    # Depends on add_version's IntegrityError message when its own label is free: both
    # changes store the embedded versions they build on, and the second one's insert of
    # them fails; it says to send the form again (not that its label exists).
    park = make_org(OrgKind.PARK_OPERATOR)
    admins = [make_user(park, role=Role.ADMIN), make_user(park, role=Role.ADMIN)]
    clients = [app.test_client(), app.test_client()]
    for client, admin in zip(clients, admins, strict=True):
        client.get("/lang/en")
        Auth(client).login(admin.email)
    form = {"effective_date": "2026-11-01", "note": "race", "confirmed": "1"}

    def change(client, label):
        return lambda: submit(client, "/admin/prices/new", {**form, "version": label})

    with CommitGate(PriceIndexVersion):
        responses = together(change(clients[0], "first-a"), change(clients[1], "first-b"))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302, 409], statuses
    refused = next(r for r in responses if r.status_code == 409).get_data(as_text=True)
    assert "send the form again" in refused
    db.session.expire_all()
    stored = db.session.scalar(sa.select(sa.func.count(PriceIndexVersion.id)))
    assert stored == len(pricing.default_snapshots()) + 1


def test_a_unique_violation_no_service_caught_is_a_409_page_and_json(app, database_url):
    # Depends on web/errors.handle_integrity_error (registered for IntegrityError).
    app = make_app(database_url)  # a fresh app: routes may only be added before requests
    probe = Blueprint("unique_probe", __name__)

    @probe.post("/probe/duplicate")
    @probe.post("/api/v1/probe/duplicate")
    def duplicate():
        for _ in range(2):
            db.session.add(Organisation(name="重复的名字", kind=OrgKind.BUYER))
        db.session.commit()
        return "stored"

    app.register_blueprint(probe)
    app.extensions["csrf"].exempt(probe)
    client = app.test_client()
    client.get("/lang/en")
    page = client.post("/probe/duplicate")
    assert page.status_code == 409 and "changed in the meantime" in page.get_data(as_text=True)
    api = client.post("/api/v1/probe/duplicate")
    assert api.status_code == 409 and api.json["error"] == "conflict"
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Organisation.id)).where(Organisation.name == "重复的名字")
            )
            == 0
        )
