"""A person whose organisation the park rejected registers again with the same address.

New user's walk: they got "someone tried to register with this address" and could not log in
either, for good. Now the address registers anew; the rejected organisation stays as history.
"""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import AuditEntry, Organisation, OrgKind, OrgStatus, OutboxMessage, Role, User
from lithloop.services.accounts import approvals
from tests.factories import make_org, make_user
from tests.web.test_auth import confirm, confirm_link, flashed, registration, submit

EMAIL = "li.ming@example.com"


def rejected_dealer(client, name: str = "宁安比亚迪服务站") -> User:
    """A dealer branch registered and confirmed by li.ming, then rejected by the park."""
    first = registration(kind="dealer_branch", organisation=name)
    assert submit(client, "/register", first).status_code == 302
    assert confirm(client, EMAIL).status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == EMAIL))
    approvals.decide_organisation(user.organisation_id, approve=False)
    return user


def letters_to(email: str) -> list[str]:
    query = sa.select(OutboxMessage.subject).where(OutboxMessage.recipient == email)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def test_a_rejected_registrant_registers_again_under_a_new_name(client, auth):
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    user = rejected_dealer(client)
    old_org_id = user.organisation_id
    again = registration(kind="bus_company", organisation="宁安公交", password="new-batteries-7")
    again["confirm"] = again["password"]
    answer = submit(client, "/register", again)
    assert answer.status_code == 302 and answer.location.endswith("/login")
    assert "我们已向 li.ming@example.com 发送邮件" in flashed(client.get(answer.location))[0]
    assert letters_to(EMAIL)[-1] == "[lithloop] 确认邮箱以完成注册"  # not "someone tried"
    link = confirm_link(EMAIL)
    assert submit(client, link, {"password": "new-batteries-7"}).status_code == 302
    db.session.expire_all()
    moved = db.session.get(User, user.id)  # the same person, moved to the new organisation
    assert moved.organisation.name == "宁安公交" and moved.role is Role.FLEET_MANAGER
    assert moved.organisation.status is OrgStatus.PENDING
    old = db.session.get(Organisation, old_org_id)  # kept as history, still rejected
    assert old.name == "宁安比亚迪服务站" and old.status is OrgStatus.REJECTED
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "user.register_again")
    )
    assert entry.object_id == str(user.id)
    assert entry.details["former_organisation"] == f"宁安比亚迪服务站 (#{old_org_id})"
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id))
    assert list(actions) == ["organisation.reject", "user.register_again"]
    assert letters_to(admin.email)[-1] == "[lithloop] 待审核：宁安公交"
    approvals.decide_organisation(moved.organisation_id, approve=True)
    assert auth.login(EMAIL, "storage-batteries-9").status_code == 401  # the old password
    assert auth.login(EMAIL, "new-batteries-7").status_code == 302  # the new one


def test_under_its_own_name_the_rejected_organisation_is_put_back_before_the_park(client, auth):
    user = rejected_dealer(client)
    org_id = user.organisation_id
    again = registration(kind="dealer_branch", organisation="宁安比亚迪服务站", city="宁安")
    assert submit(client, "/register", again).status_code == 302
    assert confirm(client, EMAIL).status_code == 302
    db.session.expire_all()
    org = db.session.get(Organisation, org_id)
    assert org.status is OrgStatus.PENDING and [u.id for u in org.users] == [user.id]
    assert org.city == "宁安"  # as typed the second time
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 1
    waiting = auth.login(EMAIL, "storage-batteries-9")
    assert waiting.status_code == 401
    assert "您的机构正在等待产业园审核。" in waiting.get_data(as_text=True)
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id))
    assert list(actions) == ["organisation.reject", "user.register_again"]


def test_another_persons_rejected_organisation_name_is_refused_at_confirmation(client):
    rejected_dealer(client)
    name = "宁安比亚迪服务站"
    other = registration(kind="dealer_branch", organisation=name, email="w@example.com")
    assert submit(client, "/register", other).status_code == 302  # a rejected name is not taken
    refused = confirm(client, "w@example.com")
    assert refused.status_code == 409
    assert "已有同名机构注册" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "w@example.com")) is None


def test_an_address_of_an_organisation_not_rejected_still_registers_nothing(client):
    for status in (OrgStatus.PENDING, OrgStatus.SUSPENDED, OrgStatus.ACTIVE):
        email = f"{status.value}@example.com"
        make_user(make_org(status=status, name=f"机构{status.value}"), email=email)
        submit(client, "/register", registration(organisation=f"新{status.value}", email=email))
        assert letters_to(email) == ["[lithloop] 有人尝试用您的邮箱注册"], status


def test_their_rejected_organisations_name_under_another_kind_is_refused(client):
    """Put back, the organisation keeps its kind (what is recorded for it was of that kind)."""
    user = rejected_dealer(client)
    again = registration(kind="bus_company", organisation="宁安比亚迪服务站")
    assert submit(client, "/register", again).status_code == 302
    refused = confirm(client, EMAIL)
    assert refused.status_code == 409 and "已有同名机构注册" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).organisation.status is OrgStatus.REJECTED


def test_the_rejection_letter_and_the_refused_login_say_they_may_register_again(client, auth):
    """Walk finding: both said only "not approved" and whom to call, never that the address
    may be used to register again."""
    rejected_dealer(client)
    letter = db.session.scalars(
        sa.select(OutboxMessage.body)
        .where(OutboxMessage.recipient == EMAIL)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert "未通过 lithloop 审核" in letter and "您可以用这个邮箱地址重新注册" in letter
    assert "/register" in letter  # the link to do it
    refused = auth.login(EMAIL, registration()["password"])
    assert "您可以用这个邮箱地址重新注册" in refused.get_data(as_text=True)
