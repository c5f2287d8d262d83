"""The park's trucks: /api/v1/trucks (list, one, add, change, retire, put back into service).

The same use cases as the trucks page (services/dispatch/trucks.py) with the same checks;
costs are whole fen, as every amount of the API."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint

from lithloop.services.dispatch import truck_form, trucks
from lithloop.vocab import plates
from lithloop.web.api.common import (
    CLOCK_TIME,
    PAGINATION_HEADER,
    DecimalInput,
    WholeNumber,
    compact_json,
    errors,
    page_args,
    pagination_header,
)
from lithloop.web.api.security import api_user, token_required

blp = Blueprint(
    "api_trucks",
    __name__,
    url_prefix="/api/v1",
    description="The park's trucks: the region's staff read them, dispatchers and admins "
    "change them",
)

LIST_PAGE_SIZE = 50
LIST_MAX_PAGE_SIZE = 200


def _bounds(limits: tuple[int, int], text: str) -> dict:
    """A number's documented range (the service checks it: truck_form's limits)."""
    return {"minimum": limits[0], "maximum": limits[1], "description": text}


class TruckIn(ma.Schema):
    """A truck's values; a change sends them all, as the page's form does."""

    plate = ma.fields.String(
        required=True,
        metadata={"description": f"A Chinese plate such as {plates.EXAMPLE} (read as typed)"},
    )
    model = ma.fields.String(
        load_default="", metadata={"maxLength": truck_form.MODEL_CHARS, "description": "Model"}
    )
    payload_kg = WholeNumber(required=True, metadata=_bounds(truck_form.PAYLOAD_KG, "kg"))
    pallet_places = WholeNumber(required=True, metadata=_bounds(truck_form.PALLETS, "Pallets"))
    hazmat_certified = ma.fields.Boolean(load_default=False)
    tail_lift = ma.fields.Boolean(load_default=False)
    shift_start = ma.fields.Time(required=True, format="%H:%M", metadata={"pattern": CLOCK_TIME})
    shift_end = ma.fields.Time(
        required=True,
        format="%H:%M",
        metadata={"pattern": CLOCK_TIME, "description": "After shift_start, the same day"},
    )
    max_work_h = DecimalInput(
        required=True, metadata=_bounds(truck_form.WORK_HOURS, "Hours a day, one decimal")
    )
    fixed_cost_fen = WholeNumber(
        load_default=0, metadata=_bounds((0, truck_form.MAX_FIXED_FEN), "Fen a day used")
    )
    cost_per_km_fen = WholeNumber(
        load_default=0, metadata=_bounds((0, truck_form.MAX_PER_KM_FEN), "Fen a kilometre")
    )
    cost_per_hour_fen = WholeNumber(
        load_default=0, metadata=_bounds((0, truck_form.MAX_PER_HOUR_FEN), "Fen an hour")
    )
    driver_id = WholeNumber(
        load_default=None, allow_none=True, metadata={"description": "One of the park's drivers"}
    )
    depot_site_id = WholeNumber(
        required=True, metadata={"description": "One of the park operator's sites"}
    )


class TruckChangeIn(TruckIn):
    seen = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=40),
        metadata={
            "description": "The truck's `truck_version` as read: if it was changed since, the "
            "change is refused (409 changed_meanwhile) instead of undoing it"
        },
    )


class SeenIn(ma.Schema):
    seen = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=40),
        metadata={"description": "The truck's `truck_version` as read (409 if changed since)"},
    )


class TruckOut(ma.Schema):
    id = WholeNumber()
    plate = ma.fields.String()
    model = ma.fields.String()
    payload_kg = WholeNumber()
    pallet_places = WholeNumber()
    hazmat_certified = ma.fields.Boolean()
    tail_lift = ma.fields.Boolean()
    shift_start = ma.fields.Time(format="%H:%M")
    shift_end = ma.fields.Time(format="%H:%M")
    max_work_h = ma.fields.Function(
        lambda t: _hours(t.max_work_s), metadata={"type": "string", "format": "decimal"}
    )
    fixed_cost_fen = WholeNumber()
    cost_per_km_fen = WholeNumber()
    cost_per_hour_fen = WholeNumber()
    driver_id = WholeNumber(allow_none=True)
    depot_site_id = WholeNumber()
    active = ma.fields.Boolean(metadata={"description": "False once retired: runs skip it"})
    truck_version = ma.fields.Function(
        trucks.truck_version,
        metadata={"type": "string", "description": "What a change sends as `seen`"},
    )


#: What only the planners see of a truck, as on the pages (the list shows no costs).
PLANNERS_ONLY = ("fixed_cost_fen", "cost_per_km_fen", "cost_per_hour_fen", "truck_version")


def _as_read(found):
    """The truck (or trucks) as JSON for the caller: costs and version for planners only."""
    many = isinstance(found, list)
    hidden = () if trucks.sees_costs(api_user()) else PLANNERS_ONLY
    return compact_json(TruckOut(many=many, exclude=hidden).dump(found))


def _hours(seconds: int) -> str:
    return f"{seconds / 3600:g}"


def _form(data: dict) -> dict:
    """The checked JSON as the service reads a form: text, the costs in fen."""
    form = {k: ("" if v is None else str(v)) for k, v in data.items() if k != "seen"}
    form.update(
        hazmat_certified="1" if data["hazmat_certified"] else "",
        tail_lift="1" if data["tail_lift"] else "",
        shift_start=data["shift_start"].strftime("%H:%M"),
        shift_end=data["shift_end"].strftime("%H:%M"),
        max_work_h=format(data["max_work_h"], "f"),
    )
    return form


_S403_READ = "Only the park's dispatchers, plant operators and admins see its trucks"
_S403_WRITE = "Only dispatchers and admins manage trucks"
_S409_SEEN = "Changed since `seen` (`error` changed_meanwhile)"


@blp.route("/trucks", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(page_args(LIST_PAGE_SIZE, LIST_MAX_PAGE_SIZE), location="query")
@blp.response(200, TruckOut(many=True), headers=PAGINATION_HEADER)
@errors(blp, 401, 403, s403=_S403_READ)
@token_required
def list_trucks(args):
    """The park's trucks, the active ones first, each group by plate, a page at a time
    (`page_size` 50 by default, at most 200; the `X-Pagination` header gives the total).
    The costs and `truck_version` are for dispatchers and admins only, as on the pages."""
    page, size = args["page"], args["page_size"]
    items, total = trucks.truck_page(api_user(), page, size)
    return current_app.response_class(
        _as_read(items), mimetype="application/json", headers=pagination_header(page, size, total)
    )


@blp.route("/trucks", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(TruckIn())
@blp.response(201, TruckOut)
@errors(
    blp,
    401,
    403,
    409,
    413,
    422,
    s403=_S403_WRITE,
    s409="The park already has a truck with this plate (`error` plate_taken, `field` plate)",
)
@token_required
def create_truck(data):
    """Add a truck, in service from the next planning run."""
    return trucks.add_truck(api_user(), _form(data), fen=True), 201


@blp.route("/trucks/<int:truck_id>", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.response(200, TruckOut)
@errors(blp, 401, 403, 404, s403=_S403_READ, s404="No such truck")
@token_required
def get_truck(truck_id: int):
    """One truck, with the `truck_version` a change sends back as `seen` (the costs and the
    version for dispatchers and admins only, as on the pages)."""
    truck = trucks.read_truck(api_user(), truck_id)
    return current_app.response_class(_as_read(truck), mimetype="application/json")


# Its own path, chosen when an id beyond the database's integer on a path with a GET and a
# POST rule was a 405; the converter's pattern now refuses such ids for every method
# (web/converters.py), and the path stays as clients know it.
@blp.route("/trucks/<int:truck_id>/change", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(TruckChangeIn())
@blp.response(200, TruckOut)
@errors(
    blp,
    401,
    403,
    404,
    409,
    413,
    422,
    s403=_S403_WRITE,
    s404="No such truck",
    s409=f"{_S409_SEEN}, or another truck has the plate (`error` plate_taken)",
)
@token_required
def change_truck(data, truck_id: int):
    """Change a truck: every value, as read with its `truck_version` (sent as `seen`)."""
    return trucks.change_truck(api_user(), truck_id, _form(data), data["seen"], fen=True)


@blp.route("/trucks/<int:truck_id>/retire", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(SeenIn())
@blp.response(200, TruckOut)
@errors(
    blp,
    401,
    403,
    404,
    409,
    413,
    s403=_S403_WRITE,
    s404="No such truck",
    s409=f"{_S409_SEEN}, or the truck drives a route of a published plan of today or later "
    "(`error` truck_in_plan; the message names the plans)",
)
@token_required
def retire_truck(data, truck_id: int):
    """Retire a truck: planning runs no longer use it (already retired: unchanged)."""
    return trucks.set_active(api_user(), truck_id, False, data["seen"])


@blp.route("/trucks/<int:truck_id>/reactivate", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(SeenIn())
@blp.response(200, TruckOut)
@errors(blp, 401, 403, 404, 409, 413, s403=_S403_WRITE, s404="No such truck", s409=_S409_SEEN)
@token_required
def reactivate_truck(data, truck_id: int):
    """Put a retired truck back into service from the next planning run."""
    return trucks.set_active(api_user(), truck_id, True, data["seen"])
