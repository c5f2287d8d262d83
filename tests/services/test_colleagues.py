"""Inviting a colleague, one path for dealer branches, bus companies and buyers: the
colleague joins the inviter's own organisation with the inviter's role, gets the letter
with the set-your-password link, and the account, letter and audit entry are written
together or not at all."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import current_app

from lithloop import letters
from lithloop.extensions import db
from lithloop.models import AuditEntry, OrgKind, OutboxMessage, Role, User
from lithloop.services.accounts import audit, colleagues
from lithloop.services.errors import Conflict, Forbidden, Invalid
from tests.factories import make_org, make_user

KINDS = [
    (OrgKind.DEALER_BRANCH, Role.DEALER_STAFF),
    (OrgKind.BUS_COMPANY, Role.FLEET_MANAGER),
    (OrgKind.BUYER, Role.BUYER),
]


def _link(token: str) -> str:
    return f"http://lithloop.test/reset/{token}"


def _invite(user, name="王师傅", email="wang.shifu@example.com"):
    return colleagues.invite_colleague(user, name=name, email=email, link_for=_link)


def _written(email: str) -> tuple[int, int]:
    """(accounts, letters) for the address."""
    users = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email == email))
    mails = db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.recipient == email)
    )
    return users, mails


@pytest.mark.parametrize(("kind", "role"), KINDS)
def test_a_member_invites_a_colleague_into_their_own_organisation_with_their_role(app, kind, role):
    inviter = make_user(make_org(kind))
    make_user(make_org(kind))  # another organisation of the same kind: never chosen
    colleague = _invite(inviter, email="Wang.Shifu@Example.com")
    db.session.expire_all()
    colleague = db.session.get(User, colleague.id)
    assert colleague.organisation_id == inviter.organisation_id
    assert colleague.role is role and colleague.email == "wang.shifu@example.com"
    assert colleagues.is_invited(colleague)
    (mail,) = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == colleague.email)
    ).all()
    assert "http://lithloop.test/reset/" in mail.body and inviter.organisation.name in mail.body
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "company.invite"))
    assert entry is not None and entry.actor_id == inviter.id
    assert {u.id for u in colleagues.members(inviter)} == {inviter.id, colleague.id}


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (OrgKind.PARK_OPERATOR, Role.DISPATCHER),
        (OrgKind.PARK_OPERATOR, Role.DRIVER),
        (OrgKind.PARK_OPERATOR, Role.ADMIN),
        (OrgKind.GOVERNMENT, Role.GOVERNMENT),
    ],
)
def test_the_park_and_government_invite_nobody_here(app, kind, role):
    """The park's and government's people are added by an administrator (with their role
    chosen), not by a colleague: neither lists members nor invites on this path."""
    user = make_user(make_org(kind), role=role)
    with pytest.raises(Forbidden):
        _invite(user)
    with pytest.raises(Forbidden):
        colleagues.members(user)
    assert _written("wang.shifu@example.com") == (0, 0)


def test_members_are_only_the_own_organisation_s(app):
    dealer = make_user(make_org())
    stranger = make_user(make_org())
    assert {u.id for u in colleagues.members(dealer)} == {dealer.id}
    assert stranger.id not in {u.id for u in colleagues.members(dealer)}


@pytest.mark.parametrize(
    ("name", "email", "field"),
    [
        ("", "wang.shifu@example.com", "name"),
        ("   ", "wang.shifu@example.com", "name"),
        ("王" * 10_000, "wang.shifu@example.com", "name"),
        ("\u202e傅师王", "wang.shifu@example.com", "name"),
        ("\u200b\u200c", "wang.shifu@example.com", "name"),
        ("王\x00师傅", "wang.shifu@example.com", "name"),
        ("王师傅", "", "email"),
        ("王师傅", "wang.shifu", "email"),
        ("王师傅", "wang shifu@example.com", "email"),
        ("王师傅", "wang\u200b@example.com", "email"),
        ("王师傅", "a" * 10_000 + "@example.com", "email"),
    ],
)
def test_hostile_input_is_refused_naming_its_field_and_nothing_is_written(app, name, email, field):
    dealer = make_user(make_org())
    before = db.session.scalar(sa.select(sa.func.count(User.id)))
    with pytest.raises(Invalid) as refused:
        _invite(dealer, name=name, email=email)
    assert refused.value.field == field and str(refused.value.message)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == before
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_an_address_already_in_the_organisation_is_refused_saying_so(app):
    dealer = make_user(make_org())
    _invite(dealer)
    with pytest.raises(Conflict) as again:
        _invite(dealer, email="WANG.SHIFU@example.com")
    assert again.value.field == "email"
    said = str(again.value.message)
    assert "已在您的机构中" in said and "忘记密码" in said, said
    assert _written("wang.shifu@example.com") == (1, 1)  # the first letter only


@pytest.mark.parametrize(
    ("phone", "contact"), [("0453-6123456", "请致电产业园：0453-6123456"), ("", "请联系产业园")]
)
def test_a_removed_colleague_s_address_is_refused_saying_only_the_park_enables_it(
    app, phone, contact
):
    """Not 'Forgot your password?': the account is disabled, a reset mails it nothing."""
    current_app.config["SELLER_PHONE"] = phone  # the test body's app (conftest's twin)
    dealer = make_user(make_org())
    removed = _invite(dealer)
    removed.invited_at = None  # accepted, then removed
    db.session.commit()
    colleagues.remove_colleague(dealer, removed.id)
    with pytest.raises(Conflict) as refused:
        _invite(dealer, email="Wang.Shifu@example.com")
    said = str(refused.value.message)
    assert refused.value.field == "email" and "已停用" in said and contact in said, said
    assert "忘记密码" not in said and "只有产业园可以重新启用" in said
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.enabled)) == 1


def test_an_address_with_an_account_elsewhere_is_refused_with_what_to_do(app):
    dealer = make_user(make_org())
    elsewhere = make_user(make_org(OrgKind.BUYER), email="taken@example.com")
    with pytest.raises(Conflict) as refused:
        _invite(dealer, email="taken@example.com")
    said = str(refused.value.message)
    assert refused.value.field == "email" and "另一个机构" in said, said
    assert "另一个工作邮箱" in said
    assert elsewhere.organisation.name not in said  # whose it is stays theirs to say
    assert db.session.get(User, elsewhere.id).organisation_id == elsewhere.organisation_id


def test_no_account_without_its_letter(app, monkeypatch):
    dealer = make_user(make_org())

    def broken(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(letters, "send_letter", broken)
    with pytest.raises(RuntimeError):
        _invite(dealer)
    assert _written("wang.shifu@example.com") == (0, 0)


def test_no_letter_without_its_account_when_the_audit_entry_fails(app, monkeypatch):
    import sqlalchemy.exc

    dealer = make_user(make_org())

    def broken(*args, **kwargs):
        raise sqlalchemy.exc.OperationalError("INSERT audit", {}, Exception("disk full"))

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(sqlalchemy.exc.OperationalError):
        _invite(dealer)
    assert _written("wang.shifu@example.com") == (0, 0)
