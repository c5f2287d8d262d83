"""A colleague removed from the people page is told: a short letter in their own language
saying who removed them, the reason when one was typed (kept in the audit entry too) and
that only the park enables the account again; plain words, no internal codes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import current_app

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import AuditEntry, OutboxMessage, User
from lithloop.services.accounts import colleagues
from lithloop.services.errors import Invalid
from tests.factories import make_org, make_user


def _letters(user: User) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.recipient == user.email)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def _disabled_entry(user: User) -> AuditEntry:
    return db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.action == "user.disable", AuditEntry.object_id == str(user.id)
        )
    )


@pytest.fixture
def pair(app):
    """Two members who can log in: `me` removes `colleague`; the park's phone configured."""
    current_app.config["SELLER_PHONE"] = "0453-6123456"  # the test body's app
    org = make_org(name="海林经销店")
    me, colleague = make_user(org), make_user(org, email="zhao@example.com")
    me.name = "王经理"
    db.session.commit()
    return me, colleague


def test_a_removed_colleague_is_mailed_who_removed_them_and_why_in_chinese(pair):
    me, colleague = pair
    colleagues.remove_colleague(me, colleague.id, "  已调往哈尔滨分公司  ")
    (letter,) = _letters(colleague)
    assert letter.subject == "[lithloop] 海林经销店：您已被移除"
    assert "王经理 已在 lithloop 上将您从 海林经销店 移除" in letter.body
    assert "原因：已调往哈尔滨分公司\n" in letter.body
    assert "只有产业园可以重新启用该账户。如有疑问，请致电产业园：0453-6123456。" in letter.body
    assert "colleague" not in letter.body and "user.disable" not in letter.body
    entry = _disabled_entry(colleague)
    assert entry.actor_id == me.id and entry.details["reason"] == "已调往哈尔滨分公司"


def test_in_english_for_one_who_chose_english_and_no_reason_line_without_a_reason(pair):
    me, colleague = pair
    colleague.locale = "en"
    db.session.commit()
    colleagues.remove_colleague(me, colleague.id)
    (letter,) = _letters(colleague)
    assert letter.subject == "[lithloop] 海林经销店: you were removed"
    assert letter.body.startswith("王经理 removed you from 海林经销店 on lithloop: this account")
    assert "Reason" not in letter.body and "\n\n\n" not in letter.body
    assert "Questions: call the park on 0453-6123456." in letter.body
    assert _disabled_entry(colleague).details["reason"] == ""


def test_an_open_invitation_withdrawn_is_said_so(pair):
    me, colleague = pair
    colleague.invited_at = clock.now()
    db.session.commit()
    colleagues.remove_colleague(me, colleague.id, "发错了地址")
    (letter,) = _letters(colleague)
    assert letter.subject == "[lithloop] 海林经销店：您的邀请已被撤回"
    assert "邀请邮件中的链接已失效" in letter.body and "原因：发错了地址" in letter.body


def test_one_who_leaves_is_mailed_that_they_left(pair):
    me, colleague = pair
    colleagues.remove_colleague(me, me.id)
    (letter,) = _letters(me)
    assert letter.subject == "[lithloop] 您已退出 海林经销店"
    assert "只有产业园可以重新启用该账户" in letter.body
    assert _letters(colleague) == []


@pytest.mark.parametrize(
    "reason", ["理" * (colleagues.REASON_MAX + 1), "调\x00走", "\u202e走调", "\u200b\u200b"]
)
def test_a_hostile_reason_is_refused_naming_its_field_and_nothing_happens(pair, reason):
    me, colleague = pair
    with pytest.raises(Invalid) as refused:
        colleagues.remove_colleague(me, colleague.id, reason)
    assert refused.value.field == "reason" and str(refused.value.message)
    db.session.expire_all()
    assert db.session.get(User, colleague.id).enabled
    assert _letters(colleague) == [] and _disabled_entry(colleague) is None


def test_a_reason_of_the_most_characters_is_kept_whole(pair):
    me, colleague = pair
    reason = "理" * colleagues.REASON_MAX
    colleagues.remove_colleague(me, colleague.id, reason)
    assert _disabled_entry(colleague).details["reason"] == reason
    assert reason in _letters(colleague)[0].body
