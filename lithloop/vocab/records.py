"""Who and where things stand: organisations, roles, sites and the records' statuses.

PURE (standard library only); plain Enums, stored by value.
"""

from __future__ import annotations

import enum


class OrgKind(enum.Enum):
    """What an organisation is to the park."""

    DEALER_BRANCH = "dealer_branch"
    BUS_COMPANY = "bus_company"
    BUYER = "buyer"
    PARK_OPERATOR = "park_operator"
    GOVERNMENT = "government"  # a government partner: sees the dashboard


class OrgStatus(enum.Enum):
    """Whether an organisation may use the platform."""

    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    SUSPENDED = "suspended"  # was active; an admin suspended it (reactivating restores it)


class Role(enum.Enum):
    """What a user does; each role has its own home page and navigation."""

    DEALER_STAFF = "dealer_staff"
    FLEET_MANAGER = "fleet_manager"
    DISPATCHER = "dispatcher"
    PLANT_OPERATOR = "plant_operator"
    DRIVER = "driver"
    BUYER = "buyer"
    ADMIN = "admin"
    GOVERNMENT = "government"


class SiteKind(enum.Enum):
    """What happens at a site."""

    PARK = "park"
    BRANCH = "branch"
    BUS_DEPOT = "bus_depot"
    WAREHOUSE = "warehouse"


class BookingStatus(enum.Enum):
    """Where a booking is in its life."""

    REQUESTED = "requested"
    SCHEDULED = "scheduled"
    PICKED_UP = "picked_up"
    RECEIVED = "received"
    SETTLED = "settled"
    CANCELLED = "cancelled"


class PackState(enum.Enum):
    """Where a pack is in its life at the park and after."""

    RECEIVED = "received"  # weighed in, not yet graded
    RAW = "raw"  # raw-material warehouse: to be dismantled
    AGING = "aging"  # aging warehouse: second-life candidate resting
    FINISHED = "finished"  # finished-product warehouse: for sale
    RESERVED = "reserved"  # held by a buyer's checkout
    SOLD = "sold"
    CONSUMED = "consumed"  # its modules went into a refurbished pack
    DISMANTLED = "dismantled"


class Warehouse(enum.Enum):
    """The park's three warehouses."""

    RAW = "raw"
    AGING = "aging"
    FINISHED = "finished"


class Grade(enum.Enum):
    """Capacity division: A/B/C for second life, S for scrap."""

    A = "A"
    B = "B"
    C = "C"
    S = "S"


class OrderStatus(enum.Enum):
    """pending_payment -> paid -> packed -> shipped -> delivered; or cancelled, or refunded
    in full (the end). A partial refund is money beside the fulfilment state (the order's
    refunded_fen), not a state: the order stays packed, shipped or delivered."""

    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class RfqStatus(enum.Enum):
    """open -> quoted -> accepted, or declined; a quote past its date has expired."""

    OPEN = "open"
    QUOTED = "quoted"
    DECLINED = "declined"
    ACCEPTED = "accepted"


class RunStatus(enum.Enum):
    """Where a background optimisation run is."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class PlanStatus(enum.Enum):
    """A plan is a draft until published; a newer published plan supersedes it."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
