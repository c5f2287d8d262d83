"""Printable documents of a planned route: the manifest and the dangerous-goods document."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from lithloop import pdf
from lithloop.extensions import db
from lithloop.models import PlanRoute, PlanStatus, Role
from lithloop.services.accounts import policies
from lithloop.services.dispatch import places, roster
from lithloop.services.dispatch import transport_docs as docs
from lithloop.web.pricing_text import form_name

bp = Blueprint("documents", __name__, url_prefix="/routes")
STAFF = policies.REGION_STAFF

HAZARD = {
    "sp377": _l(
        "SP377: carried for recycling. Pack per P909; mark the packages "
        '"LITHIUM BATTERIES FOR DISPOSAL/RECYCLING".'
    ),
    "sp376": _l("SP376: damaged or defective. Pack per P908 / LP904; keep apart from intact lots."),
    "sp376_reactive": _l(
        "SP376, liable to react dangerously (swollen, leaking, after a "
        "thermal event). Pack per P911 / LP906 only; no stacking, load "
        "last, keep away from heat; call the park before moving if hot "
        "or smoking."
    ),
    "none": _l("Black mass is not a battery: not carried as UN3480; classify it separately."),
}
LABELS = {
    "title": _l("Dangerous goods transport document"),
    "route": _l("Route number"),
    "date": _l("Date"),
    "carrier": _l("Carrier"),
    "vehicle": _l("Vehicle plate"),
    "driver": _l("Driver"),
    "consignee": _l("Consignee"),
    "consignor": _l("Consignor"),
    "trip": _l("Trip"),
    "un": _l("UN number"),
    "name": _l("Proper shipping name"),
    "class": _l("Class"),
    "pg": _l("Packing group"),
    "sp": _l("Special provision"),
    "pi": _l("Packing instruction"),
    "packages": _l("Number and description of packages"),
    "mass": _l("Total mass (kg)"),
    "tunnel": _l("Tunnel restriction code"),
    "lq": _l("Limited quantity"),
    "emergency": _l("Emergency contact"),
    "signatures": _l("Signatures"),
    "sign_consignor": _l("Consignor (site): name, signature, time"),
    "sign_driver": _l("Driver: name, signature, time"),
    "sign_consignee": _l("Consignee (park): name, signature, time"),
    "other": _l("Goods not carried as UN3480"),
    "total": _l("Total"),
    "booking": _l("Booking"),
    "basis": _l("Basis"),
}


def bilingual(key: str) -> Markup:
    """A document label in Chinese with the English below it, whatever the page language."""
    label = LABELS[key]
    with force_locale("zh_CN"):
        zh = str(label)
    with force_locale("en"):
        en = str(label)
    return Markup(
        '<span class="zh" lang="zh-CN">{}</span> <span class="en" lang="en">{}</span>'
    ).format(escape(zh), escape(en))


def _route(route_id: int) -> PlanRoute:
    """The route if the user may print its documents; 404 otherwise (no hint it exists)."""
    route = db.session.get(PlanRoute, route_id)
    if route is None:
        abort(404)
    if current_user.role in STAFF:
        return route
    if (
        current_user.role is Role.DRIVER
        and route.truck_id in roster.trucks_of(current_user, route.plan.plan_date)
        and route.plan.status is PlanStatus.PUBLISHED
    ):
        return route
    abort(404)


def _context(route: PlanRoute) -> dict:
    return {
        "route": route,
        "plan": route.plan,
        "truck": route.truck,
        "driver": roster.driver_of(route),
        "hazard_text": lambda lot: str(HAZARD[docs.lot_hazard(lot)]),
        "form_name": form_name,
        "docs": docs,
        "joins_place": places.joins_place,
        "place_count": places.place_count,
    }


@bp.get("/<int:route_id>/manifest")
@login_required
def manifest(route_id: int):
    """The manifest of a route: stops in order, lots, codes, hazards, totals per trip."""
    route = _route(route_id)
    page = render_template(
        "documents/manifest.html",
        trips=docs.split_trips(route),
        totals=places.route_totals(route),
        **_context(route),
    )
    if pdf.wants_pdf():
        return pdf.pdf_response(page, str(_l("Manifest")), f"manifest-R{route.id}.pdf")
    return page


@bp.get("/<int:route_id>/dangerous-goods")
@login_required
def dangerous_goods(route_id: int):
    """The ADR / JT/T 617 dangerous-goods transport document of a route, bilingual."""
    route = _route(route_id)
    page = render_template(
        "documents/dangerous_goods.html",
        document=docs.dangerous_goods(route),
        bi=bilingual,
        **_context(route),
    )
    if pdf.wants_pdf():
        title = str(LABELS["title"])
        return pdf.pdf_response(page, title, f"dangerous-goods-R{route.id}.pdf")
    return page
