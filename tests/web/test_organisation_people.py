"""A dealer's or bus company's organisation page: its people (name, e-mail, role, invited or
active), inviting a colleague (each refusal beside its field, the form kept), Chinese first
and English second."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import OrgKind, OutboxMessage, Role, User
from tests import worlds
from tests.conftest import Auth, submit
from tests.factories import make_org, make_user
from tests.sent_sql import is_write, sent_statements

world = worlds.dealer_at_site
PAGE = "/organisation"
INVITE = "/organisation/colleagues"


def _users(email: str) -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email == email))


def _mails(email: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.recipient == email)
    )


@pytest.mark.parametrize("kind", [OrgKind.DEALER_BRANCH, OrgKind.BUS_COMPANY])
def test_the_page_lists_the_people_in_chinese_then_english_and_a_get_writes_nothing(
    app, client, kind
):
    org = make_org(kind)
    me = make_user(org)
    waiting = make_user(org, email="waiting@example.com")
    waiting.invited_at = clock.now()  # invited by a colleague, no password chosen yet
    created = make_user(org, email="created@example.com")  # by the park, never logged in
    db.session.commit()
    Auth(client).login(me.email)
    with sent_statements(app) as sent:
        page = client.get(PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert not [s for s in sent if is_write(s)], sent
    people = re.search(r'<ul class="rows people" id="people">(.*?)</ul>', html, re.S).group(1)
    assert me.email in people and waiting.email in people and unescape(me.name) in unescape(people)
    role = "经销商员工" if kind is OrgKind.DEALER_BRANCH else "车队经理"
    assert people.count(role) == 3, people
    # the waiting one is invited; me (logged in) and the one the park created are active
    rows = dict(re.findall(r"<span>([^<]+@example\.com)</span>\s*<span>(.*?)</span>", people, re.S))
    assert "已邀请" in rows[waiting.email] and "已激活" not in rows[waiting.email]
    assert "已激活" in rows[created.email] and "已邀请" not in rows[created.email], rows
    assert "已激活" in rows[me.email]
    assert "添加同事" in html and "Add a colleague" not in html
    assert 'href="/organisation"' in html  # in the header's links
    client.get("/lang/en")
    english = client.get(PAGE).get_data(as_text=True)
    assert "Add a colleague" in english and "invited" in english and "active" in english
    assert "添加同事" not in english


def test_a_dealer_invites_a_colleague_who_sets_a_password_and_logs_in(client, world):
    dealer = world["dealer"]
    Auth(client).login(dealer.email)
    done = submit(client, INVITE, {"name": "王师傅", "email": "Wang@Example.com"}, page=PAGE)
    assert done.status_code == 302 and done.headers["Location"].endswith("/organisation#people")
    colleague = db.session.scalar(sa.select(User).where(User.email == "wang@example.com"))
    assert colleague.role is Role.DEALER_STAFF
    assert colleague.organisation_id == dealer.organisation_id
    html = client.get(PAGE).get_data(as_text=True)
    assert "已添加 wang@example.com，并已发邮件邀请其设置密码。" in html
    assert re.search(r"<strong>王师傅</strong><span>wang@example.com</span>", html)
    mail = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == "wang@example.com")
    )
    assert "邀请您加入 牡丹江测试经销店 的 lithloop 账户" in mail.body, mail.body
    link = re.search(r"http://lithloop\.test(/reset/\S+)", mail.body).group(1)
    Auth(client).logout()
    new = {"password": "new-secret-pass-9", "confirm": "new-secret-pass-9"}
    assert submit(client, link, new).status_code == 302
    assert Auth(client).login("wang@example.com", "new-secret-pass-9").status_code == 302
    assert client.get(PAGE).status_code == 200


def test_an_organisation_named_in_the_request_is_ignored(client, world):
    """The colleague joins the inviter's organisation, whatever the form says."""
    other = make_org(name="别家经销店")
    Auth(client).login(world["dealer"].email)
    typed = {"name": "王师傅", "email": "wang@example.com", "organisation_id": str(other.id)}
    assert submit(client, INVITE, typed, page=PAGE).status_code == 302
    made = db.session.scalar(sa.select(User).where(User.email == "wang@example.com"))
    assert made.organisation_id == world["dealer"].organisation_id != other.id


@pytest.mark.parametrize(
    ("name", "email", "field"),
    [
        ("", "wang@example.com", "name"),
        ("王" * 10_000, "wang@example.com", "name"),
        ("\u202e傅师王", "wang@example.com", "name"),
        ("\u200b", "wang@example.com", "name"),
        ("王师傅", "wang@", "email"),
        ("王师傅", "w\u200bang@example.com", "email"),
        ("王师傅", "x" * 10_000, "email"),
    ],
)
def test_hostile_input_is_refused_beside_its_field_with_the_form_kept(
    client, world, name, email, field
):
    Auth(client).login(world["dealer"].email)
    page = submit(client, INVITE, {"name": name, "email": email}, page=PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    said = re.search(rf'<p class="error" id="col-{field}-err">([^<]+)</p>', html)
    assert said and said.group(1).strip(), html
    assert f'aria-describedby="col-{field}-err"' in html
    kept = "王师傅" if field == "email" else "wang@example.com"
    assert f'value="{kept}"' in html  # the other field as typed
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_an_address_with_an_account_is_refused_beside_the_field_saying_what_to_do(client, world):
    make_user(make_org(OrgKind.BUYER), email="taken@example.com")
    Auth(client).login(world["dealer"].email)
    page = submit(client, INVITE, {"name": "王师傅", "email": "taken@example.com"}, page=PAGE)
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == 409
    said = re.search(r'id="col-email-err">([^<]+)<', html).group(1)
    assert "另一个机构" in said and "另一个工作邮箱" in said, said
    assert 'value="王师傅"' in html and 'value="taken@example.com"' in html
    assert _users("taken@example.com") == 1 and _mails("taken@example.com") == 0


def test_a_second_invitation_of_one_address_is_refused_and_mails_nothing_more(client, world):
    Auth(client).login(world["dealer"].email)
    first = {"name": "王师傅", "email": "wang@example.com"}
    assert submit(client, INVITE, first, page=PAGE).status_code == 302
    again = submit(client, INVITE, {"name": "王师傅", "email": "WANG@example.com"}, page=PAGE)
    said = re.search(r'id="col-email-err">([^<]+)<', unescape(again.get_data(as_text=True)))
    assert again.status_code == 409 and said and "已在您的机构中" in said.group(1)
    assert _users("wang@example.com") == 1 and _mails("wang@example.com") == 1
    client.get("/lang/en")
    english = submit(client, INVITE, {"name": "Wang", "email": "wang@example.com"}, page=PAGE)
    assert "already in your organisation" in unescape(english.get_data(as_text=True))


@pytest.mark.parametrize("role", [Role.DRIVER, Role.BUYER, Role.DISPATCHER, Role.GOVERNMENT])
def test_other_roles_neither_see_the_page_nor_invite(client, login_as, role):
    login_as(role)
    assert client.get(PAGE).status_code == 403
    typed = {"name": "王师傅", "email": "wang@example.com"}
    assert submit(client, INVITE, typed, page="/").status_code == 403
    assert _users("wang@example.com") == 0
