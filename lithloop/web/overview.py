"""What each role's home page shows, gathered in one query set per role."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop import clock
from lithloop.extensions import db
from lithloop.geo.projection import at_edge, fit_canvas, main_group
from lithloop.i18n import listed
from lithloop.models import (
    Booking,
    BookingStatus,
    Order,
    OrderStatus,
    Organisation,
    OutboxMessage,
    Plan,
    PlanStatus,
    QuoteRequest,
    RfqStatus,
    Role,
    Site,
    Truck,
    User,
)
from lithloop.services.accounts import policies
from lithloop.services.accounts.approvals import pending_count
from lithloop.services.booking import bus_fleet, distances
from lithloop.services.booking.sites import visible_sites
from lithloop.services.packs import traceability
from lithloop.web.region_map import base_layers, place_name


def region_map(
    sites: list[Site], park: tuple[float, float] | None = None, whole: bool = False
) -> dict:
    """Sites projected onto an SVG canvas, coloured by kind; with `park` ((lat, lon)) the
    park drawn too, with where its label goes. The canvas fits the main group of sites (and
    the park); a site far outside it is drawn at the map's edge and named in `far`, unless
    `whole` (fit every site)."""
    points = [(s.lat, s.lon) for s in sites] + ([park] if park else [])
    inside = main_group(points, always={len(sites)} if park else ())
    fitted = points if whole else [p for p, keep in zip(points, inside, strict=True) if keep]
    canvas, inside = fit_canvas(fitted), inside[: len(sites)]
    dots = []
    for site, keep in zip(sites, inside, strict=True):
        x, y = canvas.xy(site.lat, site.lon)
        if not (keep or whole):
            x, y = at_edge(canvas, x, y)
        dot = {"x": x, "y": y, "kind": site.kind.value, "name": site.name, "id": site.id}
        dots.append(dot | {"far": not keep and not whole})
    drawn = {"width": canvas.width, "height": canvas.height, "dots": dots, "whole": whole}
    # the region beneath the dots, as on the site form's map and the route maps (walk: a new
    # dealer's home showed its one site and the park as two dots in an empty box)
    layers = base_layers(canvas)
    drawn |= {"boundaries": layers["boundaries"], "labels": layers["places"]}
    drawn["scale"] = layers["scale"]
    far = [s.name for s, keep in zip(sites, inside, strict=True) if not keep]
    drawn |= {"far": len(far), "far_names": listed(far)}
    if park:
        drawn["park"] = _park_mark(*canvas.xy(*park), canvas.width)
    return drawn


def _park_mark(x: float, y: float, width: int) -> dict:
    """The park's marker and its label beside it, kept inside the canvas."""
    anchor = "start" if x < width / 3 else "end" if x > width * 2 / 3 else "middle"
    shift = {"start": 14, "end": -14, "middle": 0}[anchor]
    return {
        "x": x,
        "y": y,
        "label_x": round(x + shift, 1),
        "label_y": round(y - 15 if y > 40 else y + 32, 1),
        "anchor": anchor,
    }


def _park_lat_lon() -> tuple[float, float]:
    lon, lat = distances.park_position()
    return lat, lon


def _park_trucks() -> list[Truck]:
    return list(db.session.scalars(sa.select(Truck).order_by(Truck.payload_kg, Truck.plate)))


def _counts_by_kind() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Organisation.kind, sa.func.count(Organisation.id)).group_by(Organisation.kind)
    )
    return {kind.value: n for kind, n in rows}


#: Bookings still to happen, as an owner sees them on the home page.
UPCOMING = (BookingStatus.REQUESTED, BookingStatus.SCHEDULED, BookingStatus.PICKED_UP)
#: Paid market orders the park still has to pack, ship or deliver.
TO_FULFIL = (OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED)


