"""Booking: sites, the price index and quotes, day capacity, pickups and bus fleets.

__all__ lists the modules the web layer and other domains may import; the others are
this domain's own. Within a public module, names without a leading underscore are public.
"""

__all__ = [
    "booking_list",
    "booking_status",
    "bookings",
    "bus_fleet",
    "capacity",
    "distances",
    "draft",
    "draft_quote",
    "event_details",
    "fleet_proposals",
    "fleet_register",
    "fleet_search",
    "geocoding",
    "lot_checks",
    "org_transfer",
    "pickup_change",
    "price_versions",
    "prices",
    "pricing_refusals",
    "reach",
    "search",
    "sites",
    "errors",
]
