"""Sites: who may see which, and adding or changing them with validation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop.cache import read_cache
from lithloop.extensions import db
from lithloop.labels.places import place_word
from lithloop.models import OrgKind, Role, Site, SiteKind, User
from lithloop.name_order import name_key
from lithloop.services.accounts import policies
from lithloop.services.booking import reach
from lithloop.services.booking.distances import SITE_REACH_KM, straight_km_from_park
from lithloop.services.errors import Forbidden, Invalid, NotFound
from lithloop.services.strict_input import (
    limited_text,
    phone_number,
    place_name,
)

SITE_EDITORS = policies.SITE_EDITORS


@dataclass(frozen=True)
class SiteInput:
    """What a person types to describe a site."""

    name: str
    lat: float
    lon: float
    address: str = ""
    city: str = ""
    district: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    opens_at: time = time(8, 0)
    closes_at: time = time(17, 0)


def address_line(city: str, district: str, address: str) -> str:
    """City, district and street as one line, each said once: a district equal to the city,
    or one the street already names, is not repeated ('牡丹江市 牡丹江市 牡丹江市太平路' was
    shown for the demo's sites)."""
    street = (address or "").strip()
    parts: list[str] = []
    for part in (city, district):
        part = (part or "").strip()
        if part and part not in parts and part not in street:
            parts.append(part)
    return " ".join([*parts, street] if street else parts)


def party(site: Site) -> str:
    """The site's organisation and the site's own name, each said once: 'Org · Site', or the
    site's name alone when it holds the organisation's (the park and the demo's branches bear
    their organisation's name: documents printed it before and after the address). A site
    whose name is only part of the organisation's keeps it ('龙江公交集团 · 公交')."""
    org = (site.organisation.name if site.organisation else "").strip()
    name = (site.name or "").strip()
    if not name:
        return org
    if not org or org in name:
        return name
    return f"{org} · {name}"


def visible_sites(user: User) -> sa.Select:
    """A query for the sites the user may see: region staff all, drivers none (their
    stops' sites are on their route pages), others their own."""
    query = sa.select(Site).order_by(Site.city, Site.name, Site.id)
    return policies.scoped(query, user, Site.organisation_id)


def sites_by_name_then_id(user: User) -> sa.Select:
    """The sites the user may see, ordered by name as stored, then by id (a stable order a
    list can be paged in, the same for every reader's language)."""
    return visible_sites(user).order_by(None).order_by(Site.name, Site.id)


def sites_by_name(user: User) -> list[Site]:
    """The sites the user may see by name, as a person looks for one in a list of names:
    by pinyin in Chinese, by letters in English (name_order.name_key; the same on every
    database; ties by age)."""
    sites = db.session.scalars(visible_sites(user))
    return sorted(sites, key=lambda s: (name_key(s.name), s.id))


def get_site(user: User, site_id: int) -> Site:
    """The site if the user may see it; NotFound otherwise (never reveals other orgs')."""
    site = db.session.get(Site, site_id)
    if site is None or not _may_see(user, site.organisation_id):
        raise NotFound(_l("No such site."))
    return site


def _may_see(user: User, organisation_id: int) -> bool:
    # Region staff see every site; drivers none; anyone else their own organisation's.
    return policies.sees_organisation(user, organisation_id)


def site_location(user: User, site_id: int) -> tuple[float, float]:
    """(lat, lon) of a site the user may see, as get_site decides; cached while no worker
    has changed a site (shared counters only)."""

    def load() -> tuple[int, float, float] | None:
        site = db.session.get(Site, site_id)
        return None if site is None else (site.organisation_id, site.lat, site.lon)

    found = read_cache.cached(
        "site_location",
        site_id,
        ("site",),
        load,
        shared_only=True,
        keep=lambda value: value is not None,
    )
    if found is None or not _may_see(user, found[0]):
        raise NotFound(_l("No such site."))
    return found[1], found[2]


#: The typed text fields and their columns' lengths: checked as every form's text is.
_TEXT = {"name": 200, "address": 300, "city": 100, "district": 100, "contact_name": 100}


def _texts(data: SiteInput, of: User | Site) -> None:
    for field, limit in _TEXT.items():
        # direction controls (U+202E) read a site's name backwards on every page and manifest:
        # the form refused them, the API stored them; so did ESC or BEL (control characters)
        limited_text(getattr(data, field), field, limit)


def _city(data: SiteInput, of: User | Site) -> None:
    place_name(data.city, "city")  # emoji or symbols alone name no city (registration's rule)


def _name_given(data: SiteInput, of: User | Site) -> None:
    if not data.name.strip():
        raise Invalid(place_word("name_missing", of), field="name")


def _position(data: SiteInput, of: User | Site) -> None:
    if not -90 <= data.lat <= 90:
        raise Invalid(_l("Latitude must be between -90 and 90."), field="lat")
    if not -180 <= data.lon <= 180:
        raise Invalid(_l("Longitude must be between -180 and 180."), field="lon")
    km = straight_km_from_park(data.lat, data.lon)
    if km > SITE_REACH_KM:
        raise Invalid(
            _l(
                "This point is %(km)s km from the park in a straight line; a site must be "
                "within %(max)s km. Check the latitude and longitude.",
                km=f"{km:,.0f}",
                max=f"{SITE_REACH_KM:,}",
            ),
            field="lat",
        )
    _require_reach(data, of if isinstance(of, Site) else None)


def _hours(data: SiteInput, of: User | Site) -> None:
    if data.closes_at <= data.opens_at:
        raise Invalid(_l("Closing time must be after opening time."), field="closes_at")


def _phone(data: SiteInput, of: User | Site) -> None:
    phone_number(data.contact_phone, "contact_phone")


def _name_free(data: SiteInput, of: User | Site) -> None:
    _refuse_name_taken(data.name, of)


#: A site's checks in the order a refusal names the first; each stands on its own.
_CHECKS = (_texts, _city, _name_given, _position, _name_free, _hours, _phone)


def _validate(data: SiteInput, of: User | Site) -> None:
    """Refuse bad input beside its field; `of` is the user adding a site or the site changed."""
    for check in _CHECKS:
        check(data, of)


def site_problems(data: SiteInput, of: User | Site) -> dict[str, str]:
    """Every refused field of a site and why (the first reason per field): a form says them
    all at once, not one per try."""
    found: dict[str, str] = {}
    for check in _CHECKS:
        try:
            check(data, of)
        except Invalid as exc:
            found.setdefault(exc.field or "_form", str(exc.message))
    return found


def _refuse_name_taken(name: str, of: User | Site) -> None:
    """Invalid beside the name when another site of the organisation has it: the booking
    form lists sites by name, and two of one name cannot be told apart (the form sent again
    after the back button made a second site of the same name and place). A site keeps the
    name it has: two stored of one name before this rule are each changed as before."""
    if isinstance(of, Site) and of.name.strip().lower() == name.strip().lower():
        return
    others = sa.select(Site.id).where(
        Site.organisation_id == of.organisation_id,
        sa.func.lower(Site.name) == name.strip().lower(),
    )
    if isinstance(of, Site):
        others = others.where(Site.id != of.id)
    if db.session.scalar(others.limit(1)) is not None:
        raise Invalid(place_word("name_taken", of) % {"name": name.strip()}, field="name")


def _require_reach(data: SiteInput, current: Site | None) -> None:
    """Refuse a point beyond the service region (reach.service_reach_km), beside the position.
    A site stored beyond it before may keep its place or move nearer: changing its phone
    number must not fail."""
    beyond = reach.beyond_reach(data.lat, data.lon)
    if beyond is None:
        return
    km, limit = beyond
    if current is not None:
        was = reach.beyond_reach(current.lat, current.lon)
        if was is not None and km <= was[0]:
            return
    raise Invalid(reach.site_refusal(km, limit), field="lat")


def require_site_editor(user: User) -> None:
    """Forbidden unless the user's role adds and changes sites."""
    if user.role not in SITE_EDITORS:
        raise Forbidden(_l("Your role does not add or change sites."))


def _new_site_kind(user: User) -> SiteKind:
    """A bus company's depot, a dealer's branch; the park operator's first site is the park
    itself (where trucks start and quotes measure from), its others warehouses."""
    if user.role is Role.FLEET_MANAGER:
        return SiteKind.BUS_DEPOT
    if user.organisation.kind is not OrgKind.PARK_OPERATOR:
        return SiteKind.BRANCH
    has_park = db.session.scalar(sa.select(Site.id).where(Site.kind == SiteKind.PARK).limit(1))
    return SiteKind.WAREHOUSE if has_park is not None else SiteKind.PARK


def create_site(user: User, data: SiteInput) -> Site:
    """Add a site to the user's own organisation."""
    require_site_editor(user)
    _validate(data, user)
    site = Site(organisation_id=user.organisation_id, kind=_new_site_kind(user), **_fields(data))
    db.session.add(site)
    db.session.commit()
    return site


def update_site(user: User, site_id: int, data: SiteInput) -> Site:
    """Change a site of the user's own organisation (policies.may_edit_site)."""
    require_site_editor(user)
    site = get_site(user, site_id)
    if not policies.may_edit_site(user, site):
        raise NotFound(_l("No such site."))
    _validate(data, site)
    for key, value in _fields(data).items():
        setattr(site, key, value)
    db.session.commit()
    return site


def _fields(data: SiteInput) -> dict:
    return {
        "name": data.name.strip(),
        "lat": float(data.lat),
        "lon": float(data.lon),
        "address": data.address.strip(),
        "city": data.city.strip(),
        "district": data.district.strip(),
        "contact_name": data.contact_name.strip(),
        "contact_phone": phone_number(data.contact_phone, "contact_phone"),
        "opens_at": data.opens_at,
        "closes_at": data.closes_at,
    }
