"""What a delivery choice shows before an order is taken: the cart's and a quote's accept form.

Pickup at the park with its day, or delivery to a city of the list (only places a truck
reaches and returns from within a working day) with its fee and day, and the totals of each.
"""

from __future__ import annotations

from decimal import Decimal

from lithloop.services.errors import ServiceError
from lithloop.services.market import cart as market_cart
from lithloop.services.market import delivery as market_delivery


def delivery_choice(
    chosen: dict, count: int, mass_kg: Decimal, prices_fen: list[int], errors, *, asked=False
):
    """The template's delivery values for `count` packs of `mass_kg` at `prices_fen`; a city
    that cannot be delivered to (or none, when `asked` to deliver) adds its message to
    `errors` beside the city field."""
    quote = None
    if chosen["kind"] == "address" and (chosen["city"] or asked):
        try:
            quote = market_delivery.city_quote(chosen["city"], count, mass_kg)
        except ServiceError as exc:
            errors.setdefault(exc.field or "city", str(exc.message))
    return {
        "pickup": market_delivery.pickup_quote(),
        "quote": quote,
        "pickup_totals": market_cart.totals(prices_fen),
        "totals": market_cart.totals(prices_fen, quote.fee_fen if quote else 0),
        "cities": market_delivery.reachable_cities(),
        "form": chosen,
    }


def fee_seen(form, chosen: dict, quote) -> bool:
    """True when the page the form came from showed this delivery's fee (the same city and
    the same amount, in its hidden fields): pickup needs nothing shown."""
    if chosen["kind"] != "address":
        return True
    seen = {"kind": "address", "city": form.get("seen_city") or ""}
    return (
        quote is not None
        and market_cart.same_delivery(seen, chosen)
        and str(form.get("seen_fee_fen") or "") == str(quote.fee_fen)
    )
