"""Site pages: list, detail, add, edit (own organisation; the park sees all)."""

from __future__ import annotations

from datetime import time

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lithloop.extensions import db
from lithloop.services import sites as site_service
from lithloop.services.errors import ServiceError
from lithloop.services.overview import region_map
from lithloop.web.auth import attach_error
from lithloop.web.forms import SiteForm

bp = Blueprint("sites", __name__, url_prefix="/sites")
PAGE_SIZE = 50


@bp.get("/")
@login_required
def index():
    """The sites the user may see, with a map."""
    page = max(1, request.args.get("page", 1, type=int))
    query = site_service.visible_sites(current_user)
    pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    everything = list(db.session.scalars(query))
    return render_template("sites/index.html", pagination=pagination,
                           map=region_map(everything) if everything else None)


@bp.get("/<int:site_id>")
@login_required
def show(site_id: int):
    """One site; another organisation's answers 404."""
    site = site_service.get_site(current_user, site_id)
    can_edit = site.organisation_id == current_user.organisation_id
    return render_template("sites/show.html", site=site, can_edit=can_edit,
                           map=region_map([site]))


def _input(form: SiteForm) -> site_service.SiteInput:
    return site_service.SiteInput(
        name=form.name.data, lat=float(form.lat.data), lon=float(form.lon.data),
        address=form.address.data or "", city=form.city.data or "",
        district=form.district.data or "", contact_name=form.contact_name.data or "",
        contact_phone=form.contact_phone.data or "", opens_at=form.opens_at.data,
        closes_at=form.closes_at.data)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Add a site to one's own organisation."""
    form = SiteForm()
    if request.method == "GET":
        form.opens_at.data, form.closes_at.data = time(8, 0), time(17, 0)
    if form.validate_on_submit():
        try:
            site = site_service.create_site(current_user, _input(form))
        except ServiceError as exc:
            attach_error(form, exc)
        else:
            flash(_("Site saved."), "success")
            return redirect(url_for("sites.show", site_id=site.id))
    status = 422 if request.method == "POST" else 200
    return render_template("sites/form.html", form=form, site=None), status


@bp.route("/<int:site_id>/edit", methods=["GET", "POST"])
@login_required
def edit(site_id: int):
    """Change a site of one's own organisation."""
    site = site_service.get_site(current_user, site_id)
    if site.organisation_id != current_user.organisation_id:
        return render_template("errors/error.html", status=404,
                               message=_("No such site.")), 404
    form = SiteForm(obj=site)
    if form.validate_on_submit():
        try:
            site_service.update_site(current_user, site_id, _input(form))
        except ServiceError as exc:
            attach_error(form, exc)
        else:
            flash(_("Site saved."), "success")
            return redirect(url_for("sites.show", site_id=site_id))
    status = 422 if request.method == "POST" else 200
    return render_template("sites/form.html", form=form, site=site), status
