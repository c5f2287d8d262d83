"""Logging in, registering, approval, password reset, CSRF and the login rate limit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Organisation, OrgKind, OrgStatus, OutboxMessage, Role, User
from lithloop.services.accounts import approvals
from tests.conftest import csrf_token, freeze_clock, submit
from tests.factories import PASSWORD, make_org, make_user


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_login_and_logout(client, auth):
    user = make_user(make_org())
    response = auth.login(user.email, PASSWORD)
    assert response.status_code == 302 and response.location.endswith("/")
    assert client.get("/").status_code == 200
    auth.logout()
    assert client.get("/").status_code == 302  # back to the login page


def test_wrong_password_says_so(client, auth):
    user = make_user(make_org())
    response = auth.login(user.email, "not-the-password")
    assert response.status_code == 401
    assert "邮箱或密码错误" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("backend", ["sqlite"])  # refused before any account is read
def test_a_malformed_address_is_refused_beside_the_field_and_counts_no_failure(client, auth):
    user = make_user(make_org())
    typo = user.email.replace("@", " @")  # a space typed on a phone
    response = auth.login(typo, PASSWORD)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'aria-invalid="true"' in page
    assert "邮箱或密码错误" not in page and typo in page  # kept as typed, to correct
    assert auth.login("nobody@example.com", PASSWORD).status_code == 401  # well formed
    api = client.post("/api/v1/auth/token", json={"email": "not-an-address", "password": "x"})
    assert api.status_code == 422 and api.get_json()["field"] == "email", api.get_json()
    assert auth.login(user.email, PASSWORD).status_code == 302


def test_login_form_without_csrf_token_is_refused(client):
    user = make_user(make_org())
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in


def test_an_address_too_long_to_log_in_with_is_told_too_long(client):
    """A 500-character address was told it "contains a character (such as a space)"."""
    response = submit(client, "/login", {"email": "x" * 500 + "@a.cn", "password": PASSWORD})
    body = response.get_data(as_text=True)
    assert "\u8fc7\u957f" in body and "\u4f8b\u5982\u7a7a\u683c" not in body  # 过长, 例如空格


def test_login_is_rate_limited(client, auth):
    user = make_user(make_org())
    statuses = [auth.login(user.email, "wrong-password-x").status_code for _ in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    # even the right password is refused while the limit holds
    assert auth.login(user.email, PASSWORD).status_code == 429


def test_a_protected_page_sends_to_login_with_a_message_in_the_readers_language(client):
    response = client.get("/account", follow_redirects=True)
    assert response.request.path == "/login"
    assert flashed(response) == ["请登录后再打开此页面。"]
    client.set_cookie("lang", "en", domain="lithloop.test")
    response = client.get("/account", follow_redirects=True)
    assert flashed(response) == ["Please log in to open this page."]


def flashed(response) -> list[str]:
    return re.findall(
        r'<p class="flash [a-z]+" role="status">([^<]*)</p>', response.get_data(as_text=True)
    )


def registration(**overrides) -> dict:
    data = {
        "kind": "buyer",
        "organisation": "北方储能科技",
        "city": "哈尔滨",
        "phone": "",
        "name": "李明",
        "email": "li.ming@example.com",
        "password": "storage-batteries-9",
        "confirm": "storage-batteries-9",
    }
    data.update(overrides)
    return data


def confirm_link(recipient: str) -> str:
    """The confirmation link of the latest registration mailed to this address."""
    message = db.session.scalar(
        sa.select(OutboxMessage)
        .where(OutboxMessage.recipient == recipient)
        .order_by(OutboxMessage.id.desc())
    )
    return re.search(r"http://lithloop\.test(/register/confirm/\S+)", message.body).group(1)


def confirm(client, recipient: str):
    """Open the mailed link and confirm with the password chosen on the form."""
    return submit(client, confirm_link(recipient), {"password": registration()["password"]})


def test_buyer_registration_is_active_once_the_email_is_confirmed(client):
    response = submit(client, "/register", registration())
    assert response.status_code == 302 and response.location.endswith("/login")
    assert count(User) == 0 and count(Organisation) == 0  # nothing until the address is proven
    assert client.get("/").status_code == 302  # not logged in
    confirmed = confirm(client, "li.ming@example.com")
    assert confirmed.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "li.ming@example.com"))
    assert user.role is Role.BUYER and user.organisation.status is OrgStatus.ACTIVE
    assert user.password_hash.startswith("scrypt:")
    home = client.get("/")  # logged in: a buyer's home is the catalog
    assert home.status_code == 302 and home.headers["Location"].endswith("/market/")


def test_dealer_registration_waits_for_approval(client, auth):
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    response = submit(
        client, "/register", registration(kind="dealer_branch", organisation="宁安比亚迪服务站")
    )
    assert response.status_code == 302
    told = sa.select(OutboxMessage).where(OutboxMessage.recipient == admin.email)
    assert db.session.scalar(told) is None  # admins never review an unconfirmed address
    assert confirm(client, "li.ming@example.com").status_code == 302
    assert auth.login("li.ming@example.com", "storage-batteries-9").status_code == 401
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == "宁安比亚迪服务站"))
    assert org.status is OrgStatus.PENDING and org.users[0].role is Role.DEALER_STAFF
    # the admin was told, and approves
    assert db.session.scalar(told) is not None
    assert auth.login(admin.email, PASSWORD).status_code == 302
    assert "宁安比亚迪服务站" in client.get("/admin/approvals").get_data(as_text=True)
    decided = submit(
        client, f"/admin/approvals/{org.id}", {"decision": "approve"}, page="/admin/approvals"
    )
    assert decided.status_code == 302
    auth.logout()
    assert auth.login("li.ming@example.com", "storage-batteries-9").status_code == 302
    assert client.get("/").status_code == 200


def test_an_approval_pressed_twice_lands_on_the_list_saying_it_is_decided(client, auth):
    """walk: a double-tapped "通过" (or a reject from a page left open) answered with a bare
    409 error page, as if the approval had failed; it had gone through."""
    auth.login(make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN).email)
    org = make_org(name="待批经销网点", kind=OrgKind.DEALER_BRANCH, status=OrgStatus.PENDING)
    url = f"/admin/approvals/{org.id}"
    for decision in ("approve", "approve", "reject"):
        answer = submit(client, url, {"decision": decision}, page="/admin/approvals")
        assert answer.status_code == 302 and answer.location.endswith("/admin/approvals")
    page = client.get("/admin/approvals").get_data(as_text=True)
    assert "该机构已经审核过了。" in page and "待批经销网点" not in page
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).status is OrgStatus.ACTIVE


def test_the_language_of_the_registration_page_is_kept_for_letters(client, auth):
    """Someone who registers on the English pages is written to in English, and on the
    Chinese pages in Chinese."""
    make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    client.set_cookie("lang", "en", domain="lithloop.test")
    english = registration(kind="dealer_branch", organisation="Ning'an Service")
    assert submit(client, "/register", english).status_code == 302
    assert confirm(client, "li.ming@example.com").status_code == 302
    client.delete_cookie("lang", domain="lithloop.test")
    chinese = registration(
        kind="dealer_branch", organisation="宁安比亚迪服务站", email="wang.fang@example.com"
    )
    assert submit(client, "/register", chinese).status_code == 302
    assert confirm(client, "wang.fang@example.com").status_code == 302
    for email in ("li.ming@example.com", "wang.fang@example.com"):
        user = db.session.scalar(sa.select(User).where(User.email == email))
        approvals.decide_organisation(user.organisation_id, approve=True)
    letters = [
        (m.recipient, m.subject)
        for m in db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.recipient.like("%.%@example.com"))
            .order_by(OutboxMessage.id)
        )
    ]
    assert letters == [
        ("li.ming@example.com", "[lithloop] Confirm your e-mail to finish registering"),
        ("wang.fang@example.com", "[lithloop] 确认邮箱以完成注册"),
        ("li.ming@example.com", "[lithloop] Ning'an Service: approved"),
        ("wang.fang@example.com", "[lithloop] 宁安比亚迪服务站：已通过审核"),
    ]


def test_a_waiting_organisation_is_named_by_its_kind_not_its_group(client, auth):
    """One bus company reads "Bus company" (公交公司), never the group "Bus companies"."""
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    make_org(OrgKind.BUS_COMPANY, status=OrgStatus.PENDING, name="绥芬河公交")
    auth.login(admin.email, PASSWORD)
    client.set_cookie("lang", "en", domain="lithloop.test")
    body = client.get("/admin/approvals").get_data(as_text=True)
    assert "<p>Bus company ·" in body and "Bus companies" not in body


def test_only_admins_may_approve(client, auth):
    dealer = make_user(make_org())
    pending = make_org(status=OrgStatus.PENDING)
    auth.login(dealer.email, PASSWORD)
    assert client.get("/admin/approvals").status_code == 403
    response = submit(client, f"/admin/approvals/{pending.id}", {"decision": "approve"}, page="/")
    assert response.status_code == 403
    db.session.refresh(pending)
    assert pending.status is OrgStatus.PENDING


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"email": "not-an-email"}, "请输入有效的电子邮箱地址：缺少 @ 符号。"),
        ({"email": "li@ming"}, "@ 后面应是域名"),
        ({"email": "li ming@example.com"}, "例如空格"),
        # too long was told as "a character such as a space" (email_validator's "too long
        # (N characters too many)" read as a bad character)
        ({"email": "li@" + "y" * 70 + ".cn"}, "过长"),  # a domain label over 63
        ({"password": "short1", "confirm": "short1"}, "密码至少需要 10 个字符"),
        ({"password": "1234567890123", "confirm": "1234567890123"}, "请同时使用字母和数字"),
        ({"confirm": "something-else-1"}, "两次输入的密码不一致"),
        ({"organisation": ""}, "必填"),
        # walk finding: the type started on "buyer", so a dealer who missed it became one
        ({"kind": ""}, "请选择机构类型：买家、经销网点或公交公司。"),
        ({"phone": "abc"}, "请输入电话号码：7 至 15 位数字"),
        # trace walk: a right-to-left override made the name read backwards for the admin
        # approving it ("交公西鸡") and on every page after
        ({"organisation": "\u202e鸡西公交\u202c"}, "文字方向控制字符"),
        ({"name": "\u2067李\u2069"}, "文字方向控制字符"),
        # dealer walk: an ESC or BEL in a name was registered, invisible on the page and
        # kept in the approval letter and on certificates
        ({"organisation": "鸡西\x1b公交"}, "控制字符"),
        ({"name": "李\x07明"}, "控制字符"),
        # new user's walk: a city of emoji alone was taken as the organisation's city
        ({"city": "🏙️🌃"}, "请用文字填写城市名称，例如“牡丹江”。"),
        ({"city": "★ ★"}, "请用文字填写城市名称"),
    ],
)
def test_bad_registration_is_explained_and_writes_nothing(client, overrides, field_message):
    before = (count(Organisation), count(User))
    response = submit(client, "/register", registration(**overrides))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert field_message in body
    assert "@-sign" not in body and "SPACE" not in body  # email_validator's English
    assert 'class="error"' in body
    assert (count(Organisation), count(User)) == before


@pytest.mark.parametrize("kind", ["dealer_branch", "bus_company"])
def test_every_bad_registration_field_is_flagged_in_one_round(client, kind):
    """An empty name does not hide a bad e-mail, a short password or a taken organisation."""
    make_org(name="牡丹江公交集团")
    before = (count(Organisation), count(User))
    data = registration(
        kind=kind,
        organisation="牡丹江公交集团",
        name="",
        email="bad",
        phone="abc",
        password="short1",
        confirm="short2",
    )
    response = submit(client, "/register", data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    for field in ("organisation", "name", "email", "phone", "password", "confirm"):
        assert f'id="{field}-err"' in body, field
    assert "缺少 @ 符号" in body and "密码至少需要 10 个字符" in body
    assert "该名称的机构已注册。" in body
    # walk finding: a branch's second staff member was told only that the name was taken
    said = re.search(r'id="organisation-err">([^<]+)<', body).group(1)
    assert "请让已有账户的同事在其机构页面邀请您加入" in said, said
    assert 'value="bad"' in body and 'value="牡丹江公交集团"' in body  # kept as typed
    assert "short1" not in body and "short2" not in body  # passwords never come back
    assert (count(Organisation), count(User)) == before


def test_registration_answers_the_same_for_a_new_and_a_registered_email(client):
    """Account enumeration: the answer was "this e-mail already has an account". Now the
    page says the same for both; the letter, read only by the address, tells which."""
    owner = make_user(make_org(), email="li.ming@example.com")
    before = (count(Organisation), count(User))
    answers = []
    for email in ("li.ming@example.com", "wang.fang@example.com"):
        response = submit(client, "/register", registration(organisation="另一家公司", email=email))
        shown = flashed(client.get(response.location)) if response.location else []
        said = [text.replace(email, "EMAIL") for text in shown]
        answers.append((response.status_code, response.location, said))
    assert answers[0] == answers[1], answers
    assert answers[0][:2] == (302, "/login") and "我们已向 EMAIL 发送邮件" in answers[0][2][0]
    assert (count(Organisation), count(User)) == before  # nothing made for either
    letter = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == owner.email)
    )
    assert letter.subject == "[lithloop] 有人尝试用您的邮箱注册"
    assert "http://lithloop.test/reset" in letter.body and "/register/confirm/" not in letter.body
    assert "另一家公司" not in letter.body  # a stranger's words never reach the owner
    assert confirm_link("wang.fang@example.com").startswith("/register/confirm/")


def test_registering_again_while_waiting_for_approval_is_told_to_wait_not_to_log_in(client):
    """New-user walk: a dealer whose registration the park had not yet approved registered
    again, and was mailed "log in" and "choose a new password"; the login page then refused
    them as waiting. The letter says their organisation is being reviewed and what comes next
    (the page answers as for anyone: nothing tells a stranger the address is known)."""
    org = make_org(OrgKind.DEALER_BRANCH, name="绥芬河经销网点", status=OrgStatus.PENDING)
    owner = make_user(org, email="li.ming@example.com", role=Role.DEALER_STAFF)
    db.session.commit()
    response = submit(client, "/register", registration(kind="dealer_branch"))
    assert (response.status_code, response.location) == (302, "/login")
    letter = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == owner.email)
    )
    assert letter.subject == "[lithloop] 有人尝试用您的邮箱注册"
    assert "属于 绥芬河经销网点，产业园仍在审核该机构" in letter.body
    assert "审核通过后即可登录" in letter.body
    assert "/login" not in letter.body and "/reset" not in letter.body
    assert "北方储能科技" not in letter.body  # a stranger's words never reach the owner
    assert count(Organisation) == 1 and count(User) == 1


@pytest.mark.parametrize(
    ("lang", "words"), [("zh_CN", "已有账户？"), ("en", "Already have an account?")]
)
def test_the_registration_page_leads_to_the_login_for_someone_with_an_account(client, lang, words):
    """New-user walk: the registration page's header has no menu, and the page offered no
    way to the login for a person who has an account (the login page links to registering)."""
    client.get(f"/lang/{lang}")
    page = client.get("/register").get_data(as_text=True)
    assert re.search(rf'<p id="have-account">{re.escape(words)} <a href="/login">', page), page


def test_a_confirmation_link_works_once(client):
    submit(client, "/register", registration())
    link = confirm_link("li.ming@example.com")
    wrong = submit(client, link, {"password": "someone-elses-pass-1"})
    assert wrong.status_code == 422 and "这不是您注册时设置的密码" in wrong.get_data(as_text=True)
    assert count(User) == 0  # a link mailed to someone who did not register makes nothing
    assert submit(client, link, {"password": "storage-batteries-9"}).status_code == 302
    assert count(User) == 1
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    again = client.get(link)
    assert again.status_code == 400 and "此确认链接已使用过" in again.get_data(as_text=True)
    assert count(User) == 1 and count(Organisation) == 1


def test_an_expired_confirmation_link_is_refused(client, monkeypatch):
    submit(client, "/register", registration())
    link = confirm_link("li.ming@example.com")
    freeze_clock(monkeypatch, clock.now() + timedelta(hours=24, seconds=1))
    response = client.get(link)
    assert response.status_code == 400 and "此确认链接已过期" in response.get_data(as_text=True)
    assert count(User) == 0


def test_a_forged_confirmation_link_is_refused_and_makes_nothing(client):
    submit(client, "/register", registration())
    link = confirm_link("li.ming@example.com")
    forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    response = client.get(forged)
    assert response.status_code == 400 and "此确认链接无效" in response.get_data(as_text=True)
    posted = submit(client, forged, {"password": "storage-batteries-9"}, page=link)
    assert posted.status_code == 400 and count(User) == 0


def test_a_name_taken_before_the_confirmation_is_refused_with_what_to_do(client):
    submit(client, "/register", registration(email="wang.fang@example.com"))
    submit(client, "/register", registration())  # the same name, not taken yet
    assert confirm(client, "wang.fang@example.com").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    late = confirm(client, "li.ming@example.com")
    assert late.status_code == 409 and "请换一个名称重新注册" in late.get_data(as_text=True)
    assert count(User) == 1


def test_a_registration_without_its_form_token_learns_nothing_of_other_accounts(client):
    """A bare POST (no form token) is refused without telling whether an e-mail or a name is
    registered already: only a request from the page itself may learn that."""
    make_user(make_org(name="牡丹江公交集团"), email="li.ming@example.com")
    response = client.post("/register", data=registration(organisation="牡丹江公交集团"))
    assert response.status_code in (400, 422)
    body = response.get_data(as_text=True)
    assert "该邮箱已注册账户" not in body and "该名称的机构已注册" not in body


def reset_link(recipient: str) -> str:
    message = db.session.scalar(
        sa.select(OutboxMessage)
        .where(OutboxMessage.recipient == recipient)
        .order_by(OutboxMessage.id.desc())
    )
    return re.search(r"http://lithloop\.test(/reset/\S+)", message.body).group(1)


def test_password_reset_through_the_outbox(client, auth):
    user = make_user(make_org())
    assert submit(client, "/reset", {"email": user.email}).status_code == 302
    link = reset_link(user.email)
    response = submit(client, link, {"password": "brand-new-pass-7", "confirm": "brand-new-pass-7"})
    assert response.status_code == 302
    assert auth.login(user.email, PASSWORD).status_code == 401
    assert auth.login(user.email, "brand-new-pass-7").status_code == 302
    # the same link cannot be used twice
    reused = client.get(link)
    assert reused.status_code == 400 and "已使用过" in reused.get_data(as_text=True)


def test_reset_for_unknown_address_reveals_nothing(client):
    response = submit(client, "/reset", {"email": "nobody@example.com"}, follow_redirects=True)
    assert "如果该邮箱有账户" in response.get_data(as_text=True)
    assert count(OutboxMessage) == 0


def test_a_disabled_account_is_mailed_no_reset_link_and_the_page_says_the_same(client):
    """As for an address with no account: the page tells nothing, and a link to a password
    that cannot log in would only mislead (only the park enables the account again)."""
    user = make_user(make_org())
    user.enabled = False
    db.session.commit()
    response = submit(client, "/reset", {"email": user.email}, follow_redirects=True)
    assert "如果该邮箱有账户" in response.get_data(as_text=True)
    assert count(OutboxMessage) == 0


def test_a_link_mailed_before_the_account_was_disabled_changes_nothing(client, auth):
    user = make_user(make_org())
    submit(client, "/reset", {"email": user.email})
    link = reset_link(user.email)
    user.enabled = False
    db.session.commit()
    opened = client.get(link)
    assert opened.status_code == 400 and "该账户已停用" in opened.get_data(as_text=True)
    old_hash = user.password_hash
    chosen = {"password": "brand-new-pass-7", "confirm": "brand-new-pass-7"}
    assert submit(client, link, chosen, page="/reset").status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash


@pytest.mark.parametrize("backend", ["sqlite"])  # refused before the database: one backend
def test_a_refused_reset_form_is_a_422_with_the_error_beside_the_field(client):
    bad = submit(client, "/reset", {"email": "not-an-address"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    user = make_user(make_org())
    submit(client, "/reset", {"email": user.email})
    link = reset_link(user.email)
    short = submit(client, link, {"password": "short", "confirm": "other"})
    assert short.status_code == 422 and 'aria-invalid="true"' in short.get_data(as_text=True)
    assert count(OutboxMessage) == 1


def test_expired_reset_link_is_refused(client, monkeypatch):
    user = make_user(make_org())
    submit(client, "/reset", {"email": user.email})
    link = reset_link(user.email)
    later = clock.now() + timedelta(seconds=3601)
    freeze_clock(monkeypatch, later)
    response = client.get(link)
    assert response.status_code == 400 and "已过期" in response.get_data(as_text=True)


def test_tampered_reset_link_is_refused(client):
    user = make_user(make_org())
    submit(client, "/reset", {"email": user.email})
    link = reset_link(user.email)
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    response = client.get(tampered)
    assert response.status_code == 400 and "无效" in response.get_data(as_text=True)
    old_hash = user.password_hash
    submit(
        client, tampered, {"password": "brand-new-pass-7", "confirm": "brand-new-pass-7"}, page=link
    )
    db.session.refresh(user)
    assert user.password_hash == old_hash


def test_the_registration_page_chooses_no_type_unless_a_link_does(client):
    """A new dealer has to choose the type (it read "buyer" before anything was chosen); a
    link may choose it (?kind=dealer_branch), and a made-up kind chooses nothing."""
    selected = re.compile(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected')

    def chosen(url: str) -> list[str]:
        body = client.get(url).get_data(as_text=True)
        return ["".join(found) for found in selected.findall(body)]

    assert chosen("/register") in ([], [""])
    assert chosen("/register?kind=dealer_branch") == ["dealer_branch"]
    assert chosen("/register?kind=admin") in ([], [""])
