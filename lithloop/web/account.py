"""The account page: change the password, log out everywhere, create, list and revoke API
tokens; an administrator's list of everyone's live tokens."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user

from lithloop.models import Role
from lithloop.services.accounts import api_tokens, login_sessions, policies, sign_in
from lithloop.services.errors import AuthError, ServiceError
from lithloop.web import one_time_secret
from lithloop.web.access import VERSION, roles_required
from lithloop.web.auth import attach_error, login_limit
from lithloop.web.forms import ApiTokenForm, ChangePasswordForm
from lithloop.web.query_args import page_arg
from lithloop.web.rate_limits import LOGIN_SCOPE, rate_limited

bp = Blueprint("account", __name__)
NEW_TOKEN = "new_api_token"  # noqa: S105 (its name in one_time_secret, not a secret)


def _page(
    form: ChangePasswordForm | None = None,
    status: int = 200,
    *,
    token_form: ApiTokenForm | None = None,
    **shown,
):
    return render_template(
        "account/index.html",
        form=form or ChangePasswordForm(formdata=None),
        token_form=token_form or _token_form(formdata=None),
        tokens=api_tokens.tokens_of(current_user),
        state_of=api_tokens.state_of,
        **shown,
    ), status


def _token_form(**kwargs) -> ApiTokenForm:
    """The new-token form, offering a few lifetimes up to the API's longest, the default
    (API_TOKEN_DAYS) chosen."""
    default = api_tokens.default_days()
    form = ApiTokenForm(expires_in_days=default, **kwargs)
    days = sorted(
        {30, 90, 180, api_tokens.MAX_DAYS, default} & set(range(1, api_tokens.MAX_DAYS + 1))
    )
    form.expires_in_days.choices = [(n, ngettext("%(num)d day", "%(num)d days", n)) for n in days]
    return form


@bp.get("/account")
@login_required
def index():
    """The user's own account: password, sessions, API tokens; a token just created is
    shown here once (taken from the session, where it came sealed)."""
    token = one_time_secret.take(NEW_TOKEN)
    if token is None:
        return _page()
    page, status = _page(new_token=token, new_token_expires=api_tokens.expiry_of(token))
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"  # nor kept in a cache
    return response


@bp.post("/account/password")
@login_required
def change_password():
    """Change the password; every other session of the account ends, this one stays."""
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        version = sign_in.change_password(current_user, form.current.data, form.password.data)
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


def _too_many_token_attempts():
    """The account page again (429): the password is asked too often, as on the login page."""
    form = _token_form()
    form.token_password.errors = [_("Too many attempts. Wait a minute and try again.")]
    return _page(token_form=form, status=429)


@bp.post("/account/tokens")
@login_required
# one count with the login page and /api/v1/auth/token: each checks a password
@rate_limited(login_limit, scope=LOGIN_SCOPE, refused=_too_many_token_attempts)
def create_token():
    """Create an API token as POST /api/v1/auth/token does, the password asked again (a
    stolen session alone makes none), then redirect to the account page, which shows it
    once: reloading that page makes no other token. The token is never in a URL, a flash,
    a log or, in clear, the session cookie (one_time_secret seals it there)."""
    form = _token_form()
    if not form.validate_on_submit():
        return _page(token_form=form, status=422)
    try:
        user = sign_in.check_credentials(
            current_user.email, form.token_password.data, address=request.remote_addr or ""
        )
        token = api_tokens.issue_api_token(user, form.name.data or "", form.expires_in_days.data)
    except AuthError as exc:  # wrong password (or locked): beside the password
        wrong = exc.code == AuthError.code
        message = _("The current password is wrong.") if wrong else str(exc.message)
        form.token_password.errors = [*form.token_password.errors, message]
        return _page(token_form=form, status=exc.status)
    except ServiceError as exc:
        attach_error(form, exc)
        return _page(token_form=form, status=exc.status)
    one_time_secret.put(NEW_TOKEN, token)
    return redirect(url_for("account.index", _anchor="new-token"), 303)


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
