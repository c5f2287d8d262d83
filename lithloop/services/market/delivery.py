"""Delivery of a market order: pickup at the park, or a fee by road distance; and the day.

Pickup at the park costs nothing and is ready PICKUP_READY_WORKING_DAYS working days after
ordering. Delivery goes to a city of the region (the gazetteer's places, the same list the
geocoder reads): its fee is the road distance from the park (the quotes' distance provider,
`booking.distances`) x DELIVERY_FEE_PER_KM_FEN, plus DELIVERY_FEE_PER_PACK_FEN a pack and
DELIVERY_FEE_PER_KG_FEN a kilogram, in fen with VAT included (a mixed sale: the goods'
rate); it arrives DELIVERY_LEAD_WORKING_DAYS working days after ordering plus one working
day per started DELIVERY_KM_PER_DAY km. Working days are the Chinese calendar in force.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.cache import read_cache
from lithloop.extensions import db
from lithloop.geo.gazetteer import CITY_CENTRES, Place, english, load_places, short_zh
from lithloop.geo.matrices import FALLBACK_NOTE
from lithloop.i18n import current_language
from lithloop.models import Truck
from lithloop.services.booking import distances
from lithloop.services.errors import Invalid
from lithloop.services.packs import holiday_calendar
from lithloop.services.strict_input import limited_text

PICKUP = "pickup"
ADDRESS = "address"
#: A delivery's free text and its columns' lengths: refused when longer, never cut (a truck
#: sent to the first 300 characters of an address may not find the place).
FREE_TEXT_LIMITS = {"address": 300, "contact": 100}
MAX_CITY_CHARS = 100


def free_text(raw, key: str) -> str:
    """A delivery's address or contact as typed and checked: Invalid naming `key` when longer
    than its column or carrying invisible direction controls (a driver's manifest, the
    invoice and the letters would show it reversed) or control characters."""
    return limited_text(raw, key, FREE_TEXT_LIMITS[key])


@dataclass(frozen=True)
class Rates:
    """Fee rates in fen (VAT included) and the day's rules, from configuration."""

    per_km_fen: int = 800
    per_pack_fen: int = 5000
    per_kg_fen: int = 0
    pickup_days: int = 1
    lead_days: int = 2
    km_per_day: int = 400


@dataclass(frozen=True)
class DeliveryQuote:
    """What delivery costs and when the packs can be had."""

    kind: str
    fee_fen: int
    eta: date
    city: str = ""
    distance_km: Decimal | None = None
    lat: float | None = None
    lon: float | None = None


def rates() -> Rates:
    """The configured rates (README, configuration table)."""
    cfg = current_app.config
    return Rates(
        per_km_fen=max(0, int(cfg.get("DELIVERY_FEE_PER_KM_FEN", 800))),
        per_pack_fen=max(0, int(cfg.get("DELIVERY_FEE_PER_PACK_FEN", 5000))),
        per_kg_fen=max(0, int(cfg.get("DELIVERY_FEE_PER_KG_FEN", 0))),
        pickup_days=max(0, int(cfg.get("PICKUP_READY_WORKING_DAYS", 1))),
        lead_days=max(0, int(cfg.get("DELIVERY_LEAD_WORKING_DAYS", 2))),
        km_per_day=max(1, int(cfg.get("DELIVERY_KM_PER_DAY", 400))),
    )


def fee_fen(distance_km: Decimal, packs: int, mass_kg: Decimal, rate: Rates) -> int:
    """The delivery fee in fen: km x rate + packs x rate + kg x rate, rounded half up."""
    fen = (
        Decimal(distance_km) * rate.per_km_fen
        + packs * rate.per_pack_fen
        + Decimal(mass_kg) * rate.per_kg_fen
    )
    return int(fen.quantize(Decimal(1), ROUND_HALF_UP))


def delivery_days(distance_km: Decimal, rate: Rates) -> int:
    """Working days from ordering to delivery: the lead plus a day per started span of km."""
    return rate.lead_days + max(1, math.ceil(Decimal(distance_km) / rate.km_per_day))


def cities() -> list[Place]:
    """The places one may have packs delivered to (every place of the region but the park)."""
    return [p for p in load_places() if p.kind != "park"]


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _names(place: Place) -> set[str]:
    zh = place.name_zh
    en = _fold(english(place))
    names = {_fold(zh), en}
    if len(short := short_zh(zh)) >= 2:
        names.add(short)
    if len(short_en := re.sub(r"\s+(county|district|city)$", "", en)) >= 3:
        names.add(short_en)
    return names


# A city listed by its districts, by any of its names, means the district of its centre.
_CENTRE_OF = {
    name: centre
    for (zh, en), centre in CITY_CENTRES.items()
    for name in (_fold(zh), short_zh(zh), _fold(en))
}


def find_city(name: str) -> Place:
    """The region's place of that name (Chinese or English), or Invalid(field="city")."""
    typed = " ".join(str(name or "").split())  # echoed as typed, matched case-folded
    text = _fold(typed)
    if not text:
        raise Invalid(_l("Choose the city or county to deliver to."), field="city")
    text = _CENTRE_OF.get(text, text)
    if len(text) <= MAX_CITY_CHARS:
        for place in cities():
            if text in _names(place):
                return place
    raise Invalid(
        _l(
            "We do not deliver to “%(c)s”: choose a city or county of the region from the list.",
            c=typed[:40],
        ),
        field="city",
    )


