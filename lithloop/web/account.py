"""The account page: change the password, log out everywhere, list and revoke API tokens;
an administrator's list of everyone's live tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from lithloop.models import Role
from lithloop.services.accounts import api_tokens, login_sessions, policies
from lithloop.services.accounts import registration as accounts
from lithloop.services.errors import ServiceError
from lithloop.web.access import VERSION, roles_required
from lithloop.web.auth import attach_error
from lithloop.web.forms import ChangePasswordForm
from lithloop.web.query_args import page_arg

bp = Blueprint("account", __name__)


def _page(form: ChangePasswordForm | None = None, status: int = 200):
    return render_template(
        "account/index.html",
        form=form or ChangePasswordForm(),
        tokens=api_tokens.tokens_of(current_user),
        state_of=api_tokens.state_of,
    ), status


@bp.get("/account")
@login_required
def index():
    """The user's own account: password, sessions, API tokens."""
    return _page()


@bp.post("/account/password")
@login_required
def change_password():
    """Change the password; every other session of the account ends, this one stays."""
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        version = accounts.change_password(current_user, form.current.data, form.password.data)
    except ServiceError as exc:
        attach_error(form, exc)
        return _page(form, exc.status)
    session[VERSION] = version
    flash(_("Your password was changed; your other sessions were logged out."), "success")
    return redirect(url_for("account.index"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    """End every session of the account, on every device, this one included."""
    login_sessions.log_out_everywhere(current_user)
    logout_user()
    session.clear()
    flash(_("You were logged out on every device."), "success")
    return redirect(url_for("auth.login"))


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one of your API tokens (an administrator: anyone's)."""
    token = api_tokens.revoke(current_user, token_id)
    flash(_("API token %(prefix)s… revoked.", prefix=token.prefix), "success")
    if request.form.get("back") == "admin" and policies.may(current_user, "administer"):
        return redirect(url_for("account.all_tokens"))
    return redirect(url_for("account.index"))


@bp.get("/admin/tokens")
@roles_required(Role.ADMIN)
def all_tokens():
    """Every API token still working, whoever holds it, for an administrator to review."""
    page = page_arg()
    return render_template(
        "account/all_tokens.html", result=api_tokens.working_tokens(current_user, page)
    )
