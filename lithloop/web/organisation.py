"""A dealer branch's or bus company's own page: its people, inviting a colleague, sending an
open invitation again, and removing a colleague (after a confirmation page).

(A buyer's company page, web/company.py, shows the same people and forms beside its
invoice details; both call services/accounts/colleagues.py through the helpers below.)
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
from lithloop.web.access import log_out, roles_required

bp = Blueprint("organisation", __name__, url_prefix="/organisation")
#: Who has this page: the staff of dealer branches and bus companies (buyers: company.company).
STAFF = (Role.DEALER_STAFF, Role.FLEET_MANAGER)


def _page(errors: dict | None = None, invite_form=None, status: int = 200):
    return render_template(
        "organisation/index.html",
        colleagues=colleagues.members(current_user),
        is_invited=colleagues.is_invited,
        leave_refused=colleagues.removal_refused(current_user, current_user.id),
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


@bp.post("/colleagues/<int:user_id>/invitation")
@roles_required(*STAFF)
def resend(user_id: int):
    """Send a colleague's open invitation again: a new link, the earlier one stops working."""
    return resend_posted(user_id, _page, url_for("organisation.index", _anchor="people"))


@bp.get("/colleagues/<int:user_id>/remove")
@roles_required(*STAFF)
def confirm_remove(user_id: int):
    """Ask before removing a colleague (a page, so it works without JavaScript)."""
    return remove_page(user_id, "organisation")


@bp.post("/colleagues/<int:user_id>/remove")
@roles_required(*STAFF)
def remove(user_id: int):
    """Remove a colleague: their account can no longer log in or use its API tokens."""
    return remove_posted(user_id, "organisation")


def invite_errors(exc: ServiceError) -> dict[str, str]:
    """An invitation form's refusals by field (`invite_<field>`): the service's, and on a
    422 every other field's problem at once, not one per try."""
    errors = {f"invite_{exc.field or 'form'}": str(exc.message)}
    if exc.status == 422:
        form = request.form
        for field, message in colleagues.invite_problems(
            form.get("name"), form.get("email")
        ).items():
            errors.setdefault(f"invite_{field}", message)
    return errors


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
        return page(invite_errors(exc), invite_form=request.form, status=exc.status)
    flash(
        _("%(email)s was added and invited by e-mail to choose a password.", email=colleague.email),
        "success",
    )
    return redirect(done_url)


def resend_posted(user_id: int, page, done_url: str):
    """Send the open invitation of the colleague `user_id` again; a refusal (already
    accepted, the organisation's limit reached) shows `page` again with it beside the row."""
    try:
        colleague = colleagues.resend_invitation(
            current_user,
            user_id,
            link_for=lambda token: external_url("auth.reset_password", token=token),
            language=current_language(),
        )
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        return page({f"row_{user_id}": str(exc.message)}, status=exc.status)
    flash(
        _(
            "A new invitation was sent to %(email)s. The link in the earlier e-mail no longer "
            "works.",
            email=colleague.email,
        ),
        "success",
    )
    return redirect(done_url)


def remove_page(user_id: int, blueprint: str, error: str = "", status: int = 200, form=None):
    """The confirmation page of removing a colleague (`blueprint`: organisation or company),
    saying at once, with no button, why a removal would be refused; `form`: the posted one,
    kept with its refused reason beside the field."""
    colleague = colleagues.colleague_of(current_user, user_id)
    form = form or {}
    error = error or colleagues.removal_refused(current_user, user_id)
    return render_template(
        "organisation/remove.html",
        colleague=colleague,
        leaving=colleague.id == current_user.id,
        action=url_for(f"{blueprint}.remove", user_id=user_id),
        back=_people_url(blueprint),
        error=error,
        reason=form.get("reason", ""),
        reason_error=form.get("reason_error", ""),
        reason_max=colleagues.REASON_MAX,
    ), status


def remove_posted(user_id: int, blueprint: str):
    """Remove the colleague `user_id` (oneself included: then logged out) with the optional
    reason typed; a refusal shows the confirmation page again saying why."""
    reason = request.form.get("reason", "")
    try:
        colleague = colleagues.remove_colleague(current_user, user_id, reason)
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        if exc.field == "reason":  # the form again, the reason kept beside its error
            form = {"reason": reason, "reason_error": str(exc.message)}
            return remove_page(user_id, blueprint, status=exc.status, form=form)
        return remove_page(user_id, blueprint, str(exc.message), exc.status)
    if colleague.id == current_user.id:
        log_out()
        flash(_("You have left your organisation: this account can no longer log in."), "info")
        return redirect(url_for("auth.login"))
    flash(
        _(
            "%(email)s was removed: the account can no longer log in or use its API tokens.",
            email=colleague.email,
        ),
        "success",
    )
    return redirect(_people_url(blueprint))


def _people_url(blueprint: str) -> str:
    if blueprint == "company":
        return url_for("company.company", _anchor="people")
    return url_for("organisation.index", _anchor="people")
