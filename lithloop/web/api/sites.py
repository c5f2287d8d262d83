"""GET /api/v1/sites and /api/v1/sites/<id>: the caller's sites (the park sees all)."""

from __future__ import annotations

from datetime import time

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from lithloop.extensions import db
from lithloop.services.accounts import policies
from lithloop.services.booking import geocoding
from lithloop.services.booking import sites as site_service
from lithloop.web.api.common import CLOCK_TIME, PlainFloat, WholeNumber, errors
from lithloop.web.api.security import api_user, token_required

blp = Blueprint(
    "api_sites",
    __name__,
    url_prefix="/api/v1/sites",
    description="Sites of the caller's organisation",
)


class SiteSchema(ma.Schema):
    id = WholeNumber(dump_only=True)
    organisation_id = WholeNumber(dump_only=True)
    kind = ma.fields.Function(lambda s: s.kind.value, dump_only=True)
    name = ma.fields.String()
    address = ma.fields.String()
    city = ma.fields.String()
    district = ma.fields.String()
    lat = PlainFloat()
    lon = PlainFloat()
    contact_name = ma.fields.String()
    contact_phone = ma.fields.String()
    opens_at = ma.fields.Time(format="%H:%M")
    closes_at = ma.fields.Time(format="%H:%M")


class SiteIn(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    lat = PlainFloat(
        validate=ma.validate.Range(min=-90, max=90),
        metadata={"description": "Omit lat and lon to geocode the address"},
    )
    lon = PlainFloat(validate=ma.validate.Range(min=-180, max=180))
    address = ma.fields.String(load_default="", validate=ma.validate.Length(max=300))
    city = ma.fields.String(load_default="", validate=ma.validate.Length(max=100))
    district = ma.fields.String(load_default="", validate=ma.validate.Length(max=100))
    contact_name = ma.fields.String(load_default="", validate=ma.validate.Length(max=100))
    contact_phone = ma.fields.String(load_default="", validate=ma.validate.Length(max=40))
    opens_at = ma.fields.Time(
        load_default=time(8, 0), format="%H:%M", metadata={"pattern": CLOCK_TIME}
    )
    closes_at = ma.fields.Time(
        load_default=time(17, 0), format="%H:%M", metadata={"pattern": CLOCK_TIME}
    )

    @ma.validates_schema
    def _both_coordinates_or_neither(self, data, **kwargs):
        """lat without lon (or the reverse) is a mistake, not a request to geocode."""
        given = [k for k in ("lat", "lon") if k in data]
        if len(given) == 1:
            missing = "lon" if given == ["lat"] else "lat"
            raise ma.ValidationError(
                _l("Give both lat and lon, or neither to locate the site by its address."),
                field_name=missing,
            )


@blp.route("/", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(SiteIn())
@blp.response(201, SiteSchema)
@errors(
    blp,
    400,
    401,
    403,
    413,
    503,
    s403="The caller's role does not add sites",
    s503="The map service is not answering; send lat and lon",
)
@token_required
def create_site(data):
    """Add a site to the caller's organisation; without lat/lon the address is geocoded."""
    site_service.require_site_editor(api_user())
    if "lat" not in data or "lon" not in data:
        where = geocoding.locate(
            " ".join(filter(None, [data["city"], data["district"], data["address"]]))
        )
        data = {**data, "lat": where.lat, "lon": where.lon}
    return site_service.create_site(api_user(), site_service.SiteInput(**data))


@blp.route("/", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.response(200, SiteSchema(many=True))
@errors(blp, 401, 403, s403="Drivers see their stops' sites on the driver page")
@token_required
def list_sites():
    """The sites the caller may see (the park sees all), ordered by name, then by id.

    The order is stable: sites with the same name come oldest first (by `id`)."""
    policies.require_record_reader(api_user())
    return list(db.session.scalars(site_service.sites_by_name_then_id(api_user())))


@blp.route("/<int:site_id>")
@blp.doc(security=[{"bearer": []}])
@blp.response(200, SiteSchema)
@errors(
    blp,
    401,
    403,
    404,
    s404="No such site, or another organisation's",
    s403="Drivers see their stops' sites on the driver page",
)
@token_required
def get_site(site_id: int):
    """One site; another organisation's answers 404."""
    policies.require_record_reader(api_user())
    return site_service.get_site(api_user(), site_id)
