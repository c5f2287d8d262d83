"""The people page's actions on a colleague, on a dealer's or bus company's page and on a
buyer's company page alike: send an open invitation again (POST, CSRF, a plain message),
remove a colleague after a confirmation page that needs no JavaScript, and the limit on
invitations said beside the e-mail field with nothing sent."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import OrgKind, OutboxMessage, User
from tests.conftest import Auth, api_headers, submit
from tests.factories import make_org, make_user
from tests.sent_sql import is_write, sent_statements

#: (organisation kind, its people page, the prefix of its colleague actions)
PAGES = [
    (OrgKind.DEALER_BRANCH, "/organisation", "/organisation/colleagues"),
    (OrgKind.BUS_COMPANY, "/organisation", "/organisation/colleagues"),
    (OrgKind.BUYER, "/market/company", "/market/company/colleagues"),
]


def _mails(email: str) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage.body)
            .where(OutboxMessage.recipient == email)
            .order_by(OutboxMessage.id)
        )
    )


def _enabled(user: User) -> bool:
    """Whether the account is enabled, as the database says now (not as this session saw it)."""
    db.session.expire_all()
    return db.session.get(User, user.id).enabled


def _link(body: str) -> str:
    return re.search(r"http://lithloop\.test(/reset/\S+)", body).group(1)


def _invited(org, email="wang@example.com") -> User:
    """A colleague invited through the page's own form."""
    return db.session.scalar(sa.select(User).where(User.email == email))


@pytest.fixture(params=PAGES, ids=[kind.value for kind, _p, _a in PAGES])
def people(request, client):
    """A member logged in on their people page, with a colleague they invited."""
    kind, page, actions = request.param
    me = make_user(make_org(kind))
    Auth(client).login(me.email)
    done = submit(client, actions, {"name": "王师傅", "email": "wang@example.com"}, page=page)
    assert done.status_code == 302
    return me, page, actions, _invited(me.organisation)


def test_an_open_invitation_is_sent_again_with_a_new_link_the_old_one_stops(client, people):
    me, page, actions, colleague = people
    html = client.get(page).get_data(as_text=True)
    assert f'action="{actions}/{colleague.id}/invitation"' in html and "重新发送邀请" in html
    assert f'action="{actions}/{me.id}/invitation"' not in html  # logged in: nothing open
    done = submit(client, f"{actions}/{colleague.id}/invitation", {}, page=page)
    assert done.status_code == 302 and done.headers["Location"].endswith("#people")
    said = unescape(client.get(page).get_data(as_text=True))
    assert "已向 wang@example.com 重新发送邀请。之前邮件中的链接已失效。" in said
    old, new = (_link(body) for body in _mails(colleague.email))
    Auth(client).logout()
    stale = client.get(old)
    assert stale.status_code == 400 and "已被新的链接取代" in stale.get_data(as_text=True)
    chosen = {"password": "new-secret-pass-9", "confirm": "new-secret-pass-9"}
    assert submit(client, new, chosen).status_code == 302
    assert Auth(client).login(colleague.email, "new-secret-pass-9").status_code == 302
    html = client.get(page).get_data(as_text=True)  # accepted: active, nothing to send
    assert f'{actions}/{colleague.id}/invitation"' not in html


def test_sending_again_needs_the_csrf_token_and_a_post(client, people):
    _me, _page, actions, colleague = people
    assert client.post(f"{actions}/{colleague.id}/invitation").status_code == 400
    assert client.get(f"{actions}/{colleague.id}/invitation").status_code == 405
    assert len(_mails(colleague.email)) == 1


def test_an_accepted_invitation_is_not_sent_again_said_beside_the_row(client, people):
    _me, page, actions, colleague = people
    colleague.invited_at = None  # as if accepted since the page was opened
    db.session.commit()
    refused = submit(client, f"{actions}/{colleague.id}/invitation", {}, page=page)
    assert refused.status_code == 409
    assert "没有待接受的邀请" in unescape(refused.get_data(as_text=True))
    assert len(_mails(colleague.email)) == 1


def test_the_limit_is_said_beside_the_e_mail_field_and_nothing_is_sent(app, client, people):
    _me, page, actions, colleague = people
    app.config.update(INVITES_PER_HOUR=2)  # the served app's (the page's) setting
    assert submit(client, f"{actions}/{colleague.id}/invitation", {}, page=page).status_code == 302
    typed = {"name": "李师傅", "email": "li@example.com"}
    refused = submit(client, actions, typed, page=page)
    html = unescape(refused.get_data(as_text=True))
    assert refused.status_code == 429
    said = re.search(r'<p class="error" id="col-email-err">([^<]+)</p>', html)
    assert said and "过去 1 小时内已发送 2 份邀请" in said.group(1), html
    assert 'value="李师傅"' in html and 'value="li@example.com"' in html  # the form kept
    assert _mails("li@example.com") == [] and _invited(None, "li@example.com") is None
    again = submit(client, f"{actions}/{colleague.id}/invitation", {}, page=page)
    assert again.status_code == 429 and len(_mails(colleague.email)) == 2
    client.get("/lang/en")
    english = unescape(submit(client, actions, typed, page=page).get_data(as_text=True))
    assert "sent 2 invitations in the last hour, the most allowed" in english


