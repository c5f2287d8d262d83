"""The words of the records and their people: the statuses of bookings, orders (delivered
or picked up at the park), requests for quotes, optimisation runs and plans; users' roles
and organisations' kinds (one, and as groups)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lithloop.labels.words import Words, table
from lithloop.vocab import (
    BookingStatus,
    OrderStatus,
    OrgKind,
    OrgStatus,
    PlanStatus,
    RfqStatus,
    Role,
    RunStatus,
)

BOOKING_STATUS = table(
    {
        BookingStatus.REQUESTED: _l("Requested"),
        BookingStatus.SCHEDULED: _l("Scheduled"),
        BookingStatus.PICKED_UP: _l("Picked up"),
        BookingStatus.RECEIVED: _l("Received"),
        BookingStatus.SETTLED: _l("Settled"),
        BookingStatus.CANCELLED: _l("Cancelled"),
    }
)
ORDER_STATUS = table(
    {
        OrderStatus.PENDING_PAYMENT: _l("Awaiting payment"),
        OrderStatus.PAID: _l("Paid"),
        OrderStatus.PACKED: _l("Packed"),
        OrderStatus.SHIPPED: _l("Shipped"),
        OrderStatus.DELIVERED: _l("Delivered"),
        OrderStatus.CANCELLED: _l("Cancelled"),
        OrderStatus.REFUNDED: _l("Refunded"),
    }
)
#: An order picked up at the park: "shipped" is the hand-over there (as its mail says).
PICKUP_ORDER_STATUS = Words(
    {
        **ORDER_STATUS,
        OrderStatus.PACKED.value: _l("Packed, ready for pickup"),
        OrderStatus.SHIPPED.value: _l("Collected at the park"),
        OrderStatus.DELIVERED.value: _l("Completed"),
    }
)
RFQ_STATUS = table(
    {
        RfqStatus.OPEN: _l("Waiting for a quote"),
        RfqStatus.QUOTED: _l("Quote sent"),  # not "Quoted": the settlement column of amounts
        RfqStatus.DECLINED: _l("Declined"),
        RfqStatus.ACCEPTED: _l("Accepted"),
    }
)
RUN_STATUS = table(
    {
        RunStatus.QUEUED: _l("Queued"),
        RunStatus.RUNNING: _l("Running"),
        RunStatus.SUCCEEDED: _l("Finished"),
        RunStatus.FAILED: _l("Failed"),
        RunStatus.CANCELLED: _l("Cancelled"),
    }
)
PLAN_STATUS = table(
    {
        PlanStatus.DRAFT: _l("Draft"),
        PlanStatus.PUBLISHED: _l("Published"),
        PlanStatus.SUPERSEDED: _l("Superseded"),
    }
)

# --- who ---
ROLE = table(
    {
        Role.DEALER_STAFF: _l("Dealer staff"),
        Role.FLEET_MANAGER: _l("Fleet manager"),
        Role.DISPATCHER: _l("Dispatcher"),
        Role.PLANT_OPERATOR: _l("Plant operator"),
        Role.DRIVER: _l("Driver"),
        Role.BUYER: _l("Buyer"),
        Role.ADMIN: _l("Administrator"),
        Role.GOVERNMENT: _l("Government partner"),
    }
)
#: One organisation's kind (the admin's approval mail names a registering organisation).
ORG_KIND = table(
    {
        OrgKind.DEALER_BRANCH: _l("Dealer branch"),
        OrgKind.BUS_COMPANY: _l("Bus company"),
        OrgKind.BUYER: _l("Buyer (second-life packs)"),
        OrgKind.PARK_OPERATOR: _l("Park operator"),
        OrgKind.GOVERNMENT: ROLE[Role.GOVERNMENT.value],
    }
)
#: Whether an organisation may use the platform (the admin's list, the dispatcher's held bookings).
ORG_STATUS = table(
    {
        OrgStatus.PENDING: _l("Waiting for approval"),
        OrgStatus.ACTIVE: _l("Active"),
        OrgStatus.REJECTED: _l("Rejected"),
        OrgStatus.SUSPENDED: _l("Suspended"),
    }
)
#: The kinds as groups (the admin's lists of organisations).
ORG_KINDS = table(
    {
        OrgKind.DEALER_BRANCH: _l("Dealer branches"),
        OrgKind.BUS_COMPANY: _l("Bus companies"),
        OrgKind.BUYER: _l("Buyers"),
        OrgKind.PARK_OPERATOR: _l("Park operator"),
        OrgKind.GOVERNMENT: _l("Government partners"),
    }
)
