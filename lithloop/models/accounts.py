"""Organisations, users, their roles, and API tokens."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lithloop.extensions import db
from lithloop.models.base import TimestampMixin, UTCDateTime, enum_column
from lithloop.vocab import OrgKind, OrgStatus, Role

#: Roles that work for the park (the roles a park operator's users hold). Not who sees
#: what: drivers are among them but see only their routes (services/accounts/policies.py).
PARK_ROLES = frozenset({Role.DISPATCHER, Role.PLANT_OPERATOR, Role.DRIVER, Role.ADMIN})

#: The roles each kind of organisation may hold.
ROLES_BY_KIND = {
    OrgKind.DEALER_BRANCH: {Role.DEALER_STAFF},
    OrgKind.BUS_COMPANY: {Role.FLEET_MANAGER},
    OrgKind.BUYER: {Role.BUYER},
    OrgKind.PARK_OPERATOR: set(PARK_ROLES),
    OrgKind.GOVERNMENT: {Role.GOVERNMENT},
}


class Organisation(TimestampMixin, db.Model):
    """A dealer branch, bus company, buyer or the park operator."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind), index=True)
    status: Mapped[OrgStatus] = mapped_column(enum_column(OrgStatus), default=OrgStatus.PENDING)
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    taxpayer_id: Mapped[str] = mapped_column(sa.String(40), default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    users: Mapped[list[User]] = relationship(back_populates="organisation")
    sites: Mapped[list["Site"]] = relationship(back_populates="organisation")  # noqa: F821, UP037

    @property
    def is_active(self) -> bool:
        """True once an admin has approved the organisation, unless it is suspended."""
        return self.status is OrgStatus.ACTIVE


class User(UserMixin, TimestampMixin, db.Model):
    """A person who logs in; belongs to exactly one organisation and holds one role."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When a colleague's invitation was last mailed, until they accept it by choosing a
    # password (services/accounts/invitations.py); None for everyone not invited that way.
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # An open invitation carried by `flask import-org`: its letter's link was signed by the
    # other installation for an account id and password that do not exist here, so it cannot
    # work; the people page asks for it to be sent again (cleared by sending or accepting).
    invite_link_lost: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Every page session carries the version it was opened under; a password change or
    # reset and "log out everywhere" increment it, which ends every earlier session
    # (services/accounts/login_sessions.py).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    organisation: Mapped[Organisation] = relationship(back_populates="users")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.enabled and self.organisation.is_active

    @property
    def works_for_park(self) -> bool:
        """True for dispatcher, plant operator, driver and admin (what each may see is
        services/accounts/policies.py's to say: drivers see only their routes)."""
        return self.role in PARK_ROLES


class PendingRegistration(TimestampMixin, db.Model):
    """A registration waiting for its e-mail to be confirmed by the mailed link.

    No organisation or user exists until then (services/accounts/registration_confirm.py),
    so an unconfirmed address reserves nothing and is listed nowhere.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind))
    organisation: Mapped[str] = mapped_column(sa.String(200))
    name: Mapped[str] = mapped_column(sa.String(120))
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    locale: Mapped[str | None] = mapped_column(sa.String(10))


class ApiToken(TimestampMixin, db.Model):
    """A bearer token for an organisation's own systems; only its hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    prefix: Mapped[str] = mapped_column(sa.String(12))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Stamped at most once a minute (services/accounts/api_tokens.py), like last_login_at: an audit
    # field, written in its own small transaction, never in the request's unit of work.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class EndedSession(db.Model):
    """A page session ended by logging out: its cookie is refused from then on.

    Rows older than the session lifetime are deleted: a cookie that old is refused anyway.
    """

    sid_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class LoginThrottle(db.Model):
    """Failed logins for one e-mail address from one client address (services/accounts/lockout.py).

    Kept for any e-mail, known or not, so that the answer never tells them apart; a
    stranger's failures from their address never lock the owner out at theirs.
    """

    __table_args__ = (sa.UniqueConstraint("email", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    address: Mapped[str] = mapped_column(sa.String(64))
    failures: Mapped[int] = mapped_column(default=0)
    first_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    lockouts: Mapped[int] = mapped_column(default=0)  # each lock lasts twice the one before
