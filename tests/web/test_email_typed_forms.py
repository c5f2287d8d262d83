"""Hostile-input finding: an address registration accepted (and stored in its canonical
form) was not found again when typed the same way at login, for an API token or for a
password reset: a Chinese keyboard's 。 for the dot, a decomposed accent, a punycode domain.
The same address typed the same way finds the same account everywhere."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import OutboxMessage
from lithloop.services.accounts.registration import normalise_email
from tests.conftest import submit
from tests.factories import PASSWORD, make_org, make_user

TYPED = ["li.ming@example\u3002com", "jose\u0301@example.com", "user@xn--bcher-kva.de"]


@pytest.mark.parametrize("typed", TYPED)
def test_an_address_typed_as_at_registration_logs_in_gets_a_token_and_a_reset(client, typed):
    stored = normalise_email(typed)
    assert stored != typed  # the case: what is stored is not what is typed
    make_user(make_org(), email=stored)
    db.session.commit()
    login = submit(client, "/login", {"email": typed, "password": PASSWORD})
    assert login.status_code == 302, login.get_data(as_text=True)[:500]
    submit(client, "/logout", {}, page="/")
    token = client.post("/api/v1/auth/token", json={"email": typed, "password": PASSWORD})
    assert token.status_code == 201, token.json
    submit(client, "/reset", {"email": typed})
    mailed = db.session.scalars(sa.select(OutboxMessage.recipient)).all()
    assert mailed == [stored]
