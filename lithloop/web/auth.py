"""Log in and out, register, reset a forgotten password."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop.i18n import current_language
from lithloop.models import OrgKind
from lithloop.public_urls import external_url
from lithloop.services.accounts import password_reset, registration_confirm, sign_in
from lithloop.services.accounts import registration as accounts
from lithloop.services.errors import ServiceError
from lithloop.web.access import log_in, log_out
from lithloop.web.forms import (
    ConfirmRegistrationForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from lithloop.web.rate_limits import LOGIN_SCOPE, rate_limited

bp = Blueprint("auth", __name__)


def login_limit() -> str:
    """The configured rate limit of login attempts."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    if target and not urlparse(target).netloc and target.startswith("/"):
        return target
    return url_for("home.index")


def attach_error(form, exc: ServiceError) -> None:
    """Show a service's message beside its field (or above the form)."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, str(exc.message)]
    else:
        form.form_errors.append(str(exc.message))


def too_many_logins():
    """The login page again (429): why, and the e-mail as typed (never the password)."""
    form = LoginForm()
    form.form_errors.append(_("Too many attempts. Wait a minute and try again."))
    return render_template("auth/login.html", form=form), 429


def too_many_registrations():
    """The registration page again (429): why, and what was typed (never the passwords)."""
    form = RegisterForm()
    form.form_errors.append(_("Too many attempts. Wait a minute and try again."))
    return render_template("auth/register.html", form=form), 429


def too_many_reset_requests():
    """The reset request page again (429): why, and the e-mail as typed."""
    form = ResetRequestForm()
    form.form_errors.append(_("Too many attempts. Wait a minute and try again."))
    return render_template("auth/reset_request.html", form=form), 429


@bp.route("/login", methods=["GET", "POST"])
# one count with /api/v1/auth/token
@rate_limited(login_limit, scope=LOGIN_SCOPE, refused=too_many_logins)
def login():
    """The login form."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = sign_in.authenticate(
                form.email.data,
                form.password.data,
                address=request.remote_addr or "",
                language=current_language(),
            )
        except ServiceError as exc:
            attach_error(form, exc)
            status = exc.status
        else:
            log_in(user)
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    """End the session, on the server too (a saved copy of the cookie stops working)."""
    log_out()
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@rate_limited(login_limit, refused=too_many_registrations)
def register():
    """Register an organisation: a letter to the address, whether it has an account or not
    (buyers start once they confirm it, dealers and bus companies wait for the park too)."""
    form = RegisterForm()
    if not form.is_submitted():
        # a link may choose the type (?kind=buyer); anything else leaves it to be chosen
        kinds = {choice.value for choice in form.kind.choices if choice.value}
        if request.args.get("kind") in kinds:
            form.kind.data = request.args["kind"]
        return render_template("auth/register.html", form=form)
    valid = form.validate()
    problems = accounts.registration_problems(  # every field's problem in the same round
        organisation=form.organisation.data or "",
        name=form.name.data or "",
        email=form.email.data or "",
        password=form.password.data or "",
        phone=form.phone.data or "",
        city=form.city.data or "",
        taken=not getattr(getattr(form, "csrf_token", None), "errors", None),
    )
    for problem in problems:
        field = getattr(form, problem.field, None) if problem.field else None
        if field is None or not field.errors:  # "required" already says it for an empty one
            attach_error(form, problem)
    if not valid or problems:
        taken_only = valid and all(p.status == 409 for p in problems)
        return render_template("auth/register.html", form=form), 409 if taken_only else 422
    try:
        accounts.request_registration(
            kind=OrgKind(form.kind.data),
            organisation=form.organisation.data,
            name=form.name.data,
            email=form.email.data,
            password=form.password.data,
            link_for=lambda token: external_url("auth.confirm_registration", token=token),
            city=form.city.data or "",
            phone=form.phone.data or "",
            locale=current_language(),  # the page's language: their letters follow it
        )
    except ServiceError as exc:
        attach_error(form, exc)
        return render_template("auth/register.html", form=form), exc.status
    # The same answer whether the address has an account or not: the letter tells which.
    flash(
        _(
            "Thank you. We sent a mail to %(email)s: open it to go on (look in the spam "
            "folder too).",
            email=accounts.normalise_email(form.email.data),
        ),
        "info",
    )
    return redirect(url_for("auth.login"))


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@rate_limited(login_limit)  # the password is asked: guesses are counted
def confirm_registration(token: str):
    """Confirm the e-mail through the mailed link (the password asked again): buyers are
    logged in, dealers and bus companies wait for the park."""
    try:
        pending = registration_confirm.pending_for_token(token)
    except ServiceError as exc:
        return render_template("auth/confirm_invalid.html", message=str(exc.message)), 400
    # read now: a refused confirmation rolls back, and the row may be gone by then
    registering = {"org": pending.organisation, "email": pending.email}
    form = ConfirmRegistrationForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            user = registration_confirm.confirm_registration(token, form.password.data)
        except ServiceError as exc:
            attach_error(form, exc)
            status = exc.status
        else:
            if user.is_active:
                log_in(user)
                flash(_("Welcome to lithloop."), "success")
                return redirect(url_for("home.index"))
            flash(
                _(
                    "Thank you. The park will review your registration; you can log in once "
                    "it is approved."
                ),
                "info",
            )
            return redirect(url_for("auth.login"))
    page = render_template("auth/confirm_registration.html", form=form, **registering)
    return page, status


@bp.route("/reset", methods=["GET", "POST"])
@rate_limited(login_limit, refused=too_many_reset_requests)
def reset_request():
    """Ask for a reset link; the answer is the same whether the address exists or not."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        try:
            password_reset.request_password_reset(
                form.email.data,
                lambda token: external_url("auth.reset_password", token=token),
                language=current_language(),  # for a user who saved none: the page's
            )
        except ServiceError as exc:
            attach_error(form, exc)
        else:
            flash(_("If an account uses this address, a reset link is on its way."), "info")
            return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200  # refused: the errors beside the field
    return render_template("auth/reset_request.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through a link from the mail."""
    form = ResetPasswordForm()
    try:
        user = password_reset.user_for_reset_token(token)
    except ServiceError as exc:
        return render_template("auth/reset_invalid.html", message=str(exc.message)), 400
    # an invitation's link is a reset link: its invitee chooses a first password, not a new one
    invited = user.invited_at is not None
    if invited:  # a first password: "New password" read as if one had been set before
        form.password.label.text = _("Password")
    if form.validate_on_submit():
        try:
            password_reset.reset_password(token, form.password.data)
        except ServiceError as exc:
            attach_error(form, exc)
        else:
            if invited:
                flash(
                    _(
                        "Your password is set: log in with your e-mail %(email)s and that "
                        "password.",
                        email=user.email,
                    ),
                    "success",
                )
            else:
                flash(_("Your password was changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "auth/reset_password.html", form=form, invitee=user if invited else None
    ), status
