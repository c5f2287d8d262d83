"""The owner's letter about a pickup not done reads as the booking page does: the reason,
then the driver's own words as a sentence of their own ("现场无人。门卫不在"), not run on
after a space ("现场无人 门卫不在")."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import OutboxMessage
from tests import worlds
from tests.web.test_driver import post, stops

world = worlds.published_route


def _owner_letter(owner_email: str) -> OutboxMessage:
    query = sa.select(OutboxMessage).where(OutboxMessage.recipient == owner_email)
    return db.session.scalars(query.order_by(OutboxMessage.id.desc())).first()


@pytest.mark.parametrize(
    ("locale", "said", "headline"),
    [
        ("zh_CN", "未能取货：现场无人。门卫不在", "未能取货：现场无人"),
        ("en", "pickup not done: Nobody there. 门卫不在", "pickup not done: Nobody there"),
    ],
)
def test_the_drivers_words_follow_the_reason_as_a_sentence(
    client, auth, world, locale, said, headline
):
    stop = stops(world)[1]
    owner = stop.booking.created_by
    owner.locale = locale
    db.session.commit()
    auth.login(world["driver"].email)
    done = post(client, stop, "exception", {"reason": "nobody_there", "note": "门卫不在"})
    assert done.status_code == 302
    letter = _owner_letter(owner.email)
    assert said in letter.body
    assert letter.subject.endswith(headline)  # the driver's words stay in the body
