"""Whether a truck can reach a site and come back within a shift.

The service region is SITE_MAX_ROAD_KM by road from the park (by default the demo region's
farthest place): a site beyond it is refused, and a depot stored beyond it before
gets no pickup proposals; a site stored beyond it before takes no new bookings (those made
before are kept). A site within it that today's trucks cannot do in one working
day (their work limit, their shifts) gets a clear warning when it is created and booked."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop.extensions import db
from lithloop.labels.places import is_depot
from lithloop.models import Site, Truck
from lithloop.services.booking.distances import (
    day_matrices,
    distance_from_park_km,
    park_position,
    park_site,
)
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


def warning(lat: float, lon: float, place: object = None) -> str | None:
    """A warning a person can act on when no truck can go there and back in a shift;
    `place` (a site or a user) names a bus company's depot a depot (labels.places)."""
    longest = longest_day_s()
    if longest is None:
        return None
    needed = round_trip_s(lat, lon)
    if needed <= longest:
        return None
    hours = {"n": f"{needed / 3600:.1f}", "s": f"{longest / 3600:.1f}"}
    if is_depot(place):
        return str(
            _l(
                "No truck can reach this depot and come back within a shift (%(n)s h needed, "
                "the longest shift is %(s)s h). Bookings here are not put on a route: the park "
                "will call to arrange the pickup, or choose a depot nearer the park.",
                **hours,
            )
        )
    return str(
        _l(
            "No truck can reach this site and come back within a shift (%(n)s h needed, "
            "the longest shift is %(s)s h). Bookings here are not put on a route: the park "
            "will call to arrange the pickup, or choose a site nearer the park.",
            **hours,
        )
    )


def service_reach_km() -> int:
    """How far by road from the park the park collects (SITE_MAX_ROAD_KM)."""
    return int(current_app.config["SITE_MAX_ROAD_KM"])


def _call_the_park() -> str:
    park = park_site()
    phone = (park.contact_phone or "").strip() if park is not None else ""
    if phone:
        return str(_l("To have packs collected there, call the park on %(phone)s.", phone=phone))
    return str(_l("To have packs collected there, contact the park."))


def beyond_reach(lat: float, lon: float) -> tuple[Decimal, int] | None:
    """(road km from the park, the limit) when the point is beyond the service region."""
    km, limit = distance_from_park_km(lat, lon), service_reach_km()
    return (km, limit) if km > limit else None


def site_refusal(km: Decimal, limit: int) -> str:
    """Why a site this far is refused: the distance, the park's reach, whom to call."""
    return str(
        _l(
            "This place is %(km)s km by road from the park; the park collects within "
            "%(max)s km (as far as a truck can drive and come back within its shift). "
            "Choose a place nearer the park. %(call)s",
            km=f"{km:,.0f}",
            max=f"{limit:,}",
            call=_call_the_park(),
        )
    )


def no_proposals(site_name: str, km: Decimal, limit: int) -> str:
    """Why the forecast proposes no pickups at a depot beyond the service region."""
    return str(
        _l(
            "No pickups are proposed at %(site)s: it is %(km)s km by road from the park, "
            "beyond the %(max)s km the park collects within (as far as a truck can drive "
            "and come back within its shift). %(call)s",
            site=site_name,
            km=f"{km:,.0f}",
            max=f"{limit:,}",
            call=_call_the_park(),
        )
    )


def booking_refusal(site: Site) -> str | None:
    """Why a site stored beyond the service region (before the limit) takes no new bookings:
    its road distance, the limit, and what to do; None for a site within the region."""
    beyond = beyond_reach(site.lat, site.lon)
    if beyond is None:
        return None
    km, limit = beyond
    said = {"km": f"{km:,.0f}", "max": f"{limit:,}", "call": _call_the_park()}
    if is_depot(site):  # a bus company's site is a depot (labels.places)
        return str(
            _l(
                "This depot is %(km)s km by road from the park, beyond the %(max)s km the park "
                "collects within, so it takes no new bookings (those made before are kept). "
                "Move the depot's position to within %(max)s km of the park. %(call)s",
                **said,
            )
        )
    return str(
        _l(
            "This site is %(km)s km by road from the park, beyond the %(max)s km the park "
            "collects within, so it takes no new bookings (those made before are kept). "
            "Move the site's position to within %(max)s km of the park. %(call)s",
            **said,
        )
    )
