"""A dealer branch's or bus company's own page: its people, and inviting a colleague.

(A buyer's company page, web/company.py, shows the same people and form beside its
invoice details; both call services/accounts/colleagues.py.)
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop.i18n import current_language
from lithloop.models import Role
from lithloop.public_urls import external_url
from lithloop.services.accounts import colleagues
from lithloop.services.errors import ServiceError
from lithloop.web.access import roles_required

bp = Blueprint("organisation", __name__, url_prefix="/organisation")
#: Who has this page: the staff of dealer branches and bus companies (buyers: company.company).
STAFF = (Role.DEALER_STAFF, Role.FLEET_MANAGER)


def _page(errors: dict | None = None, invite_form=None, status: int = 200):
    return render_template(
        "organisation/index.html",
        colleagues=colleagues.members(current_user),
        is_invited=colleagues.is_invited,
        invite=invite_form or {},
        errors=errors or {},
    ), status


@bp.get("")
@roles_required(*STAFF)
def index():
    """The organisation's people (name, e-mail, role, invited or active) and the invite form."""
    return _page()


@bp.post("/colleagues")
@roles_required(*STAFF)
def invite():
    """Add a colleague to one's own organisation (never one named in the request); they
    choose a password through the mailed link."""
    return invite_posted(_page, url_for("organisation.index", _anchor="people"))


def invite_posted(page, done_url: str):
    """Invite the colleague the posted form names into the user's own organisation; a
    refusal shows `page` again with its reason beside the field, the form kept (this page's
    form and the buyer's company page's)."""
    try:
        colleague = colleagues.invite_colleague(
            current_user,
            name=request.form.get("name", ""),
            email=request.form.get("email", ""),
            link_for=lambda token: external_url("auth.reset_password", token=token),
            language=current_language(),  # the letter's, when the inviter saved none
        )
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        return page(
            {f"invite_{exc.field or 'form'}": str(exc.message)},
            invite_form=request.form,
            status=exc.status,
        )
    flash(
        _("%(email)s was added and invited by e-mail to choose a password.", email=colleague.email),
        "success",
    )
    return redirect(done_url)
