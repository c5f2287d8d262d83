"""A letter answering a person's own request follows the page they asked from when they saved
no language (a saved choice still wins): a reset asked from the English page by a user who
never chose a language arrived in Chinese."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import login_user

from lithloop import clock, letters
from lithloop.extensions import db
from lithloop.models import OutboxMessage, Role, User
from tests import worlds
from tests.conftest import Auth, api_headers, submit
from tests.factories import make_user_as
from tests.market.support import make_admin, make_buyer
from tests.plain_language import chinese_on_english
from tests.web.test_auth import registration
from tests.web.test_bookings import body

booking_world = worlds.dealer_at_site  # the fixture


@pytest.fixture
def backend():
    """SQLite only: which language a letter is written in, whatever database keeps it."""
    return "sqlite"


def _letters_to(email: str) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.recipient == email)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def _english(letter: OutboxMessage) -> bool:
    return chinese_on_english(letter.subject + "\n" + letter.body) == []


@pytest.mark.parametrize(("saved", "page", "english"), [(None, "en", True), ("zh_CN", "en", False)])
def test_a_reset_follows_the_page_unless_a_language_is_saved(client, saved, page, english):
    user = make_user_as(Role.DEALER_STAFF)
    user.locale = saved
    db.session.commit()
    client.get(f"/lang/{page}")
    assert submit(client, "/reset", {"email": user.email}).status_code == 302
    (letter,) = _letters_to(user.email)
    assert ("Reset your password" in letter.subject) is english, letter.subject
    assert _english(letter) is english, letter.body


def test_a_reset_from_the_chinese_page_stays_chinese(client):
    user = make_user_as(Role.BUYER)
    assert user.locale is None
    submit(client, "/reset", {"email": user.email})
    (letter,) = _letters_to(user.email)
    assert "Reset your password" not in letter.subject and not _english(letter)


def test_registering_with_a_used_address_is_answered_in_the_page_s_language(client):
    user = make_user_as(Role.BUYER)
    assert user.locale is None
    client.get("/lang/en")
    form = registration(organisation="Riverside Storage Ltd", name="Ann Lee", email=user.email)
    assert submit(client, "/register", form).status_code == 302
    (letter,) = _letters_to(user.email)
    assert "Someone tried to register with your e-mail" in letter.subject, letter.subject
    assert _english(letter), letter.body


def _logged_in_without_a_language(client, user: User) -> None:
    """Logged in, then the saved language cleared (accounts from before it was kept), and
    the English page chosen with the link (a cookie only, nothing saved)."""
    Auth(client).login(user.email)  # saves the login page's language: cleared below
    db.session.execute(sa.update(User).where(User.id == user.id).values(locale=None))
    db.session.commit()
    client.get("/lang/en")


def test_an_invitation_follows_the_inviter_s_page_when_they_saved_no_language(client):
    buyer = make_buyer()
    _logged_in_without_a_language(client, buyer)
    form = {"name": "Li Gong", "email": "li.gong@example.com"}
    assert (
        submit(client, "/market/company/colleagues", form, page="/market/company").status_code
        == 302
    )
    (letter,) = _letters_to("li.gong@example.com")
    assert "invitation from" in letter.subject and _english(letter), letter.body


def test_an_own_booking_is_confirmed_in_the_language_the_api_answers_in(client, booking_world):
    dealer = booking_world["dealer"]
    assert dealer.locale is None
    headers = {**api_headers(client, dealer), "Accept-Language": "en"}
    made = client.post("/api/v1/bookings", json=body(booking_world["site"]), headers=headers)
    assert made.status_code == 201, made.json
    (letter,) = _letters_to(dealer.email)
    assert letter.subject.startswith(f"[lithloop] Booking #{made.json['id']} received")
    assert _english(letter), letter.body


def test_a_letter_to_someone_else_keeps_their_own_language(client):
    """The page's language is the asker's: the admin told of a buyer's request from the
    English page, who saved none, is written to in the default."""
    buyer, admin = make_buyer(), make_admin()
    _logged_in_without_a_language(client, buyer)
    day = (clock.today() + timedelta(days=30)).isoformat()
    wanted = {"quantity": "1", "min_grade": "B", "wanted_by": day}
    assert submit(client, "/market/rfqs/new", wanted).status_code == 302
    (letter,) = _letters_to(admin.email)
    assert not _english(letter), letter.body


def test_a_letter_to_the_logged_in_asker_follows_their_page(app):
    """What a person does logged in (a booking, a cancel) is answered in their page's
    language when they saved none; a job's letter, asked from no page, in the default."""
    buyer, other = make_buyer(), make_buyer()
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        login_user(buyer)
        mine = letters.send_letter(buyer, _l("Reset your password"), _l("Order"))
        theirs = letters.send_letter(other, _l("Reset your password"), _l("Order"))
    job = letters.send_letter(buyer, _l("Reset your password"), _l("Order"))
    assert _english(mine) and not _english(theirs) and not _english(job)
