"""The error codes of accounts: the stable `code` of each ServiceError its use cases raise."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Stable error codes of accounts; the API answers with the value."""

    DISABLED = "disabled"
    EMAIL_TAKEN = "email_taken"
    INVITE_LIMIT = "invite_limit"
    LAST_MEMBER = "last_member"
    LOCKED = "locked"
    NOT_INVITED = "not_invited"
    PENDING_APPROVAL = "pending_approval"
    SELF = "self"
    SUSPENDED = "org_suspended"