def upcoming_bookings(user: User, limit: int = 8) -> list[Booking]:
    """The organisation's bookings still to be picked up or received, soonest first."""
    query = (
        sa.select(Booking)
        .where(Booking.organisation_id == user.organisation_id, Booking.status.in_(UPCOMING))
        .order_by(Booking.pickup_date, Booking.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def todays_operations() -> dict:
    """The dispatcher's day: today's published plan with each truck's progress, bookings by
    status for today, and requests still waiting for a plan."""
    today = clock.today()
    plan = db.session.scalar(
        sa.select(Plan).where(Plan.plan_date == today, Plan.status == PlanStatus.PUBLISHED)
    )
    routes = []
    for route in plan.routes if plan else []:
        work = [s for s in route.stops if s.kind in ("pickup", "delivery")]
        routes.append(
            {
                "plate": route.truck.plate,
                "done": sum(1 for s in work if s.done_at),
                "all": len(work),
            }
        )
    by_status = {
        status.value: n
        for status, n in db.session.execute(
            sa.select(Booking.status, sa.func.count(Booking.id))
            .where(Booking.pickup_date == today)
            .group_by(Booking.status)
        )
    }
    waiting = db.session.scalar(
        sa.select(sa.func.count(Booking.id)).where(
            Booking.status == BookingStatus.REQUESTED, Booking.pickup_date > today
        )
    )
    return {
        "today": today,
        "plan": plan,
        "routes": routes,
        "by_status": by_status,
        "waiting": waiting,
    }


def admin_waiting() -> dict:
    """What waits for an administrator: approvals, quote requests, orders, handovers past
    their upload deadline, undelivered mail."""
    count = db.session.scalar
    return {
        "pending": pending_count(),
        "open_rfqs": count(
            sa.select(sa.func.count(QuoteRequest.id)).where(QuoteRequest.status == RfqStatus.OPEN)
        ),
        "to_fulfil": count(sa.select(sa.func.count(Order.id)).where(Order.status.in_(TO_FULFIL))),
        "handovers_overdue": traceability.overdue_count(),
        "mail_errors": count(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                sa.func.coalesce(OutboxMessage.error, "") != ""
            )
        ),
    }


def home_context(user: User) -> dict:
    """The data for the user's home page."""
    if user.role in policies.BOOKERS:
        sites = list(db.session.scalars(visible_sites(user)))
        fleet = user.role is Role.FLEET_MANAGER
        return {
            "sites": sites,
            "map": region_map(sites, park=_park_lat_lon()) if sites else None,
            "upcoming": upcoming_bookings(user),
            # a bus company's next steps: import the fleet, then its retirement forecast
            "fleet": {"empty": not bus_fleet.has_packs(user)} if fleet else None,
        }
    if user.role is Role.DISPATCHER:
        return {**todays_operations(), "trucks": _park_trucks()}
    if user.role is Role.DRIVER:
        return {"trucks": _park_trucks()}
    if user.role is Role.ADMIN:
        users = db.session.scalar(sa.select(sa.func.count(User.id)))
        outbox = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
        return {
            **admin_waiting(),
            "counts": _counts_by_kind(),
            "users": users,
            "outbox": outbox,
        }
    return {}


def picker_map(form) -> dict:
    """The region's places, named in the page's language, and the form's pin on a canvas the
    page can click to move the pin; with the route maps' boundaries, city labels and scale
    and the park's mark (walk: unnamed grey dots told a person nothing of where to click)."""
    from lithloop.geo import load_places

    places = load_places()
    canvas = fit_canvas([(p.lat, p.lon) for p in places], width=480)
    pin = None
    try:
        lat, lon = float(form.lat.data), float(form.lon.data)
        pin = canvas.xy(lat, lon)
    except (TypeError, ValueError):
        pass
    layers = base_layers(canvas)
    park_x, park_y = canvas.xy(*distances.park_position())
    return {
        "width": canvas.width,
        "height": canvas.height,
        "pin": pin,
        "boundaries": layers["boundaries"],
        "labels": layers["places"],
        "scale": layers["scale"],
        "park": {"x": park_x, "y": park_y},
        "bounds": [canvas.min_lat, canvas.max_lat, canvas.min_lon, canvas.max_lon, canvas.margin],
        "places": [
            dict(zip(("x", "y"), canvas.xy(p.lat, p.lon), strict=True), name=place_name(p))
            for p in places
        ],
    }
