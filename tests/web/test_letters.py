"""E-mails are written in the recipient's language, their subjects carry the record's number,
and their links are absolute on the public origin."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import Booking, BookingStatus, OrgKind, OutboxMessage, Role
from lithloop.public_urls import base_url
from lithloop.services.booking import bookings as booking_service
from tests import worlds
from tests.conftest import api_headers
from tests.factories import make_org, make_user
from tests.plain_language import chinese_on_english, untranslated
from tests.web.test_bookings import body

booking_world = worlds.dealer_at_site  # the fixture


def mails_to(email: str) -> list[OutboxMessage]:
    """The outbox messages to an address, oldest first."""
    query = sa.select(OutboxMessage).where(OutboxMessage.recipient == email)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def test_the_checker_finds_what_the_issue_found():
    for found in (
        "预约 #31 settled",
        "当前为 aging（仓库：aging）",
        "付款: succeeded",
        "异常：exception: not_ready",
        "was 已通过 / approved on lithloop",
    ):
        assert untranslated(found), found
    assert untranslated("预约 #31：已结算 https://x.cn/bookings/31 dealer@demo.lithloop") == []


def test_the_english_checker_finds_a_message_in_chinese_but_not_a_name():
    """An English page or mail may show people's own Chinese (names, addresses), never one of
    the platform's messages rendered in Chinese."""
    assert chinese_on_english("Booking #3 at 中通客车东安区电池维修中心, 牡丹江市 太平路12号") == []
    assert chinese_on_english("Settle: 待定级的电池包（6）") == ["待定级的电池包"]
    assert chinese_on_english("Enter 请输入大于 0、不超过 9,999,999 Ah 的容量") == ["请输入大于"]


def test_a_chinese_owner_gets_chinese_mails_with_absolute_links(
    app,
    client,
    booking_world,
):
    dealer = booking_world["dealer"]
    made = client.post(
        "/api/v1/bookings", json=body(booking_world["site"]), headers=api_headers(client, dealer)
    )
    booking_id = made.json["id"]
    dispatcher = make_user(make_org(OrgKind.PARK_OPERATOR), role=Role.DISPATCHER)
    booking_service.change_status(dispatcher, booking_id, BookingStatus.SCHEDULED)
    booking_service.change_status(dispatcher, booking_id, BookingStatus.CANCELLED, "道路封闭")
    mails = mails_to(dealer.email)
    day = made.json["date"]
    assert [m.subject for m in mails] == [
        f"[lithloop] 预约 #{booking_id} 已收到：{day} 取货",
        f"[lithloop] 预约 #{booking_id}：已排班",
        f"[lithloop] 预约 #{booking_id}：已取消",
    ]
    for mail in mails:
        assert f"{base_url(app)}/bookings/{booking_id}\n" in mail.body  # absolute
        assert base_url(app).startswith("http")
        assert untranslated(mail.subject + "\n" + mail.body) == [], mail.body
    assert "道路封闭" in mails[-1].body
    # the confirmation says what was booked and what it is quoted (before: "现在的状态：已请求")
    window = "–".join(made.json["window"])
    quote = money(db.session.get(Booking, booking_id).quote_total_fen)
    assert f"已收到：{day} {window}。报价：{quote}（" in mails[0].body, mails[0].body


def test_an_english_owner_gets_english_mails(client, booking_world):
    dealer = booking_world["dealer"]
    dealer.locale = "en"
    db.session.commit()
    made = client.post(
        "/api/v1/bookings", json=body(booking_world["site"]), headers=api_headers(client, dealer)
    )
    (mail,) = mails_to(dealer.email)
    assert chinese_on_english(mail.subject + "\n" + mail.body) == [], mail.body
    day, window = made.json["date"], "–".join(made.json["window"])
    assert mail.subject == f"[lithloop] Booking #{made.json['id']} received: pickup on {day}"
    assert mail.body.startswith(f"Your pickup booking #{made.json['id']} at ")
    quote = money(db.session.get(Booking, made.json["id"]).quote_total_fen)
    assert f"is received: {day}, {window}. Quote: {quote} (" in mail.body, mail.body