def city_label(place: Place, locale: str) -> str:
    """The place's name in the reader's language."""
    return place.name_zh if locale.startswith("zh") else english(place)


def pickup_quote(today: date | None = None) -> DeliveryQuote:
    """Pickup at the park: no fee, ready after PICKUP_READY_WORKING_DAYS working days."""
    start = today or clock.today()
    ready = holiday_calendar.calendar().add_working_days(start, rates().pickup_days)
    return DeliveryQuote(PICKUP, 0, ready)


def address_quote(
    lat: float, lon: float, packs: int, mass_kg: Decimal, city: str = "", today=None
) -> DeliveryQuote:
    """Delivery to a point: the fee by road distance from the park, and the day it arrives."""
    rate = rates()
    start = today or clock.today()
    km = distances.distance_from_park_km(lat, lon)
    eta = holiday_calendar.calendar().add_working_days(start, delivery_days(km, rate))
    return DeliveryQuote(ADDRESS, fee_fen(km, packs, mass_kg, rate), eta, city, km, lat, lon)


def city_quote(name: str, packs: int, mass_kg: Decimal, today=None) -> DeliveryQuote:
    """Delivery to a city of the region by its name (Invalid beside the field if unknown,
    or if no truck can drive there and back within a working day)."""
    place = deliverable_city(name, today)
    return address_quote(place.lat, place.lon, packs, mass_kg, place.name_zh, today)


def deliverable_city(name: str, day: date | None = None) -> Place:
    """The region's place of that name if a truck can drive there and back within a working
    day (else Invalid beside the city field, as for a name not in the list)."""
    place = find_city(name)
    label = city_label(place, current_language())
    require_reach(place.lat, place.lon, day or clock.today(), label)
    return place


DROP_OFF_S = 900  # the least time a delivery stop takes (dispatch/problem.py: 900 s + 300 a line)


def _longest_day_s() -> int:
    """The longest working day of an active truck: its shift, at most its work limit."""
    rows = db.session.execute(
        sa.select(Truck.shift_start, Truck.shift_end, Truck.max_work_s).where(
            Truck.active.is_(True)
        )
    ).all()
    days = [
        min(
            (end.hour * 3600 + end.minute * 60) - (start.hour * 3600 + start.minute * 60),
            work or 10**9,
        )
        for start, end, work in rows
    ]
    return max(days, default=12 * 3600)


def _round_trip_s(mats, i: int) -> int:
    """Seconds from the park (index 0) to point i, a drop-off there, and back."""
    return int(mats.duration[0, i]) + DROP_OFF_S + int(mats.duration[i, 0])


def require_reach(lat: float, lon: float, day: date, name: str, field: str = "city") -> None:
    """Refuse a delivery no truck can drive to and back within a working day (no run could
    ever plan it: it would be sold and then left out day after day)."""
    mats, _ = distances.day_matrices([distances.park_position(), (float(lon), float(lat))], day)
    needed = _round_trip_s(mats, 1)
    longest = _longest_day_s()
    if needed > longest:
        raise Invalid(
            _l(
                "A truck cannot drive to %(c)s and back within a working day (about %(n)s h; a "
                "day is at most %(d)s h): choose pickup at the park or a nearer city.",
                c=name,
                n=f"{math.ceil(needed / 1800) / 2:g}",
                d=f"{longest / 3600:g}",
            ),
            field=field,
        )


#: How long the cart's list of reachable places is kept (it depends on the day, the trucks
#: and the park's site, which clear it when they change): a cart page calls no OSRM.
REACHABLE_CACHE_S = 3600


def reachable_cities(day: date | None = None) -> list[Place]:
    """The places a truck can drive to and back within a working day on `day` (the cart
    offers these; require_reach refuses the others): one matrix call for all of them, kept
    in the read cache until a truck or the park's site changes. A list worked out from the
    straight-line fallback (OSRM did not answer) is used but not kept."""
    day = day or clock.today()
    places, _exact = read_cache.cached(
        "reachable_cities",
        day,
        ("truck", "site"),
        lambda: _reachable(day),
        ttl=REACHABLE_CACHE_S,
        keep=lambda found: found[1],
    )
    return places


def _reachable(day: date) -> tuple[list[Place], bool]:
    places = cities()
    points = [distances.park_position()] + [(p.lon, p.lat) for p in places]
    mats, notes = distances.day_matrices(points, day)
    longest = _longest_day_s()
    reach = [p for i, p in enumerate(places, 1) if _round_trip_s(mats, i) <= longest]
    return reach, not any(FALLBACK_NOTE in note for note in notes)


def terms(where: dict, packs: int, mass_kg: Decimal, today=None) -> dict:
    """The delivery fee and day, from checkout_input.parse_delivery's fields and the packs."""
    rate = rates()
    start = today or clock.today()
    work = holiday_calendar.calendar()
    if where.get("delivery_kind") != ADDRESS or where.get("delivery_km") is None:
        return {
            "delivery_fee_fen": 0,
            "delivery_eta": work.add_working_days(start, rate.pickup_days),
        }
    km = Decimal(where["delivery_km"])
    return {
        "delivery_fee_fen": fee_fen(km, packs, mass_kg, rate),
        "delivery_eta": work.add_working_days(start, delivery_days(km, rate)),
    }
