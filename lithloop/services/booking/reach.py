"""Whether a truck can reach a site and come back within a shift: a site beyond that gets a
clear warning when it is created and when it is booked, with how its bookings are handled."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop.extensions import db
from lithloop.models import Truck
from lithloop.services.booking.distances import day_matrices, park_position
from lithloop.services.dispatch.problem import seconds

MIN_STOP_S = 900  # the shortest stop a plan gives a pickup (plan_problem._stop)


def longest_day_s() -> int | None:
    """The longest working day of any active truck: its shift, capped by its working time."""
    trucks = db.session.scalars(sa.select(Truck).where(Truck.active.is_(True))).all()
    if not trucks:
        return None
    return max(min(t.max_work_s, seconds(t.shift_end) - seconds(t.shift_start)) for t in trucks)


def round_trip_s(lat: float, lon: float) -> int:
    """Driving from the park to the point and back, plus the shortest stop, in seconds."""
    matrices, _notes = day_matrices([park_position(), (float(lon), float(lat))], None)
    duration = matrices.duration
    return int(duration[0, 1]) + int(duration[1, 0]) + MIN_STOP_S


def warning(lat: float, lon: float) -> str | None:
    """A warning a person can act on when no truck can go there and back in a shift."""
    longest = longest_day_s()
    if longest is None:
        return None
    needed = round_trip_s(lat, lon)
    if needed <= longest:
        return None
    return str(
        _l(
            "No truck can reach this site and come back within a shift (%(n)s h needed, "
            "the longest shift is %(s)s h). Bookings here are not put on a route: the park "
            "will call to arrange the pickup, or choose a site nearer the park.",
            n=f"{needed / 3600:.1f}",
            s=f"{longest / 3600:.1f}",
        )
    )
