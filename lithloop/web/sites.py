"""Site pages: list, detail, add, edit (own organisation; the park sees all)."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lithloop.extensions import db
from lithloop.labels.places import place_word
from lithloop.name_order import name_key
from lithloop.services import paging
from lithloop.services.accounts import policies
from lithloop.services.booking import geocoding, reach
from lithloop.services.booking import sites as site_service
from lithloop.services.errors import ServiceError
from lithloop.services.strict_input import check_direction
from lithloop.web.access import roles_required
from lithloop.web.auth import attach_error
from lithloop.web.forms import SiteForm
from lithloop.web.overview import picker_map, region_map
from lithloop.web.place_names import city_name
from lithloop.web.query_args import page_arg

bp = Blueprint("sites", __name__, url_prefix="/sites")
PAGE_SIZE = 50
#: The form's text fields, as SiteInput names them.
TEXT_FIELDS = ("name", "address", "city", "district", "contact_name", "contact_phone")


@bp.get("/")
@roles_required(*policies.RECORD_READERS)
def index():
    """The sites the user may see, with a map: by city, then by name, each as the reader
    looks one up (name_order.name_key: pinyin in Chinese, letters in English)."""
    page = page_arg()
    query = site_service.visible_sites(current_user)
    everything = list(db.session.scalars(query))
    ordered = sorted(
        everything, key=lambda s: (name_key(city_name(s.city)), name_key(s.name), s.id)
    )
    start = (page - 1) * PAGE_SIZE
    return render_template(
        "sites/index.html",
        pagination=paging.counted(
            ordered[start : start + PAGE_SIZE], page=page, per_page=PAGE_SIZE, total=len(ordered)
        ),
        total=len(ordered),
        map=region_map(everything, whole=request.args.get("map") == "all") if everything else None,
    )


@bp.get("/<int:site_id>")
@roles_required(*policies.RECORD_READERS)
def show(site_id: int):
    """One site; another organisation's answers 404."""
    site = site_service.get_site(current_user, site_id)
    return render_template(
        "sites/show.html",
        site=site,
        map=region_map([site]),
        far=reach.warning(site.lat, site.lon, site),
        # the next step from a site of one's own: book a pickup there (not where it is refused)
        takes_bookings=policies.may(current_user, "book")
        and site.organisation_id == current_user.organisation_id
        and reach.booking_refusal(site) is None,
    )


def _input(form: SiteForm) -> site_service.SiteInput:
    return site_service.SiteInput(
        name=form.name.data,
        lat=float(form.lat.data),
        lon=float(form.lon.data),
        address=form.address.data or "",
        city=form.city.data or "",
        district=form.district.data or "",
        contact_name=form.contact_name.data or "",
        contact_phone=form.contact_phone.data or "",
        opens_at=form.opens_at.data,
        closes_at=form.closes_at.data,
    )


def _service_problems(form: SiteForm, site=None) -> None:
    """The service's checks on what the form's own checks let through, each beside its field
    (the first reason), so that every problem is said in one round: a mistyped phone number
    and a position beyond the region, not the phone first and the position on the next try.
    A field the form refused is checked as if left blank (its own reason stands); without a
    usable position, the other fields are checked (the form says to place the site)."""
    placed = not any(f.errors or f.data is None for f in (form.lat, form.lon))
    timed = not any(f.errors or f.data is None for f in (form.opens_at, form.closes_at))
    kept = {n: "" if form[n].errors else form[n].data or "" for n in TEXT_FIELDS}
    data = site_service.SiteInput(
        lat=float(form.lat.data) if placed else 0.0,  # (its problems are not said)
        lon=float(form.lon.data) if placed else 0.0,
        opens_at=form.opens_at.data if timed else time(8),
        closes_at=form.closes_at.data if timed else time(17),
        **kept,
    )
    for name, message in site_service.site_problems(data, site or current_user).items():
        field = getattr(form, name, None)
        if name in ("lat", "lon") and not placed:
            continue
        if field is not None and not field.errors:
            field.errors = [message]


def _submit(form: SiteForm, save, site=None):
    """Handle the form: 'locate' geocodes the address and shows the pin; 'save' saves."""
    form.name.label.text = place_word("name", site or current_user)  # a depot's name
    located = None
    if request.method == "POST" and "locate" in request.form:
        parts = (form.city, form.district, form.address)
        try:
            for part in parts:  # a direction control is refused beside the field holding it
                check_direction(part.data or "", part.name)
            located = geocoding.locate(" ".join(filter(None, [p.data for p in parts])))
        except ServiceError as exc:
            field = form._fields.get(exc.field or "", form.address)
            field.errors = [str(exc.message)]
        else:
            form.lat.data, form.lon.data = Decimal(str(located.lat)), Decimal(str(located.lon))
            form.lat.raw_data = form.lon.raw_data = None
        return render_template(
            "sites/form.html",
            form=form,
            site=site,
            located=located,
            precision=_precision_words(located.precision) if located else "",
            picker=picker_map(form),
        ), 200 if located else 422
    if form.validate_on_submit():
        try:
            saved = save(_input(form))
        except ServiceError as exc:
            if exc.status == 422:  # every field's problem at once, not one per try
                _service_problems(form, site)
            field = getattr(form, exc.field or "", None)
            if field is None or not field.errors:  # (said already, beside its field)
                attach_error(form, exc)
        else:
            flash(place_word("saved", saved), "success")  # a site too far says so on its page, once
            return redirect(url_for("sites.show", site_id=saved.id))
    elif request.method == "POST" and "csrf_token" not in form.errors:
        _service_problems(form, site)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "sites/form.html", form=form, site=site, located=None, picker=picker_map(form)
    ), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*site_service.SITE_EDITORS)
def create():
    """Add a site to one's own organisation."""
    form = SiteForm()
    if request.method == "GET":
        form.opens_at.data, form.closes_at.data = time(8, 0), time(17, 0)
    return _submit(form, lambda data: site_service.create_site(current_user, data))


@bp.route("/<int:site_id>/edit", methods=["GET", "POST"])
@roles_required(*site_service.SITE_EDITORS)
def edit(site_id: int):
    """Change a site of one's own organisation."""
    site = site_service.get_site(current_user, site_id)
    if not policies.may_edit_site(current_user, site):
        return render_template("errors/error.html", status=404, message=_("No such site.")), 404
    form = SiteForm(obj=site)
    return _submit(form, lambda data: site_service.update_site(current_user, site_id, data), site)


def _precision_words(precision: str) -> str:
    """How exactly the geocoder placed the address, in words."""
    return {
        "address": _("to the building"),
        "street": _("to the street"),
        "place": _("to the district or town only"),
    }.get(precision, _("to the area only"))
