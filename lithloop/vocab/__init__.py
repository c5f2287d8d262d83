"""The domain's vocabulary, in one place: PURE (standard library only).

The enums the models store, the API schemas validate against (OneOf built from them),
the pricing engine and the battery codes use, and the label tables translate. Model
statuses are plain Enums (stored by value); the trade vocabulary is StrEnum, so a member
equals its text. The words live in three modules: `trade` (what a lot or a pack is),
`trip_reasons` (why a booking was left out, why a pickup or delivery failed) and `records`
(organisations, roles, the records' statuses); every name is imported from here.
"""

from __future__ import annotations

import enum
import re

from lithloop.vocab.records import (
    BookingStatus,
    Grade,
    OrderStatus,
    OrgKind,
    OrgStatus,
    PackState,
    PlanStatus,
    RfqStatus,
    Role,
    RunStatus,
    SiteKind,
    Warehouse,
)
from lithloop.vocab.trade import (
    CHEMISTRIES,
    CONDITIONS,
    FORMS,
    Chemistry,
    Choice,
    Condition,
    DeliveryKind,
    DeliveryState,
    Form,
    Material,
    Output,
    PackDestination,
    PackEventKind,
    PriceGrade,
    Sp376Item,
    UseCase,
)
from lithloop.vocab.trip_reasons import (
    DeliveryException,
    LeftOutReason,
    PickupException,
    ShippedLeftOut,
)

#: Unicode's direction controls (embeddings, overrides, isolates): invisible, they make a
#: name or a plate read backwards or hide what follows it ("Trojan Source"); no text of
#: the trade needs them (a plate "黑C·D9999" with a right-to-left override read "9999D·C黑").
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def values(enum_cls: type[enum.Enum]) -> list[str]:
    """The stored values of an enum, in declaration order (for OneOf and select options)."""
    return [member.value for member in enum_cls]


__all__ = [
    "DIRECTION_CONTROLS",
    "Chemistry",
    "Form",
    "Condition",
    "PriceGrade",
    "Material",
    "Sp376Item",
    "DeliveryKind",
    "DeliveryState",
    "UseCase",
    "PackEventKind",
    "PackDestination",
    "Choice",
    "Output",
    "CHEMISTRIES",
    "FORMS",
    "CONDITIONS",
    "LeftOutReason",
    "ShippedLeftOut",
    "PickupException",
    "DeliveryException",
    "OrgKind",
    "OrgStatus",
    "Role",
    "SiteKind",
    "BookingStatus",
    "PackState",
    "Warehouse",
    "Grade",
    "OrderStatus",
    "RfqStatus",
    "RunStatus",
    "PlanStatus",
    "values",
]
