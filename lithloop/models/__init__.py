"""SQLAlchemy models, one module per domain; importing this registers them all."""

from lithloop.models.accounts import (
    PARK_ROLES,
    ROLES_BY_KIND,
    ApiToken,
    Organisation,
    OrgKind,
    OrgStatus,
    Role,
    User,
)
from lithloop.models.base import utcnow
from lithloop.models.fleet import Truck
from lithloop.models.outbox import OutboxMessage
from lithloop.models.pricing_index import PriceIndexVersion
from lithloop.models.sites import Site, SiteKind

__all__ = [
    "PARK_ROLES",
    "ROLES_BY_KIND",
    "ApiToken",
    "Organisation",
    "OrgKind",
    "OrgStatus",
    "OutboxMessage",
    "PriceIndexVersion",
    "Role",
    "Site",
    "SiteKind",
    "Truck",
    "User",
    "utcnow",
]
