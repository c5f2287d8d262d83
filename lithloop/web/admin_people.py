"""Admin pages: the park's own people (invited choosing their role, their role changed) and
the government partner's organisation and its people (services/accounts/park_people.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop.i18n import current_language
from lithloop.models import OrgKind, Role
from lithloop.public_urls import external_url
from lithloop.services.accounts import colleagues, park_people
from lithloop.services.errors import ServiceError
from lithloop.web.access import roles_required
from lithloop.web.organisation import invite_errors

bp = Blueprint("admin_people", __name__, url_prefix="/admin")

PARK, GOVERNMENT = OrgKind.PARK_OPERATOR, OrgKind.GOVERNMENT


def _link(token: str) -> str:
    return external_url("auth.reset_password", token=token)


def _page(kind: OrgKind, errors: dict | None = None, form=None, status: int = 200):
    """The park's or the regulator's people, with the invite form (`form`: the refused one)."""
    org = park_people.park(current_user) if kind is PARK else park_people.government(current_user)
    return render_template(
        "admin/people.html",
        kind=kind,
        park=kind is PARK,
        org=org,
        people=park_people.members(current_user, org),
        is_invited=colleagues.is_invited,
        roles=park_people.PARK_CHOICES if kind is PARK else (Role.GOVERNMENT,),
        errors=errors or {},
        form=form or {},
    ), status


def _done(kind: OrgKind):
    endpoint = "admin_people.park" if kind is PARK else "admin_people.government"
    return redirect(url_for(endpoint, _anchor="people"))


def _invite(kind: OrgKind):
    role = request.form.get("role", "") if kind is PARK else Role.GOVERNMENT.value
    try:
        person = park_people.invite(
            current_user,
            kind,
            name=request.form.get("name", ""),
            email=request.form.get("email", ""),
            role=role,
            link_for=_link,
            language=current_language(),
        )
    except ServiceError as exc:
        if exc.status == 403:
            raise
        return _page(kind, invite_errors(exc), request.form, exc.status)
    flash(
        _("%(email)s was added and invited by e-mail to choose a password.", email=person.email),
        "success",
    )
    return _done(kind)


def _resend(kind: OrgKind, user_id: int):
    try:
        person = park_people.resend(
            current_user, kind, user_id, link_for=_link, language=current_language()
        )
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        return _page(kind, {f"row_{user_id}": str(exc.message)}, status=exc.status)
    flash(
        _(
            "A new invitation was sent to %(email)s. The link in the earlier e-mail no longer "
            "works.",
            email=person.email,
        ),
        "success",
    )
    return _done(kind)


@bp.get("/people")
@roles_required(Role.ADMIN)
def park():
    """The park's people (role, invited or active) and the form that invites one."""
    return _page(PARK)


@bp.post("/people")
@roles_required(Role.ADMIN)
def invite():
    """Invite a colleague into the park choosing their role."""
    return _invite(PARK)


@bp.post("/people/<int:user_id>/invitation")
@roles_required(Role.ADMIN)
def resend(user_id: int):
    """Send a park colleague's open invitation again."""
    return _resend(PARK, user_id)


@bp.post("/people/<int:user_id>/role")
@roles_required(Role.ADMIN)
def change_role(user_id: int):
    """Give a park colleague another role (never the last active administrator's)."""
    try:
        person = park_people.change_role(current_user, user_id, request.form.get("role", ""))
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        return _page(PARK, {f"row_{user_id}": str(exc.message)}, status=exc.status)
    flash(
        _("The role of %(email)s was changed; they were told by e-mail.", email=person.email),
        "success",
    )
    return _done(PARK)


@bp.get("/government")
@roles_required(Role.ADMIN)
def government():
    """The government partner's organisation (a form creating it while there is none) and
    its people."""
    return _page(GOVERNMENT)


@bp.post("/government")
@roles_required(Role.ADMIN)
def create_government():
    """Create the government partner's organisation."""
    try:
        park_people.create_government(current_user, request.form.get("org_name", ""))
    except ServiceError as exc:
        if exc.status == 403:
            raise
        errors = {f"create_{exc.field or 'form'}": str(exc.message)}
        return _page(GOVERNMENT, errors, request.form, exc.status)
    flash(_("The government partner's organisation was created: invite its people."), "success")
    return _done(GOVERNMENT)


@bp.post("/government/people")
@roles_required(Role.ADMIN)
def invite_government():
    """Invite a person of the government partner (role government)."""
    return _invite(GOVERNMENT)


@bp.post("/government/people/<int:user_id>/invitation")
@roles_required(Role.ADMIN)
def resend_government(user_id: int):
    """Send a government partner's person's open invitation again."""
    return _resend(GOVERNMENT, user_id)
