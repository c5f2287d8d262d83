"""The orders list as it grows: one page of orders with their buyer and line counts in a
fixed number of queries, filtered by status and searched by order number or buyer."""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from lithloop.extensions import db
from lithloop.models import Order, OrderLine, OrderStatus, Organisation, User
from lithloop.services.market.orders import visible_orders

PAGE_SIZE = 30

NUMBER = re.compile(r"#?\s*([0-9]{1,9})")  # an order number as written: 12, #12, # 12


def filtered(user: User, status: str | None = None, search: str = ""):
    """The user's visible orders, newest first, by status and by number or buyer's name."""
    query = visible_orders(user).options(joinedload(Order.buyer_org))
    if status in {s.value for s in OrderStatus}:
        query = query.where(Order.status == OrderStatus(status))
    search = search.strip()
    # a Chinese keyboard types full-width digits and ＃ (read as ASCII for the number only:
    # a buyer's name is searched as typed)
    number = NUMBER.fullmatch(unicodedata.normalize("NFKC", search))
    if number:
        query = query.where(Order.id == int(number.group(1)))
    elif search:
        names = sa.select(Organisation.id).where(
            Organisation.name.contains(search, autoescape=True)
        )
        query = query.where(Order.buyer_org_id.in_(names))
    return query


def line_counts(order_ids: list[int]) -> dict[int, int]:
    """How many packs each of these orders holds, in one query."""
    if not order_ids:
        return {}
    rows = db.session.execute(
        sa.select(OrderLine.order_id, sa.func.count())
        .where(OrderLine.order_id.in_(order_ids))
        .group_by(OrderLine.order_id)
    )
    return dict(rows.all())


def page(user: User, number: int, status: str | None = None, search: str = ""):
    """One page of orders (Flask-SQLAlchemy pagination) and the line count of each."""
    pagination = db.paginate(
        filtered(user, status, search), page=number, per_page=PAGE_SIZE, error_out=False
    )
    return pagination, line_counts([o.id for o in pagination.items])
