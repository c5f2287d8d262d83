"""The vocabulary in words: one label table per vocabulary of `vocab/` (and the battery
codes' refusal reasons), shared by the pages, the letters and the services' messages.

`vocab/` stays pure; the words need Babel's lazy strings, so they live here, beside it,
one module per part of the trade (records.py, dispatch.py, packs.py, codes.py). A table
maps an enum's stored value to its lazy label; `label()` shows one in the current language
(words.py). `VOCABULARIES` lists every table with its enum, so a test checks that no value
falls back to its raw code. The tables are read as `labels.NAME`.
"""

from __future__ import annotations

import enum

from lithloop.batteries.problems import CodeReason
from lithloop.labels.clauses import BOOKING_IS, ORDER_IS, PLAN_IS, RFQ_IS, clause
from lithloop.labels.codes import CODE_REASON, code_reason, problem_text
from lithloop.labels.dispatch import (
    DELIVERY_EXCEPTION,
    LEFT_OUT_DELIVERY_REASON,
    LEFT_OUT_REASON,
    PICKUP_EXCEPTION,
    SHIPPED_LEFT_OUT_REASON,
    left_out_reason,
    shipped_left_out,
)
from lithloop.labels.packs import (
    CHEMISTRY,
    CONDITION,
    DECISION,
    FORM,
    FORM_ONE,
    OUTPUT,
    PACK_DESTINATION,
    PACK_EVENT,
    PACK_PLACE,
    PACK_STATE,
    SP376_ITEM,
    USE_CASE,
    WAREHOUSE,
    chemistry_name,
)
from lithloop.labels.records import (
    BOOKING_STATUS,
    ORDER_STATUS,
    ORG_KIND,
    ORG_KINDS,
    ORG_STATUS,
    PICKUP_ORDER_STATUS,
    PLAN_STATUS,
    RFQ_STATUS,
    ROLE,
    RUN_STATUS,
)
from lithloop.labels.words import Table, Words, label, mid_sentence
from lithloop.vocab import (
    BookingStatus,
    Chemistry,
    Choice,
    Condition,
    DeliveryException,
    Form,
    LeftOutReason,
    OrderStatus,
    OrgKind,
    OrgStatus,
    Output,
    PackDestination,
    PackEventKind,
    PackState,
    PickupException,
    PlanStatus,
    RfqStatus,
    Role,
    RunStatus,
    ShippedLeftOut,
    Sp376Item,
    UseCase,
    Warehouse,
)

__all__ = [
    "BOOKING_IS",
    "BOOKING_STATUS",
    "CHEMISTRY",
    "CODE_REASON",
    "CONDITION",
    "DECISION",
    "DELIVERY_EXCEPTION",
    "FORM",
    "FORM_ONE",
    "LEFT_OUT_DELIVERY_REASON",
    "LEFT_OUT_REASON",
    "ORDER_IS",
    "PLAN_IS",
    "ORDER_STATUS",
    "ORG_KIND",
    "ORG_KINDS",
    "ORG_STATUS",
    "OUTPUT",
    "PACK_DESTINATION",
    "PACK_EVENT",
    "PACK_PLACE",
    "PACK_STATE",
    "PICKUP_EXCEPTION",
    "PICKUP_ORDER_STATUS",
    "PLAN_STATUS",
    "RFQ_IS",
    "RFQ_STATUS",
    "ROLE",
    "RUN_STATUS",
    "SHIPPED_LEFT_OUT_REASON",
    "SP376_ITEM",
    "USE_CASE",
    "VOCABULARIES",
    "WAREHOUSE",
    "Table",
    "Words",
    "chemistry_name",
    "clause",
    "code_reason",
    "label",
    "left_out_reason",
    "mid_sentence",
    "problem_text",
    "shipped_left_out",
]

#: Every vocabulary with its words: (enum, table). Each value has a label.
VOCABULARIES: dict[str, tuple[type[enum.Enum], Table]] = {
    "booking status": (BookingStatus, BOOKING_STATUS),
    "order status": (OrderStatus, ORDER_STATUS),
    "request for quote status": (RfqStatus, RFQ_STATUS),
    "run status": (RunStatus, RUN_STATUS),
    "plan status": (PlanStatus, PLAN_STATUS),
    "left-out reason": (LeftOutReason, LEFT_OUT_REASON),
    "left-out delivery reason": (LeftOutReason, LEFT_OUT_DELIVERY_REASON),
    "shipped delivery left-out reason": (ShippedLeftOut, SHIPPED_LEFT_OUT_REASON),
    "pickup exception": (PickupException, PICKUP_EXCEPTION),
    "delivery exception": (DeliveryException, DELIVERY_EXCEPTION),
    "chemistry": (Chemistry, CHEMISTRY),
    "condition": (Condition, CONDITION),
    "form": (Form, FORM),
    "SP376 item": (Sp376Item, SP376_ITEM),
    "use case": (UseCase, USE_CASE),
    "dismantling output": (Output, OUTPUT),
    "refurbish or recycle": (Choice, DECISION),
    "warehouse": (Warehouse, WAREHOUSE),
    "pack state": (PackState, PACK_STATE),
    "pack place": (PackState, PACK_PLACE),
    "pack event": (PackEventKind, PACK_EVENT),
    "pack destination": (PackDestination, PACK_DESTINATION),
    "role": (Role, ROLE),
    "organisation kind": (OrgKind, ORG_KIND),
    "organisation kinds": (OrgKind, ORG_KINDS),
    "organisation status": (OrgStatus, ORG_STATUS),
    "battery code reason": (CodeReason, CODE_REASON),
}
