"""The park's people page (/admin/people) and the government partner's (/admin/government):
an administrator invites choosing the role, the invitee sets a password and works; bad
roles, non-admins and the last administrator are refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import AuditEntry, Organisation, OrgKind, OutboxMessage, Role, User
from tests.conftest import Auth, freeze_clock, submit
from tests.factories import make_org, make_user
from tests.sent_sql import is_write, sent_statements

PAGE = "/admin/people"
GOV = "/admin/government"


@pytest.fixture
def park(app):
    org = make_org(OrgKind.PARK_OPERATOR, name="牡丹江产业园")
    admin = make_user(org, role=Role.ADMIN, email="boss@park.example")
    db.session.commit()
    return {"org": org, "admin": admin}


def _user(email: str) -> User | None:
    db.session.expire_all()  # as the app left it
    return db.session.scalar(sa.select(User).where(User.email == email))


def _mails(email: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == email))
    )


def test_admin_invites_a_dispatcher_who_sets_a_password_logs_in_and_opens_dispatch(client, park):
    Auth(client).login(park["admin"].email)
    page = client.get(PAGE).get_data(as_text=True)
    assert "园区人员" in page or "产业园人员" in page
    form = {"name": "李调度", "email": "Li@Park.example", "role": "dispatcher"}
    done = submit(client, PAGE, form, page=PAGE)
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/people#people")
    made = _user("li@park.example")
    assert made.role is Role.DISPATCHER and made.organisation_id == park["org"].id
    assert made.invited_at is not None  # invited, not yet active: the trucks page can tell
    listed = client.get(PAGE).get_data(as_text=True)
    assert re.search(r"<strong>李调度</strong><span>li@park.example</span>", listed)
    assert "已邀请" in listed
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "company.invite"))
    assert entry.details["role"] == "dispatcher"
    (mail,) = _mails("li@park.example")
    link = re.search(r"http://lithloop\.test(/reset/\S+)", mail.body).group(1)
    Auth(client).logout()
    new = {"password": "new-secret-pass-9", "confirm": "new-secret-pass-9"}
    assert submit(client, link, new).status_code == 302
    assert Auth(client).login("li@park.example", "new-secret-pass-9").status_code == 302
    assert _user("li@park.example").invited_at is None
    assert client.get("/dispatch/").status_code == 200


@pytest.mark.parametrize("role", ["buyer", "government", "dealer_staff", "superuser", ""])
def test_a_role_the_park_cannot_hold_is_refused_beside_the_field_and_nothing_is_sent(
    client, park, role
):
    Auth(client).login(park["admin"].email)
    form = {"name": "李调度", "email": "li@park.example", "role": role}
    page = submit(client, PAGE, form, page=PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert re.search(r'<p class="error" id="col-role-err">[^<]+</p>', html), html
    assert 'value="li@park.example"' in html
    assert _user("li@park.example") is None and not _mails("li@park.example")


def test_every_refused_field_of_an_invitation_is_told_at_once(client, park):
    """Walk finding: an empty name and e-mail showed only the name's error; the e-mail was
    refused only on the next try."""
    Auth(client).login(park["admin"].email)
    for form in ({"name": "", "email": "", "role": "dispatcher"}, {"name": "", "email": "x@"}):
        page = submit(client, PAGE, form, page=PAGE)
        html = page.get_data(as_text=True)
        assert page.status_code == 422
        for field in ("name", "email"):
            assert re.search(rf'<p class="error" id="col-{field}-err">[^<]+</p>', html), field
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.PLANT_OPERATOR, Role.DRIVER])
def test_park_staff_who_are_not_admins_cannot_invite(client, park, role):
    staff = make_user(park["org"], role=role, email="staff@park.example")
    db.session.commit()
    Auth(client).login(staff.email)
    form = {"name": "x", "email": "x@park.example", "role": "admin"}
    assert submit(client, PAGE, form, page="/").status_code == 403
    assert client.get(PAGE).status_code == 403
    assert _user("x@park.example") is None


def test_a_role_change_is_audited_and_mailed_but_never_of_the_last_admin(client, park):
    driver = make_user(park["org"], role=Role.DRIVER, email="drv@park.example")
    db.session.commit()
    Auth(client).login(park["admin"].email)
    url = f"{PAGE}/{driver.id}/role"
    assert submit(client, url, {"role": "plant_operator"}, page=PAGE).status_code == 302
    assert _user("drv@park.example").role is Role.PLANT_OPERATOR
    assert _mails("drv@park.example")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.role_change"))
    assert entry.details == {
        "email": "drv@park.example", "role_before": "driver", "role": "plant_operator"
    }  # fmt: skip
    assert submit(client, url, {"role": "buyer"}, page=PAGE).status_code == 422
    mine = f"{PAGE}/{park['admin'].id}/role"
    refused = submit(client, mine, {"role": "dispatcher"}, page=PAGE)
    assert refused.status_code == 409
    assert "管理员" in refused.get_data(as_text=True)
    assert _user(park["admin"].email).role is Role.ADMIN
    # with a second active admin, one may step down
    make_user(park["org"], role=Role.ADMIN, email="boss2@park.example")
    db.session.commit()
    assert submit(client, mine, {"role": "dispatcher"}, page=PAGE).status_code == 302
    assert _user(park["admin"].email).role is Role.DISPATCHER


def test_an_invited_admin_does_not_count_as_an_active_one(client, park):
    Auth(client).login(park["admin"].email)
    form = {"name": "新管理员", "email": "new@park.example", "role": "admin"}
    assert submit(client, PAGE, form, page=PAGE).status_code == 302
    mine = f"{PAGE}/{park['admin'].id}/role"
    assert submit(client, mine, {"role": "driver"}, page=PAGE).status_code == 409


def test_a_colleague_of_another_organisation_is_not_found(client, park):
    other = make_user(make_org(OrgKind.DEALER_BRANCH), email="dealer@example.com")
    db.session.commit()
    Auth(client).login(park["admin"].email)
    assert (
        submit(client, f"{PAGE}/{other.id}/role", {"role": "driver"}, page=PAGE).status_code == 404
    )
    assert submit(client, f"{PAGE}/{other.id}/invitation", {}, page=PAGE).status_code == 404


def test_admin_creates_the_government_partner_and_invites_its_people(client, park):
    Auth(client).login(park["admin"].email)
    assert submit(client, GOV, {"org_name": ""}, page=GOV).status_code == 422
    assert submit(client, GOV, {"org_name": "牡丹江市生态环境局"}, page=GOV).status_code == 302
    gov = db.session.scalar(sa.select(Organisation).where(Organisation.kind == OrgKind.GOVERNMENT))
    assert gov.is_active
    assert submit(client, GOV, {"org_name": "另一个"}, page=GOV).status_code == 409
    form = {"name": "赵科长", "email": "zhao@gov.example", "role": "admin"}  # role is ignored
    assert submit(client, f"{GOV}/people", form, page=GOV).status_code == 302
    made = _user("zhao@gov.example")
    assert made.role is Role.GOVERNMENT and made.organisation_id == gov.id
    (mail,) = _mails("zhao@gov.example")
    assert submit(client, f"{GOV}/people/{made.id}/invitation", {}, page=GOV).status_code == 302
    assert len(_mails("zhao@gov.example")) == 2
    link = re.search(r"http://lithloop\.test(/reset/\S+)", _mails("zhao@gov.example")[-1].body)
    Auth(client).logout()
    new = {"password": "new-secret-pass-9", "confirm": "new-secret-pass-9"}
    assert submit(client, link.group(1), new).status_code == 302
    assert Auth(client).login("zhao@gov.example", "new-secret-pass-9").status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_inviting_into_a_government_partner_not_created_yet_is_refused(client, park):
    Auth(client).login(park["admin"].email)
    form = {"name": "赵科长", "email": "zhao@gov.example"}
    page = submit(client, f"{GOV}/people", form, page=GOV)
    assert page.status_code == 404 and _user("zhao@gov.example") is None


def test_the_pages_read_in_both_languages_and_a_get_writes_nothing(app, client, park):
    Auth(client).login(park["admin"].email)
    for url in (PAGE, GOV):
        with sent_statements(app) as sent:
            page = client.get(url)
        assert page.status_code == 200
        assert not [s for s in sent if is_write(s)], sent
        assert 'name="viewport"' in page.get_data(as_text=True)
    client.get("/lang/en")
    english = client.get(PAGE).get_data(as_text=True)
    assert "Park people" in english and "Invite a person" in english
    assert "Create the government partner" in client.get(GOV).get_data(as_text=True)


def test_an_invitation_link_welcomes_the_invitee_to_choose_a_first_password(client, park):
    """New-user walk: the invitation's link opened "Choose a new password" and ended with
    "Your password was changed", to a person who never had one; it welcomes them by name,
    organisation and role, and says the password is set. A reset link keeps its words."""
    Auth(client).login(park["admin"].email)
    form = {"name": "李调度", "email": "li@park.example", "role": "plant_operator"}
    assert submit(client, PAGE, form, page=PAGE).status_code == 302
    (mail,) = _mails("li@park.example")
    link = re.search(r"http://lithloop\.test(/reset/\S+)", mail.body).group(1)
    Auth(client).logout()
    page = client.get(link).get_data(as_text=True)
    assert "<h1>设置您的密码</h1>" in page and "设置新密码" not in page
    assert "李调度，欢迎您：您已受邀以工厂操作员身份加入 lithloop 上的 牡丹江产业园" in page
    assert "li@park.example" in page
    assert '<label for="password">密码</label>' in page and "新密码" not in page
    new = {"password": "new-secret-pass-9", "confirm": "new-secret-pass-9"}
    done = submit(client, link, new, follow_redirects=True).get_data(as_text=True)
    assert "密码已设置：请用邮箱 li@park.example 和这个密码登录。" in done
    assert "密码已修改" not in done
    # once accepted, a reset link is a reset again
    assert submit(client, "/reset", {"email": "li@park.example"}).status_code == 302
    mailed = _mails("li@park.example")[-1].body
    reset = client.get(re.search(r"http://lithloop\.test(/reset/\S+)", mailed).group(1))
    assert "<h1>设置新密码</h1>" in reset.get_data(as_text=True)
    assert '<label for="password">新密码</label>' in reset.get_data(as_text=True)


def _invite(client, park, email: str = "li@park.example") -> str:
    """Invite a dispatcher as the park's admin, log out; the mailed link's path."""
    Auth(client).login(park["admin"].email)
    form = {"name": "李调度", "email": email, "role": "dispatcher"}
    assert submit(client, PAGE, form, page=PAGE).status_code == 302
    Auth(client).logout()
    (mail,) = _mails(email)
    return re.search(r"http://lithloop\.test(/reset/\S+)", mail.body).group(1)


def test_an_invitation_link_lives_days_not_the_hour_of_a_reset(client, park, monkeypatch):
    """First-journey walk: an invitation's link lived PASSWORD_RESET_MAX_AGE_S (an hour),
    too short for someone who reads the mail the next day; it lives INVITATION_MAX_AGE_S
    (7 days), says so in the letter, and a reset link keeps its hour."""
    link = _invite(client, park)
    (mail,) = _mails("li@park.example")
    assert "7 天内有效" in mail.body and "分钟" not in mail.body
    start = clock.now()
    freeze_clock(monkeypatch, start + timedelta(hours=2))
    page = client.get(link)
    assert page.status_code == 200 and "设置您的密码" in page.get_data(as_text=True)
    new = {"password": "new-secret-pass-9", "confirm": "new-secret-pass-9"}
    assert submit(client, link, new).status_code == 302
    # a reset link asked for now still expires after its hour
    assert submit(client, "/reset", {"email": "li@park.example"}).status_code == 302
    reset = re.search(r"http://lithloop\.test(/reset/\S+)", _mails("li@park.example")[-1].body)
    freeze_clock(monkeypatch, start + timedelta(hours=4, seconds=1))
    expired = client.get(reset.group(1))
    assert expired.status_code == 400 and "该重置链接已过期" in expired.get_data(as_text=True)


def test_an_expired_invitation_link_says_what_to_do(client, park, monkeypatch):
    link = _invite(client, park)
    freeze_clock(monkeypatch, clock.now() + timedelta(days=7, seconds=1))
    page = client.get(link)
    body = page.get_data(as_text=True)
    assert page.status_code == 400 and "该邀请链接已过期" in body
    assert "联系邀请您的同事重新发送邀请" in body and "忘记密码" in body
    client.get("/lang/en")
    english = client.get(link).get_data(as_text=True)
    assert "Ask the colleague who invited you to send the invitation again" in english


def test_the_invitation_names_the_role_in_lower_case_mid_sentence_in_english(client, park):
    link = _invite(client, park)
    client.get("/lang/en")
    page = client.get(link).get_data(as_text=True)
    assert "on lithloop as dispatcher." in page and "as Dispatcher" not in page
    client.get("/lang/zh")
    assert "以调度员身份加入" in client.get(link).get_data(as_text=True)


def test_the_role_change_letter_names_the_role_in_lower_case_mid_sentence_in_english(client, park):
    """'... to: plant operator.' (it said 'to: Plant operator.'); Chinese unchanged."""
    english = make_user(park["org"], role=Role.DRIVER, email="en@park.example")
    chinese = make_user(park["org"], role=Role.DRIVER, email="zh@park.example")
    english.locale = "en"
    db.session.commit()
    Auth(client).login(park["admin"].email)
    for person in (english, chinese):
        url = f"{PAGE}/{person.id}/role"
        assert submit(client, url, {"role": "plant_operator"}, page=PAGE).status_code == 302
    (en,) = _mails("en@park.example")
    assert "at 牡丹江产业园 to: plant operator.\n" in en.body, en.body
    (zh,) = _mails("zh@park.example")
    assert "工厂操作员" in zh.body


def test_the_approval_letter_names_the_kind_in_lower_case_mid_sentence_in_english(client):
    """'北方电池 (dealer branch) was registered by ...' (it said '(Dealer branch)')."""
    from tests.web.test_auth import confirm, registration

    org = make_org(OrgKind.PARK_OPERATOR)
    english = make_user(org, role=Role.ADMIN, email="admin-en@park.example")
    make_user(org, role=Role.ADMIN, email="admin-zh@park.example")
    english.locale = "en"
    db.session.commit()
    form = registration(kind="dealer_branch", organisation="北方电池")
    assert submit(client, "/register", form).status_code == 302
    assert confirm(client, form["email"]).status_code == 302
    (en,) = _mails("admin-en@park.example")
    assert en.body.startswith("北方电池 (dealer branch) was registered by"), en.body
    (zh,) = _mails("admin-zh@park.example")
    assert zh.body.startswith("北方电池（经销网点）由 "), zh.body
