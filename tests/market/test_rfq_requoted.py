"""The park may quote a request again while the buyer has its page open: accepting then took
the new price, not the one on the page the buyer pressed "accept" on. The accept form now
says which unit price it showed, and another one is refused, nothing reserved."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Order, PackState, QuoteRequest, RfqStatus
from lithloop.services.market import rfq as rfqs
from lithloop.services.market import rfq_admin
from tests.conftest import submit
from tests.market.support import list_packs, make_admin, make_buyer
from tests.market.test_rfq import spec
from tests.market.test_rfq_pages import _login


def _shown_unit(page: str) -> dict:
    """The accept form's hidden unit price, as the page shows it."""
    found = re.search(r'<input type="hidden" name="seen_unit_fen" value="(\d+)">', page)
    return {"seen_unit_fen": found.group(1)} if found else {}


def test_accepting_a_page_quoted_again_since_reserves_nothing(client):
    buyer, admin = make_buyer(), make_admin()
    packs = list_packs(3)
    rfq = rfqs.create(buyer, spec())
    rfq_admin.quote(admin, rfq.id, unit_price_fen=100_000, valid_until=clock.today())
    _login(client, buyer)
    page = f"/market/rfqs/{rfq.id}"
    shown = _shown_unit(client.get(page).get_data(as_text=True))  # ¥1,000.00 each
    rfq_admin.quote(admin, rfq.id, unit_price_fen=250_000, valid_until=clock.today())
    answer = submit(client, f"{page}/accept", {"delivery_kind": "pickup", **shown}, page=page)
    assert answer.status_code == 409
    said = answer.get_data(as_text=True)
    assert "now ¥2,500.00 per pack, not ¥1,000.00" in said
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0
    db.session.expire_all()
    assert db.session.get(QuoteRequest, rfq.id).status is RfqStatus.QUOTED
    assert {db.session.get(type(p), p.id).state for p in packs} == {PackState.FINISHED}
    again = submit(
        client,
        f"{page}/accept",
        {"delivery_kind": "pickup", **_shown_unit(said)},  # the new price, now shown
        page=page,
    )
    assert again.status_code == 302
    assert db.session.scalar(sa.select(Order)).total_fen == 3 * 250_000
