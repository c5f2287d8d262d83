"""What each role's home page shows, gathered in one query set per role."""

from __future__ import annotations

import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.geo.projection import fit_canvas
from lithloop.models import Organisation, OrgKind, OutboxMessage, Role, Site, Truck, User
from lithloop.services.accounts.registration import pending_organisations
from lithloop.services.booking.sites import visible_sites


def region_map(sites: list[Site]) -> dict:
    """Sites projected onto an SVG canvas, coloured by kind."""
    canvas = fit_canvas([(s.lat, s.lon) for s in sites])
    dots = [
        dict(
            zip(("x", "y"), canvas.xy(s.lat, s.lon), strict=True),
            kind=s.kind.value,
            name=s.name,
            id=s.id,
        )
        for s in sites
    ]
    return {"width": canvas.width, "height": canvas.height, "dots": dots}


def _park_trucks() -> list[Truck]:
    return list(db.session.scalars(sa.select(Truck).order_by(Truck.payload_kg, Truck.plate)))


def _counts_by_kind() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Organisation.kind, sa.func.count(Organisation.id)).group_by(Organisation.kind)
    )
    return {kind.value: n for kind, n in rows}


def home_context(user: User) -> dict:
    """The data for the user's home page."""
    if user.role in (Role.DEALER_STAFF, Role.FLEET_MANAGER):
        sites = list(db.session.scalars(visible_sites(user)))
        return {"sites": sites, "map": region_map(sites) if sites else None}
    if user.role in (Role.DISPATCHER, Role.PLANT_OPERATOR):
        sites = list(db.session.scalars(sa.select(Site)))
        by_city = db.session.execute(
            sa.select(Site.city, sa.func.count(Site.id))
            .group_by(Site.city)
            .order_by(sa.func.count(Site.id).desc())
            .limit(12)
        ).all()
        return {
            "trucks": _park_trucks(),
            "map": region_map(sites),
            "by_city": by_city,
            "counts": _counts_by_kind(),
        }
    if user.role is Role.DRIVER:
        return {"trucks": _park_trucks()}
    if user.role is Role.ADMIN:
        users = db.session.scalar(sa.select(sa.func.count(User.id)))
        outbox = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
        return {
            "pending": pending_organisations(),
            "counts": _counts_by_kind(),
            "users": users,
            "outbox": outbox,
        }
    return {"kind_label": OrgKind.BUYER.value}


def picker_map(form) -> dict:
    """The region's places and the form's pin on a canvas the page can click to move the pin."""
    from lithloop.geo import load_places

    places = load_places()
    canvas = fit_canvas([(p.lat, p.lon) for p in places], width=480)
    pin = None
    try:
        lat, lon = float(form.lat.data), float(form.lon.data)
        pin = canvas.xy(lat, lon)
    except (TypeError, ValueError):
        pass
    return {
        "width": canvas.width,
        "height": canvas.height,
        "pin": pin,
        "bounds": [canvas.min_lat, canvas.max_lat, canvas.min_lon, canvas.max_lon, canvas.margin],
        "places": [
            dict(zip(("x", "y"), canvas.xy(p.lat, p.lon), strict=True), name=p.name_zh)
            for p in places
        ],
    }
