"""A letter leaves no trace of a part it does not have: an RFQ with no note was mailed with
an empty line where the note would be; an exception with no driver's words ended its
sentence in a space."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, letters
from lithloop.extensions import db
from lithloop.models import OutboxMessage
from lithloop.services.market import rfq as rfqs
from lithloop.services.market import rfq_admin
from tests.market.support import list_packs, make_admin, make_buyer


@pytest.fixture
def backend():
    """SQLite only: how a body is written, whatever database keeps it."""
    return "sqlite"


def _bodies_to(email: str) -> list[str]:
    query = sa.select(OutboxMessage.body).where(OutboxMessage.recipient == email)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def _spec(note: str) -> dict:
    return {
        "quantity": 2,
        "chemistry": "lfp",
        "min_grade": "B",
        "wanted_by": (clock.today() + timedelta(days=20)).isoformat(),
        "note": note,
    }


def test_an_rfq_with_no_note_is_mailed_with_no_empty_line(app):
    buyer, admin = make_buyer(), make_admin()
    list_packs(2)
    rfq = rfqs.create(buyer, _spec(""))
    rfq_admin.quote(admin, rfq.id, unit_price_fen=100_000, valid_until=clock.today())
    (to_admin,) = _bodies_to(admin.email)
    (to_buyer,) = _bodies_to(buyer.email)
    for body in (to_admin, to_buyer):
        assert "\n\n" not in body and body.endswith("\n"), body
        assert all(line == line.rstrip() for line in body.split("\n")), body
    assert to_admin.split("\n")[1].startswith("http"), to_admin  # the link follows at once


def test_an_rfq_note_keeps_its_line(app):
    buyer, admin = make_buyer(), make_admin()
    rfqs.create(buyer, _spec("三个储能柜"))
    (body,) = _bodies_to(admin.email)
    assert "\n三个储能柜\nhttp" in body, body


@pytest.mark.parametrize(
    ("note", "why", "expected"),
    [
        ("", "", "Order #7: A.\n\nReturn by 3 May.\nhttp://x\n"),
        ("seen", "", "Order #7: A. seen\n\nReturn by 3 May.\nhttp://x\n"),
        ("", "Wrong city", "Order #7: A.\n\nWrong city\n\nReturn by 3 May.\nhttp://x\n"),
        ("a\n\nb", " ", "Order #7: A. a\n\nb\n\nReturn by 3 May.\nhttp://x\n"),
    ],
)
def test_any_letter_drops_the_paragraph_and_the_space_a_missing_part_leaves(
    app, note, why, expected
):
    """The rule is the letters' own (send_letter), not each letter's: a paragraph made only
    of missing parts goes with its blank line; a person's own blank lines stay."""
    buyer = make_buyer()
    body = _l("Order #%(id)s: A. %(note)s\n\n%(why)s\n\nReturn by 3 May.\n%(link)s\n")
    buyer.locale = "en"
    sent = letters.send_letter(buyer, _l("Order"), body, id=7, note=note, why=why, link="http://x")
    assert sent.body == expected


def test_a_left_out_shipped_delivery_with_no_due_day_is_mailed_without_an_empty_from(app):
    """The letter to a buyer whose shipped delivery a published plan leaves out said "due
    for delivery from :" (Chinese: "自  起") when the order had no due day; it leaves the
    phrase out, in both languages, and says the day when there is one."""
    from lithloop.services.dispatch import left_at_publishing
    from lithloop.services.dispatch.left_deliveries import LeftDelivery
    from lithloop.vocab import ShippedLeftOut
    from tests.factories import PlanFactory
    from tests.market.test_deliveries import paid_delivery

    plan = PlanFactory()
    chinese, english, dated = (paid_delivery() for _ in range(3))
    english.user.locale = "en"
    dated.due_from = plan.plan_date + timedelta(days=1)
    db.session.commit()
    left = [
        LeftDelivery(order, ShippedLeftOut.TRUCK_INACTIVE.value, "", truck="黑C12345")
        for order in (chinese, english, dated)
    ]
    left_at_publishing.tell_buyers(plan, left)
    db.session.commit()
    (zh_body,) = _bodies_to(chinese.user.email)
    (en_body,) = _bodies_to(english.user.email)
    (dated_body,) = _bodies_to(dated.user.email)
    assert "订单仍待送货：" in zh_body and "起仍待送货" not in zh_body, zh_body
    assert "黑C12345" in zh_body and "产业园" in zh_body, zh_body
    assert "stays due for delivery: the park" in en_body, en_body
    assert "from :" not in en_body and "from  " not in en_body, en_body
    assert f"订单自 {dated.due_from.isoformat()} 起仍待送货" in dated_body, dated_body
    for body in (zh_body, en_body, dated_body):
        assert "\n\n" not in body and body.endswith("\n"), body
