"""Each role's home page, and the language switcher."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lithloop.extensions import db
from lithloop.i18n import LANG_COOKIE
from lithloop.models import Role
from lithloop.web import overview

bp = Blueprint("home", __name__)

#: Roles whose home is the page they work from: the government partner's dashboard, the
#: buyer's catalog, the plant's arrivals and packs to grade, the driver's route of the day.
ELSEWHERE = {
    Role.GOVERNMENT: "dashboard.index",
    Role.BUYER: "market.catalog_page",
    Role.PLANT_OPERATOR: "plant.index",
    Role.DRIVER: "driver.today",
}
TEMPLATES = {
    Role.DEALER_STAFF: "home/owner.html",
    Role.FLEET_MANAGER: "home/owner.html",
    Role.DISPATCHER: "home/dispatcher.html",
    Role.ADMIN: "home/admin.html",
}


@bp.get("/")
@login_required
def index():
    """The logged-in user's home, chosen by role."""
    if current_user.role in ELSEWHERE:  # the page that role works from is its home
        return redirect(url_for(ELSEWHERE[current_user.role]))
    context = overview.home_context(current_user)
    return render_template(TEMPLATES[current_user.role], **context)


def _language(code: str) -> str:
    """The code if the platform speaks it, else the default language."""
    return (
        code
        if code in current_app.config["LANGUAGES"]
        else current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def safe_next(target: str | None) -> str:
    """A same-site path to go back to: a local path, never another host (`//x`, `/\\x`)."""
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and "\\" not in target
        and target.isprintable()
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("home.index")


@bp.app_template_global()
def switcher_return() -> str:
    """Where the language switcher goes back to: this page; after a form's answer (a POST,
    whose address answers no GET: the switch led to a 405) the page the form was on."""
    if request.method == "GET":
        return request.full_path if request.query_string else request.path
    referrer = request.referrer or ""
    if referrer.startswith(request.host_url):
        return safe_next(referrer[len(request.host_url) - 1 :])
    return url_for("home.index")


def _switched(code: str, target: str, status: int):
    response = make_response(redirect(target, status))
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.post("/lang/<code>")
def choose_language(code: str):
    """Switch language (the switcher's buttons): remember it in a cookie and on the user
    (their e-mails follow it), and go back to the page the switch was pressed on."""
    code = _language(code)
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code
        db.session.commit()
    return _switched(code, safe_next(request.form.get("next")), 303)


@bp.get("/lang/<code>")
def set_language(code: str):
    """A link to a language (bookmarks, old links): this browser's cookie only, no write;
    the user's saved choice changes through the switcher's POST."""
    referrer = request.referrer or ""
    back = referrer[len(request.host_url) - 1 :] if referrer.startswith(request.host_url) else None
    return _switched(_language(code), safe_next(back), 302)
