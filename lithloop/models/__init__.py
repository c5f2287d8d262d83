"""SQLAlchemy models, one module per domain; importing this registers them all."""

from lithloop.models.accounts import (
    PARK_ROLES,
    ROLES_BY_KIND,
    ApiToken,
    EndedSession,
    LoginThrottle,
    Organisation,
    OrgKind,
    OrgStatus,
    PendingRegistration,
    Role,
    User,
)
from lithloop.models.audit import AuditEntry
from lithloop.models.bookings import (
    Booking,
    BookingDay,
    BookingEvent,
    BookingLot,
    BookingStatus,
)
from lithloop.models.bus_fleet import BusPack
from lithloop.models.buyers import InvoiceDetails, QuoteRequest, RfqStatus
from lithloop.models.calendar import HolidayYear
from lithloop.models.cart import Cart
from lithloop.models.fleet import Truck
from lithloop.models.idempotency import IdempotencyKey
from lithloop.models.market import (
    PAID_STATUSES,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Payment,
    Refund,
    StripeEvent,
)
from lithloop.models.outbox import OutboxMessage
from lithloop.models.packs import (
    WAREHOUSE_OF_STATE,
    DismantlingBatch,
    Grade,
    Intake,
    Pack,
    PackEvent,
    PackState,
    PackTest,
    Settlement,
    Warehouse,
    pack_parent,
)
from lithloop.models.plans import (
    Plan,
    PlanRoute,
    PlanRun,
    PlanStatus,
    PlanStop,
    PlanUnassigned,
    RunStatus,
)
from lithloop.models.pricing_index import PriceIndexVersion
from lithloop.models.rollups import MonthlyRollup
from lithloop.models.roster import RosterEntry
from lithloop.models.serials import PARK_SERIAL_SEQUENCE, ParkSerialCounter
from lithloop.models.sites import Site, SiteKind

__all__ = [
    "MonthlyRollup",
    "Cart",
    "WAREHOUSE_OF_STATE",
    "DismantlingBatch",
    "Grade",
    "Intake",
    "Pack",
    "PackEvent",
    "PackState",
    "PackTest",
    "Settlement",
    "Warehouse",
    "pack_parent",
    "PARK_ROLES",
    "ROLES_BY_KIND",
    "ApiToken",
    "PendingRegistration",
    "EndedSession",
    "LoginThrottle",
    "IdempotencyKey",
    "AuditEntry",
    "Booking",
    "BookingDay",
    "BookingEvent",
    "BookingLot",
    "BookingStatus",
    "BusPack",
    "PARK_SERIAL_SEQUENCE",
    "ParkSerialCounter",
    "HolidayYear",
    "InvoiceDetails",
    "QuoteRequest",
    "RfqStatus",
    "Organisation",
    "OrgKind",
    "OrgStatus",
    "OutboxMessage",
    "PAID_STATUSES",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderStatus",
    "Payment",
    "Refund",
    "StripeEvent",
    "Plan",
    "PlanRoute",
    "PlanRun",
    "PlanStatus",
    "PlanStop",
    "PlanUnassigned",
    "PriceIndexVersion",
    "Role",
    "RosterEntry",
    "RunStatus",
    "Site",
    "SiteKind",
    "Truck",
    "User",
]

from lithloop.extensions import db as _db
from lithloop.models import append_only as _append_only

_append_only.attach(_db.metadata)  # the history tables' triggers, created with the tables

import sqlalchemy as _sa  # noqa: E402

from lithloop.models.base import check_vocab_columns as _check_vocab  # noqa: E402

for _event in ("before_insert", "before_update"):  # vocabulary columns hold only its values
    _sa.event.listen(_db.Model, _event, _check_vocab, propagate=True)