def test_a_colleague_is_removed_after_a_confirmation_page(app, client, people):
    me, page, actions, _invited_one = people
    colleague = make_user(me.organisation, email="zhao@example.com")
    headers = api_headers(client, colleague)
    assert client.get("/api/v1/calendar", headers=headers).status_code == 200
    html = client.get(page).get_data(as_text=True)
    assert f'href="{actions}/{colleague.id}/remove"' in html
    with sent_statements(app) as sent:
        confirm = client.get(f"{actions}/{colleague.id}/remove")
    assert confirm.status_code == 200 and not [s for s in sent if is_write(s)]
    text = unescape(confirm.get_data(as_text=True))
    assert "移除 测试用户？" in text and "zhao@example.com" in text and "产业园" in text
    assert f'<form method="post" action="{actions}/{colleague.id}/remove"' in text
    assert _enabled(colleague)  # asked, not done
    done = submit(client, f"{actions}/{colleague.id}/remove", {}, page=page)
    assert done.status_code == 302 and done.headers["Location"].endswith("#people")
    said = unescape(client.get(page).get_data(as_text=True))
    assert "已移除 zhao@example.com：该账户已无法登录" in said
    assert not _enabled(colleague)
    assert client.get("/api/v1/calendar", headers=headers).status_code == 401
    other = app.test_client()
    assert Auth(other).login(colleague.email).status_code != 302


def test_the_removal_s_reason_is_typed_on_the_confirmation_page_and_mailed(client, people):
    me, page, actions, _invited_one = people
    colleague = make_user(me.organisation, email="zhao@example.com")
    html = client.get(f"{actions}/{colleague.id}/remove").get_data(as_text=True)
    assert '<textarea id="reason" name="reason" maxlength="300"' in html
    assert "原因（选填，会告知对方）" in html
    too_long = submit(client, f"{actions}/{colleague.id}/remove", {"reason": "理" * 301}, page=page)
    html = unescape(too_long.get_data(as_text=True))
    assert too_long.status_code == 422 and _enabled(colleague)
    assert 'aria-invalid="true"' in html and "最多" in html and "理" * 301 in html  # kept
    assert f'<form method="post" action="{actions}/{colleague.id}/remove"' in html
    done = submit(client, f"{actions}/{colleague.id}/remove", {"reason": "已调走"}, page=page)
    assert done.status_code == 302 and not _enabled(colleague)
    (letter,) = _mails(colleague.email)
    assert "原因：已调走" in letter
    make_user(me.organisation)  # another who can log in: leaving is asked, with no reason
    leaving = client.get(f"{actions}/{me.id}/remove").get_data(as_text=True)
    assert 'name="reason"' not in leaving


def test_removing_needs_the_csrf_token(client, people):
    me, _page, actions, _colleague = people
    colleague = make_user(me.organisation)
    assert client.post(f"{actions}/{colleague.id}/remove").status_code == 400
    assert _enabled(colleague)


def test_another_organisation_s_member_is_not_found(client, people):
    me, page, actions, _colleague = people
    stranger = make_user(make_org(me.organisation.kind))
    make_user(stranger.organisation)
    stranger.invited_at = clock.now()
    db.session.commit()
    assert client.get(f"{actions}/{stranger.id}/remove").status_code == 404
    assert submit(client, f"{actions}/{stranger.id}/remove", {}, page=page).status_code == 404
    assert submit(client, f"{actions}/{stranger.id}/invitation", {}, page=page).status_code == 404
    assert _enabled(stranger) and _mails(stranger.email) == []


def test_the_last_member_who_can_log_in_cannot_leave_and_is_told_why(client, people):
    me, page, actions, _colleague = people  # the colleague has not accepted yet
    asked = client.get(f"{actions}/{me.id}/remove")
    html = unescape(asked.get_data(as_text=True))
    assert asked.status_code == 200 and "您是本机构最后一位可以登录的成员" in html
    assert f'action="{actions}/{me.id}/remove"' not in html  # nothing to confirm
    refused = submit(client, f"{actions}/{me.id}/remove", {}, page=page)
    assert refused.status_code == 409
    assert "您是本机构最后一位可以登录的成员" in unescape(refused.get_data(as_text=True))
    assert _enabled(me)


def test_the_people_page_says_why_the_last_member_cannot_leave_instead_of_a_link(client, people):
    """No link to a confirmation page that could only refuse: the reason is in one's row."""
    me, page, actions, _colleague = people  # the colleague has not accepted yet
    html = unescape(client.get(page).get_data(as_text=True))
    row = re.search(rf'<li id="person-{me.id}">(.*?)</li>', html, re.S).group(1)
    assert f'href="{actions}/{me.id}/remove"' not in row and "退出本机构" not in row
    assert "您是本机构最后一位可以登录的成员" in row
    make_user(me.organisation)  # another who can log in: leaving is offered again
    html = unescape(client.get(page).get_data(as_text=True))
    row = re.search(rf'<li id="person-{me.id}">(.*?)</li>', html, re.S).group(1)
    assert f'href="{actions}/{me.id}/remove"' in row and "退出本机构" in row
    assert "最后一位" not in row


def test_a_member_who_leaves_is_logged_out(client, people):
    me, page, actions, _colleague = people
    make_user(me.organisation)  # another who can log in
    confirm = unescape(client.get(f"{actions}/{me.id}/remove").get_data(as_text=True))
    assert "退出 " in confirm and "退出本机构" in confirm
    done = submit(client, f"{actions}/{me.id}/remove", {}, page=page)
    assert done.status_code == 302 and "/login" in done.headers["Location"]
    assert client.get(page).status_code == 302  # logged out
    assert Auth(client).login(me.email).status_code != 302
