"""Admin pages: approve registrations, read the outbox."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lithloop.extensions import db
from lithloop.models import OutboxMessage, Role
from lithloop.services.accounts import approvals as approval
from lithloop.services.errors import Conflict, Invalid
from lithloop.web.access import roles_required
from lithloop.web.query_args import page_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/approvals")
@roles_required(Role.ADMIN)
def approvals():
    """Organisations waiting for approval, a page at a time."""
    return render_template("admin/approvals.html", result=approval.pending_page(page_arg()))


@bp.post("/approvals/<int:org_id>")
@roles_required(Role.ADMIN)
def decide(org_id: int):
    """Approve or reject one organisation."""
    decision = request.form.get("decision")
    if decision not in ("approve", "reject"):  # a rejection cannot be undone: never by default
        raise Invalid(_l("Choose Approve or Reject."), field="decision")
    approve = decision == "approve"
    reason = request.form.get("reason", "")
    try:
        org = approval.decide_organisation(
            org_id, approve=approve, actor=current_user, reason=reason
        )
    except Conflict as exc:  # pressed twice, or another admin was first: said on the list
        flash(str(exc.message), "info")
        return redirect(url_for("admin.approvals"))
    except Invalid as exc:  # the reason, refused beside it on the list, as typed
        page = approval.pending_page(page_arg())
        refused = {"org": org_id, "reason": reason, "error": str(exc.message)}
        return render_template("admin/approvals.html", result=page, refused=refused), exc.status
    flash(
        _("%(name)s approved.", name=org.name)
        if approve
        else _("%(name)s rejected.", name=org.name),
        "success",
    )
    page = page_arg()
    return redirect(url_for("admin.approvals", page=page if page > 1 else None))


@bp.get("/outbox")
@roles_required(Role.ADMIN)
def outbox():
    """The latest outgoing messages (the embedded default's stand-in for e-mail)."""
    messages = db.session.scalars(
        sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(100)
    )
    return render_template("admin/outbox.html", messages=list(messages))
