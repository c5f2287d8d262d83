"""Admin pages: user accounts (enable, disable, unlock) and the audit log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop.models import Role
from lithloop.services.accounts import audit, lockout, user_admin
from lithloop.services.errors import ServiceError
from lithloop.web.access import roles_required
from lithloop.web.query_args import page_arg, search_arg

bp = Blueprint("admin_users", __name__, url_prefix="/admin")


def _page() -> int:
    return page_arg()


def _back_to_the_list():
    """The users page the admin acted on: its search and its page (page 1 is left out)."""
    page = _page()
    return redirect(url_for("admin_users.users", q=search_arg(), page=page if page > 1 else None))


@bp.get("/users")
@roles_required(Role.ADMIN)
def users():
    """Every account, searchable, with its lock (from some address) and enabled state."""
    return _users_page()


def _users_page(refused: dict | None = None, status: int = 200):
    """The users page; `refused`: a row's disabling whose reason was refused (its user_id,
    the reason as typed and the error), shown again in that row's form beside the field."""
    search = search_arg()
    pagination = user_admin.users(current_user, search=search, page=_page())
    locks = lockout.locks_for([u.email for u in pagination.items])
    refused = refused or {}
    if refused and refused["user_id"] not in {u.id for u in pagination.items}:
        flash(refused["error"], "error")  # its row is no longer on this page: said on top
    return render_template(
        "admin/users.html",
        pagination=pagination,
        search=search,
        locks=locks,
        reason_max=user_admin.REASON_MAX,
        refused=refused,
    ), status


@bp.post("/users/<int:user_id>/enabled")
@roles_required(Role.ADMIN)
def set_enabled(user_id: int):
    """Enable or disable one account (a disabling with its optional reason); its owner is
    mailed."""
    enable = request.form.get("enabled") == "1"
    try:
        user = user_admin.set_enabled(
            current_user, user_id, enable, reason=request.form.get("reason", "")
        )
    except ServiceError as exc:
        if exc.status == 404:
            raise
        if exc.field == "reason":  # the page again: the text kept, the error beside it
            error = _("Reason: %(reason)s", reason=str(exc.message))
            refused = {"user_id": user_id, "reason": request.form.get("reason", ""), "error": error}
            return _users_page(refused, exc.status)
        flash(str(exc.message), "error")
    else:
        flash(
            _("%(email)s enabled.", email=user.email)
            if enable
            else _("%(email)s disabled.", email=user.email),
            "success",
        )
    return _back_to_the_list()


@bp.post("/users/<int:user_id>/unlock")
@roles_required(Role.ADMIN)
def unlock(user_id: int):
    """Lift a lockout after failed logins."""
    user = lockout.unlock(current_user, user_id)
    flash(_("%(email)s unlocked.", email=user.email), "success")
    return _back_to_the_list()


@bp.get("/audit")
@roles_required(Role.ADMIN)
def audit_log():
    """Recorded admin and security actions, newest first, filtered by action."""
    action = request.args.get("action", "")[:64]
    actions, errors = audit.actions(), {}
    if action and action not in actions:  # a changed link: said beside the filter, not applied
        errors["action"] = _("No action of that name is on record: showing all actions.")
        action = ""
    result = audit.entries(action=action, page=_page())
    return render_template(
        "admin/audit.html",
        result=result,
        names=audit.truck_change_names(result.rows),
        actions=actions,
        action=action,
        errors=errors,
    )
