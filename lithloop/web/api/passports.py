"""Public pack passports: GET /api/v1/passports/<code>, no login needed."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from lithloop.services.packs import passports
from lithloop.web.api.common import DecimalString, errors

blp = Blueprint(
    "api_passports",
    __name__,
    url_prefix="/api/v1/passports",
    description="Public battery passports (no personal or commercial data)",
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
