"""The settlement letter says who pays whom, as the statement page does: a negative amount
alone ("已结算，金额 -¥120.00") left the owner to guess that they owe the park a fee."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import OutboxMessage, Settlement
from lithloop.services.plant import settlement as settlements
from tests import worlds
from tests.plant_world import booked

world = worlds.plant_staff


@pytest.fixture
def backend():
    """SQLite only: the words of a letter, whatever database holds it."""
    return "sqlite"


def _letter(world, total_fen: int, locale: str) -> OutboxMessage:
    booking = booked(world)
    booking.created_by.locale = locale
    settled = Settlement(
        booking_id=booking.id,
        index_version="v",
        quote_total_fen=booking.quote_total_fen,
        total_fen=total_fen,
        lines=[],
        certificate_token="token-letter",
        by_user_id=world["plant"].id,
    )
    db.session.add(settled)
    settlements.tell_owner(booking, settled)
    db.session.commit()
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()


@pytest.mark.parametrize(
    ("locale", "total_fen", "said", "amount"),
    [
        ("zh_CN", -12_000, "您需向产业园支付此费用。", "-¥120.00"),
        ("zh_CN", 61_000, "产业园向您支付此金额。", "¥610.00"),
        ("en", -12_000, "You pay the park this fee.", "-¥120.00"),
        ("en", 61_000, "The park pays you this amount.", "¥610.00"),
    ],
)
def test_the_letter_says_who_pays_whom(world, locale, total_fen, said, amount):
    letter = _letter(world, total_fen, locale)
    assert said in letter.body and amount in letter.body and amount in letter.subject
    assert "http://" in letter.body and "/certificates/token-letter" in letter.body
