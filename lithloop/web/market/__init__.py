"""The buyer's market: one blueprint (`market`, under /market), its views in one module per
concern: the catalog, the cart and checkout, paying, orders."""

from lithloop.web.market import (  # noqa: F401 (views)
    cart_views,
    catalog_views,
    order_views,
    pay_views,
)
from lithloop.web.market.blueprint import bp

__all__ = ["bp"]
