"""Letters follow the language a person logs in with when they never chose one: an English
reader who picked English before logging in (a cookie only) was mailed in Chinese."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import OutboxMessage, Role, User
from tests.conftest import Auth, submit
from tests.factories import make_user_as


@pytest.fixture
def backend():
    """SQLite only: which language is saved, whatever database saves it."""
    return "sqlite"


def _saved(user_id: int) -> str | None:
    db.session.expire_all()
    return db.session.get(User, user_id).locale


def _last_letter() -> OutboxMessage:
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()


def test_a_user_without_a_saved_language_keeps_the_one_they_log_in_with(client):
    user = make_user_as(Role.DEALER_STAFF)
    assert user.locale is None
    client.get("/lang/en")  # the login page in English: a cookie, nothing saved
    assert Auth(client).login(user.email).status_code == 302
    assert _saved(user.id) == "en"
    Auth(client).logout()
    submit(client, "/reset", {"email": user.email})  # a letter to them, from nobody's page
    letter = _last_letter()
    assert letter.recipient == user.email and "Reset your password" in letter.subject


@pytest.mark.parametrize(("saved", "page"), [("zh_CN", "en"), ("en", "zh_CN")])
def test_a_saved_language_is_kept_whatever_the_login_page_shows(client, saved, page):
    user = make_user_as(Role.BUYER)
    user.locale = saved
    db.session.commit()
    client.get(f"/lang/{page}")
    assert Auth(client).login(user.email).status_code == 302
    assert _saved(user.id) == saved


def test_a_wrong_password_saves_nothing(client):
    user = make_user_as(Role.BUYER)
    client.get("/lang/en")
    assert Auth(client).login(user.email, "not-the-password").status_code != 302
    assert _saved(user.id) is None
