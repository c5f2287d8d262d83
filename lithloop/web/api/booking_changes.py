"""POST /api/v1/bookings/{id}/reschedule: the owner changes a booking not yet scheduled
(its operation joins the bookings blueprint and its tag; booking/pickup_change.py)."""

from __future__ import annotations

import marshmallow as ma

from lithloop.services.booking import pickup_change
from lithloop.web.api.bookings import BookingOut, blp
from lithloop.web.api.common import CLOCK_TIME, InputDate, errors
from lithloop.web.api.security import api_user, token_required


class RescheduleIn(ma.Schema):
    """What changes; a field left out keeps the booking's own."""

    date = InputDate()
    window = ma.fields.List(
        ma.fields.String(validate=ma.validate.Regexp(CLOCK_TIME)),
        validate=ma.validate.Length(equal=2),
    )
    note = ma.fields.String(validate=ma.validate.Length(max=500))
    seen = ma.fields.String(
        validate=ma.validate.Length(max=40),
        metadata={
            "description": "The booking's `pickup_version` as read: if its pickup has been "
            "changed since, the change is refused (409 changed_meanwhile) instead of undoing it"
        },
    )


@blp.route("/bookings/<int:booking_id>/reschedule", methods=["POST"])
@blp.doc(security=[{"bearer": []}])
@blp.arguments(RescheduleIn())
@blp.response(200, BookingOut)
@errors(
    blp,
    400,
    401,
    403,
    404,
    409,
    413,
    422,
    s403="Only the booking's owner (a dealer or fleet manager) changes it",
    s409="The booking is scheduled, picked up, cancelled or settled (`error` not_changeable), "
    "its pickup was changed since the `seen` version (`error` changed_meanwhile), "
    "or the new day is full or closed (`error` day_full, `field` date)",
    s422="A field is not valid (a past day, beyond the booking horizon, a window outside the "
    "site's hours, a damaged lot's late day); `field` names it",
)
@token_required
def reschedule_booking(data, booking_id: int):
    """Change the pickup day, time window or note of a requested booking: checked as a new
    booking's are, recorded in its history (a `rescheduled` event); the same values again
    change nothing."""
    raw = {
        "date": data["date"].isoformat() if "date" in data else None,
        "window": data.get("window"),
        "note": data.get("note"),
    }
    return pickup_change.change_pickup(api_user(), booking_id, raw, data.get("seen"))
