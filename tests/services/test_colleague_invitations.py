"""An invitation's life: "invited" only while a colleague's invitation is open (not for an
account the park made that never logged in), sent again with a new link that stops the old
one, accepted by choosing a password, and at most INVITES_PER_HOUR / INVITES_PER_DAY of them
per organisation, nothing written or mailed past the limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import AuditEntry, OrgKind, OutboxMessage, User
from lithloop.services.accounts import colleagues, password_reset
from lithloop.services.errors import Conflict, Invalid, NotFound, TooMany
from tests.factories import make_org, make_user


def _link(token: str) -> str:
    return f"http://lithloop.test/reset/{token}"


def _invite(user, email="wang.shifu@example.com"):
    return colleagues.invite_colleague(user, name="王师傅", email=email, link_for=_link)


def _tokens(email: str) -> list[str]:
    """The reset tokens mailed to the address, oldest first."""
    bodies = db.session.scalars(
        sa.select(OutboxMessage.body)
        .where(OutboxMessage.recipient == email)
        .order_by(OutboxMessage.id)
    )
    return [body.split("http://lithloop.test/reset/")[1].split()[0] for body in bodies]


def _mails() -> int:
    return db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))


def test_invited_means_an_open_invitation_not_never_logged_in(app):
    """A colleague invited is "invited" until they choose a password; an account the park
    created (or a registration) that never logged in is not."""
    dealer = make_user(make_org())
    made_by_the_park = make_user(dealer.organisation)
    assert made_by_the_park.last_login_at is None
    assert not colleagues.is_invited(made_by_the_park)
    colleague = _invite(dealer)
    assert colleagues.is_invited(colleague)
    password_reset.reset_password(_tokens(colleague.email)[-1], "a-new-secret-pass-9")
    assert not colleagues.is_invited(db.session.get(User, colleague.id))


def test_an_invitation_sent_again_has_a_new_link_and_the_old_one_stops(app):
    dealer = make_user(make_org())
    colleague = _invite(dealer)
    colleagues.resend_invitation(dealer, colleague.id, link_for=_link)
    first, second = _tokens(colleague.email)
    with pytest.raises(Invalid):
        password_reset.user_for_reset_token(first)
    assert password_reset.user_for_reset_token(second).id == colleague.id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "company.reinvite"))
    assert entry.actor_id == dealer.id and entry.object_id == str(colleague.id)
    assert colleagues.is_invited(db.session.get(User, colleague.id))


def test_only_an_open_invitation_of_the_own_organisation_is_sent_again(app):
    dealer = make_user(make_org())
    stranger = _invite(make_user(make_org()), email="stranger@example.com")
    with pytest.raises(NotFound):
        colleagues.resend_invitation(dealer, stranger.id, link_for=_link)
    with pytest.raises(NotFound):
        colleagues.resend_invitation(dealer, 10**9, link_for=_link)
    not_invited = make_user(dealer.organisation)  # the park made it: nothing to send again
    with pytest.raises(Conflict):
        colleagues.resend_invitation(dealer, not_invited.id, link_for=_link)
    colleague = _invite(dealer)
    password_reset.reset_password(_tokens(colleague.email)[-1], "a-new-secret-pass-9")
    with pytest.raises(Conflict):  # accepted
        colleagues.resend_invitation(dealer, colleague.id, link_for=_link)
    assert len(_tokens(colleague.email)) == 1 and len(_tokens(stranger.email)) == 1


@pytest.mark.parametrize("kind", [OrgKind.DEALER_BRANCH, OrgKind.BUS_COMPANY, OrgKind.BUYER])
def test_invitations_per_hour_are_limited_per_organisation(app, kind):
    current_app.config.update(INVITES_PER_HOUR=3, INVITES_PER_DAY=100)
    org = make_org(kind)
    first, second = make_user(org), make_user(org)
    colleague = _invite(first, email="one@example.com")
    colleagues.resend_invitation(second, colleague.id, link_for=_link)  # counts as well
    _invite(second, email="two@example.com")
    mails, users = _mails(), db.session.scalar(sa.select(sa.func.count(User.id)))
    with pytest.raises(TooMany) as refused:
        _invite(first, email="three@example.com")
    assert refused.value.status == 429 and refused.value.field == "email"
    assert "3" in str(refused.value.message)  # how many, said
    with pytest.raises(TooMany):
        colleagues.resend_invitation(first, colleague.id, link_for=_link)
    assert _mails() == mails and db.session.scalar(sa.select(sa.func.count(User.id))) == users
    _invite(make_user(make_org(kind)), email="elsewhere@example.com")  # another's count


def test_the_limits_count_a_sliding_hour_and_day(app, monkeypatch):
    current_app.config.update(INVITES_PER_HOUR=2, INVITES_PER_DAY=3)
    dealer = make_user(make_org())
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    _invite(dealer, email="a@example.com")
    _invite(dealer, email="b@example.com")
    with pytest.raises(TooMany):
        _invite(dealer, email="c@example.com")
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=61))
    _invite(dealer, email="c@example.com")  # a new hour
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=3))
    with pytest.raises(TooMany) as refused:  # but three within the day
        _invite(dealer, email="d@example.com")
    assert "24" in str(refused.value.message)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=24, minutes=1))
    _invite(dealer, email="d@example.com")


def test_the_regulators_invitations_count_against_its_organisation_not_the_parks(app):
    """An administrator's invitations into the government partner's organisation used the
    park's limits: ten park hires in an hour left the regulator's people uninvitable, and
    the regulator's invitations used up the park's. Each organisation now counts its own."""
    from lithloop.models import Role
    from lithloop.services.accounts import park_people

    current_app.config.update(INVITES_PER_HOUR=2, INVITES_PER_DAY=100)
    park = make_org(OrgKind.PARK_OPERATOR, name="牡丹江产业园")
    admin = make_user(park, role=Role.ADMIN)
    gov = park_people.create_government(admin, "牡丹江市生态环境局")

    def invite(kind, email, role):
        return park_people.invite(
            admin, kind, name="新同事", email=email, role=role, link_for=_link
        )

    park_kind, gov_kind = OrgKind.PARK_OPERATOR, OrgKind.GOVERNMENT
    invite(park_kind, "d1@park.example", "dispatcher")
    invite(park_kind, "d2@park.example", "driver")
    with pytest.raises(TooMany) as park_full:
        invite(park_kind, "d3@park.example", "driver")
    assert "您的机构" in str(park_full.value.message) or "Your organisation" in str(
        park_full.value.message
    )
    first = invite(gov_kind, "g1@gov.example", "government")  # the park's count is not its
    park_people.resend(admin, gov_kind, first.id, link_for=_link)  # sent again counts
    mails = _mails()
    with pytest.raises(TooMany) as gov_full:
        invite(gov_kind, "g2@gov.example", "government")
    assert gov.name in str(gov_full.value.message) and gov_full.value.field == "email"
    assert _mails() == mails and db.session.get(User, first.id).organisation_id == gov.id
    assert db.session.scalar(sa.select(User.id).where(User.email == "g2@gov.example")) is None
