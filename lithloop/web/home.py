"""Each role's home page, and the language switcher."""

from __future__ import annotations

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


@bp.get("/lang/<code>")
def set_language(code: str):
    """Switch language, remember it in a cookie and on the user, and go back."""
    if code not in current_app.config["LANGUAGES"]:
        code = current_app.config["BABEL_DEFAULT_LOCALE"]
    target = (
        request.referrer
        if request.referrer and request.referrer.startswith(request.host_url)
        else url_for("home.index")
    )
    response = make_response(redirect(target))
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code
        db.session.commit()
    return response
