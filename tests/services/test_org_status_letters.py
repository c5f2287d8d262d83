"""Suspending or reactivating an organisation mails its enabled users through the outbox,
each in their own language, with the reason the admin typed and the park's phone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import current_app

from lithloop.extensions import db
from lithloop.models import OrgKind, OutboxMessage, Role
from lithloop.public_urls import base_url
from lithloop.services.accounts import org_admin
from lithloop.services.errors import Invalid
from tests.factories import make_org, make_user
from tests.plain_language import untranslated

PHONE = "0453-6100119"


def _world():
    admin = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.ADMIN)
    org = make_org(name="东宁公交公司")
    chinese, english, disabled = make_user(org), make_user(org), make_user(org)
    english.locale, disabled.enabled = "en", False
    db.session.commit()
    return admin, org, chinese, english, disabled


def _mail() -> dict[str, OutboxMessage]:
    return {m.recipient: m for m in db.session.scalars(sa.select(OutboxMessage))}


def test_a_suspension_is_mailed_to_each_enabled_user_in_their_language(app):
    current_app.config["SELLER_PHONE"] = PHONE
    admin, org, chinese, english, disabled = _world()
    org_admin.set_suspended(admin, org.id, suspend=True, reason="合同到期未续")
    mail = _mail()
    assert set(mail) == {chinese.email, english.email}  # not the disabled user
    zh, en = mail[chinese.email], mail[english.email]
    assert zh.subject == "[lithloop] 东宁公交公司：已被产业园暂停"
    assert zh.body.startswith("您的机构 东宁公交公司 已被产业园暂停。\n原因：合同到期未续\n\n")
    assert "尚未付款的订单已取消；已付款的订单不取消。" in zh.body
    assert zh.body.endswith(f"如有疑问，请致电产业园：{PHONE}。\n")
    assert untranslated(zh.subject + "\n" + zh.body) == [], zh.body
    assert en.subject == "[lithloop] 东宁公交公司: suspended by the park"
    assert en.body.startswith(
        "Your organisation 东宁公交公司 has been suspended by the park.\nReason: 合同到期未续\n"
    )
    assert en.body.endswith(f"Questions: call the park on {PHONE}.\n")


def test_a_reactivation_is_mailed_with_the_login_link(app):
    current_app.config["SELLER_PHONE"] = PHONE
    admin, org, chinese, english, _ = _world()
    org_admin.set_suspended(admin, org.id, suspend=True, reason="核查")
    db.session.execute(sa.delete(OutboxMessage))
    db.session.commit()
    org_admin.set_suspended(admin, org.id, suspend=False, reason="核查完毕，恢复使用")
    mail = _mail()
    assert set(mail) == {chinese.email, english.email}
    zh, en = mail[chinese.email], mail[english.email]
    assert zh.subject == "[lithloop] 东宁公交公司：已被产业园恢复"
    assert "原因：核查完毕，恢复使用\n" in zh.body
    assert f"登录：{base_url(app)}/login\n" in zh.body and PHONE in zh.body
    assert untranslated(zh.subject + "\n" + zh.body) == [], zh.body
    assert en.subject == "[lithloop] 东宁公交公司: reactivated by the park"
    assert "Reason: 核查完毕，恢复使用\n" in en.body and "Log in: " in en.body


def test_without_a_configured_phone_the_letter_says_to_contact_the_park(app):
    current_app.config["SELLER_PHONE"] = ""
    admin, org, chinese, _, _ = _world()
    org_admin.set_suspended(admin, org.id, suspend=True, reason="欠款")
    assert _mail()[chinese.email].body.endswith("如有疑问，请联系产业园。\n")


def test_a_refused_suspension_mails_nobody(app):
    admin, org, *_ = _world()
    with pytest.raises(Invalid):
        org_admin.set_suspended(admin, org.id, suspend=True, reason="  ")
    db.session.rollback()
    assert _mail() == {}


def test_in_the_demo_the_letter_gives_the_phone_the_park_saved(app, demo):
    """SELLER_PHONE unset (as in the demo): the phone on the park's saved company details,
    the one its invoices show (the letters said only 'contact the park')."""
    from lithloop.demo import DEMO_USERS
    from lithloop.demo.seed import DEMO_SELLER
    from lithloop.models import Organisation, User

    current_app.config["SELLER_PHONE"] = ""
    admin = db.session.scalar(sa.select(User).where(User.email == DEMO_USERS[Role.ADMIN][0]))
    org = db.session.scalar(
        sa.select(Organisation).where(Organisation.kind == OrgKind.DEALER_BRANCH).limit(1)
    )
    org_admin.set_suspended(admin, org.id, suspend=True, reason="演示")
    letter = next(m for m in _mail().values() if m.body.startswith(f"您的机构 {org.name}"))
    assert letter.body.endswith(f"如有疑问，请致电产业园：{DEMO_SELLER['phone']}。\n")


def test_the_setting_wins_over_the_phone_the_park_saved(app):
    from lithloop.models import InvoiceDetails

    current_app.config["SELLER_PHONE"] = PHONE
    admin, org, chinese, _, _ = _world()
    details = InvoiceDetails(
        organisation=admin.organisation, company_name="园区", taxpayer_id="", phone="0453-1"
    )
    db.session.add(details)
    db.session.commit()
    org_admin.set_suspended(admin, org.id, suspend=True, reason="欠款")
    assert _mail()[chinese.email].body.endswith(f"如有疑问，请致电产业园：{PHONE}。\n")
