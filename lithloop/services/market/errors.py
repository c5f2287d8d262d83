"""The error codes of market: the stable `code` of each ServiceError its use cases raise."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Stable error codes of market; the API answers with the value."""

    BAD_TRANSITION = "bad_transition"
    FEE_CHANGED = "fee_changed"
    NOT_CANCELLABLE = "not_cancellable"
    NOT_OWED = "not_owed"
    NOT_ENOUGH_STOCK = "not_enough_stock"
    NOT_PAID = "not_paid"
    NOT_PAYABLE = "not_payable"
    NOT_REFUNDABLE = "not_refundable"
    NOT_RETURNABLE = "not_returnable"
    NO_ACTION = "no_action"
    PACK_UNAVAILABLE = "pack_unavailable"
    PAYMENT_UNDER_WAY = "payment_under_way"
    QUOTE_CHANGED = "quote_changed"
    QUOTE_EXPIRED = "quote_expired"
    REFUND_FAILED = "refund_failed"
    REPRICED = "repriced"
    RESERVATION_EXPIRED = "reservation_expired"
    RFQ_ACCEPTED = "rfq_accepted"
    RFQ_CLOSED = "rfq_closed"
    RFQ_DECLINED = "rfq_declined"
    RFQ_NOT_QUOTED = "rfq_not_quoted"
