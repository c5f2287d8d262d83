"""Pack passports: GET /api/v1/passports/<code> (public, no login) and
GET /api/v1/passports/<code>/full (the full passport, as on the page /packs/<code>)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from lithloop.services.accounts import policies
from lithloop.services.packs import passports
from lithloop.web.api.common import DecimalString, WholeNumber, errors
from lithloop.web.api.security import api_user, token_required

blp = Blueprint(
    "api_passports",
    __name__,
    url_prefix="/api/v1/passports",
    description="Battery passports: the public view (no personal or commercial data), and "
    "the full passport for the park, the pack's owner and the government partner",
)


class PassportEventOut(ma.Schema):
    at = ma.fields.Date(metadata={"description": "Date of the event (Beijing time)"})
    kind = ma.fields.String(metadata={"description": "Event kind, e.g. received, graded, sold"})
    pack = ma.fields.String(
        metadata={
            "description": "Code of the pack the event belongs to "
            "(a parent's code for a parent's event)"
        }
    )


class PassportOut(ma.Schema):
    code = ma.fields.String(metadata={"description": "GB/T 34014 code"})
    chemistry = ma.fields.String()
    rated_kwh = DecimalString(allow_none=True)
    mass_kg = DecimalString()
    state = ma.fields.String(
        metadata={
            "description": "received, raw, aging, finished, reserved, sold, consumed or dismantled"
        }
    )
    grade = ma.fields.String(allow_none=True, metadata={"description": "A, B, C or S"})
    soh_pct = DecimalString(allow_none=True)
    refurbished = ma.fields.Boolean()
    parents = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "Codes of the packs a refurbished pack was built from"},
    )
    events = ma.fields.List(ma.fields.Nested(PassportEventOut))


@blp.route("/<code>", methods=["GET"])
@blp.response(200, PassportOut)
@errors(blp, 404, s404="No pack has this code")
def get_passport(code: str):
    """A pack's public passport: identity, capacity, state and its public events."""
    return passports.public_view(passports.get_pack(code))


class FullEventOut(ma.Schema):
    id = WholeNumber()
    at = ma.fields.DateTime(metadata={"description": "When it happened (UTC)"})
    kind = ma.fields.String(metadata={"description": "Event kind, e.g. received, graded, sold"})
    pack = ma.fields.String(
        metadata={
            "description": "Code of the pack the event belongs to "
            "(a parent's code for a parent's event)"
        }
    )
    public = ma.fields.Boolean(metadata={"description": "Shown on the public passport"})
    recorded_by = ma.fields.String(allow_none=True, metadata={"description": "Who recorded it"})
    organisation = ma.fields.String(
        allow_none=True, metadata={"description": "The organisation that recorded it"}
    )
    corrects = WholeNumber(allow_none=True, metadata={"description": "The event it corrects"})
    report_due = ma.fields.Date(
        allow_none=True, metadata={"description": "A handover's upload deadline (Beijing date)"}
    )
    reported_at = ma.fields.DateTime(allow_none=True)


class FullPassportOut(PassportOut):
    original_code = ma.fields.String(allow_none=True)
    owner = ma.fields.String(
        allow_none=True, metadata={"description": "The organisation that handed it to the park"}
    )
    buyer = ma.fields.String(allow_none=True)
    vehicle_plate = ma.fields.String(allow_none=True)
    booking_id = WholeNumber(allow_none=True)
    events = ma.fields.List(ma.fields.Nested(FullEventOut))


def full_view(pack) -> dict:
    """The full passport's fields: the public view, its owner and buyer, every event."""
    events = [
        {
            "id": e.event.id,
            "at": e.event.at,
            "kind": e.event.kind,
            "pack": e.pack_code,
            "public": e.event.public,
            "recorded_by": e.who,
            "organisation": e.organisation,
            "corrects": e.event.corrects_id,
            "report_due": e.event.report_due,
            "reported_at": e.event.reported_at,
        }
        for e in passports.chain(pack)
    ]
    return {
        **passports.public_view(pack),
        "original_code": pack.original_code,
        "owner": pack.owner.name if pack.owner else None,
        "buyer": pack.buyer.name if pack.buyer else None,
        "vehicle_plate": pack.vehicle_plate,
        "booking_id": pack.booking_id,
        "events": events,
    }


@blp.route("/<code>/full", methods=["GET"])
@blp.doc(security=[{"bearer": []}])
@blp.response(200, FullPassportOut)
@errors(
    blp,
    401,
    403,
    404,
    s403="A driver's token: each pack's owner, the park's office staff and the government "
    "partner read it",
    s404="No pack has this code, or it is another organisation's (the park's staff and the "
    "government partner see every organisation's packs)",
)
@token_required
def get_full_passport(code: str):
    """A pack's full passport, as the page /packs/<code> shows it: every event with who
    recorded it, the owner and buyer. The code is read as every code box reads it."""
    user = api_user()
    policies.require_record_reader(user)
    return full_view(passports.pack_for(user, code))
