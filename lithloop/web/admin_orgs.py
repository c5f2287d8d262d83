"""Admin pages: the organisations (kind, status, city, counts) and their suspension."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop.models import Role
from lithloop.services.accounts import org_admin
from lithloop.services.errors import ServiceError
from lithloop.web.access import roles_required
from lithloop.web.query_args import page_arg, search_arg

bp = Blueprint("admin_orgs", __name__, url_prefix="/admin")


def _search() -> str:
    return search_arg()


def _back_to_the_list():
    """The list the admin acted from: its search and its page (page 1 is left out)."""
    page = page_arg()
    return redirect(
        url_for("admin_orgs.organisations", q=_search(), page=page if page > 1 else None)
    )


@bp.get("/organisations")
@roles_required(Role.ADMIN)
def organisations():
    """Every organisation, searchable by name or city, with its status and counts."""
    search = _search()
    result = org_admin.organisations(current_user, search=search, page=page_arg())
    return render_template("admin/organisations.html", result=result, search=search)


def _change(org_id: int, *, suspend: bool):
    reason = request.form.get("reason", "")
    confirmed = request.form.get("confirmed") == "1"
    error = None
    if confirmed:
        try:
            org = org_admin.set_suspended(current_user, org_id, suspend=suspend, reason=reason)
        except ServiceError as exc:
            if exc.status in (403, 404):
                raise
            if exc.field != "reason":
                flash(str(exc.message), "error")
                return _back_to_the_list()
            error = exc
        else:
            flash(
                _("%(name)s suspended.", name=org.name)
                if suspend
                else _("%(name)s reactivated.", name=org.name),
                "success",
            )
            return _back_to_the_list()
    page = render_template(
        "admin/organisation_status.html",
        row=org_admin.organisation(current_user, org_id),
        suspend=suspend,
        reason=reason,
        error=str(error.message) if error else None,
        search=_search(),
        page=page_arg(),
    )
    return page, (error.status if error else 200)


@bp.post("/organisations/<int:org_id>/suspend")
@roles_required(Role.ADMIN)
def suspend(org_id: int):
    """Ask for the reason, then suspend the organisation."""
    return _change(org_id, suspend=True)


@bp.post("/organisations/<int:org_id>/reactivate")
@roles_required(Role.ADMIN)
def reactivate(org_id: int):
    """Ask for the reason, then reactivate the suspended organisation."""
    return _change(org_id, suspend=False)
