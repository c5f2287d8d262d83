"""Administrators manage user accounts: list, enable or disable, unlock (each audited)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop.extensions import db
from lithloop.models import Role, User
from lithloop.services.accounts import api_tokens, audit, login_sessions, org_letters
from lithloop.services.accounts.errors import Code
from lithloop.services.errors import Conflict, Forbidden, NotFound
from lithloop.services.strict_input import check_controls, limited_text

PAGE_SIZE = 50
REASON_MAX = 300  # why an account is disabled: kept in its audit entry and mailed


def _require_admin(actor: User) -> None:
    if actor.role is not Role.ADMIN:
        raise Forbidden(_l("Only administrators manage accounts."))


def users(actor: User, *, search: str = "", page: int = 1):
    """Users by e-mail, optionally those whose e-mail or name contains `search`."""
    _require_admin(actor)
    query = sa.select(User).options(sa.orm.joinedload(User.organisation)).order_by(User.email)
    if search.strip():
        term = search.strip().lower()  # "_" and "%" as typed, not as wildcards
        query = query.where(
            sa.or_(
                User.email.contains(term, autoescape=True),
                sa.func.lower(User.name).contains(term, autoescape=True),
            )
        )
    return db.paginate(query, page=max(1, page), per_page=PAGE_SIZE, error_out=False)


def check_reason(raw) -> str:
    """A disabling's optional reason as typed ("" for none), or Invalid(field='reason')."""
    reason = check_controls(str(raw or ""), "reason")  # NUL: refused by PostgreSQL's JSON
    return limited_text(reason, "reason", REASON_MAX)


def set_enabled(actor: User, user_id: int, enabled: bool, reason: str = "") -> User:
    """Enable or disable an account, and mail its owner so (in their language, with the
    optional reason for a disabling, also kept in the audit entry). Disabling ends every
    session of the user and revokes their API tokens, so enabling the account again does
    not bring old ones back."""
    _require_admin(actor)
    reason = check_reason(reason) if not enabled else ""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such user."))
    if user.id == actor.id and not enabled:
        raise Conflict(_l("You cannot disable your own account."), code=Code.SELF)
    try:
        if not enabled and user.enabled:
            disable(actor, user, reason=reason)
            org_letters.removed(user, actor, reason, invited=False)
        elif enabled and not user.enabled:
            user.enabled = True
            audit.record("user.enable", actor=actor, obj=user, details={"email": user.email})
            if user.is_active:  # not while its organisation is suspended or pending:
                org_letters.enabled_again(user)  # its reactivation's letter tells them then
        db.session.commit()
    except Exception:  # the outbox or the audit log failed: the account is left as it was
        db.session.rollback()
        raise
    return user


def disable(actor: User, user: User, **details) -> None:
    """Disable an account in the session (the caller checks who may, and commits): audited
    as `user.disable`, every session ended and every API token revoked. An administrator's
    path and a colleague's removal from the people page (colleagues.remove_colleague)."""
    if not user.enabled:
        return
    user.enabled = False
    audit.record("user.disable", actor=actor, obj=user, details={"email": user.email, **details})
    login_sessions.end_all_sessions(user, actor=actor, reason="account disabled")
    api_tokens.revoke_all(user, actor=actor, reason="account disabled")
