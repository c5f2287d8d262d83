"""What a buyer sends to check out, read and checked: the order's lines (packs by id, or a
group and a quantity) and the delivery (pickup at the park, or an address measured from it).
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.i18n import current_language, listed
from lithloop.services.booking import distances, geocoding
from lithloop.services.errors import FieldChecks, Invalid
from lithloop.services.market import delivery
from lithloop.services.strict_input import phone_number

MAX_PACKS = 200
FREE_TEXT = tuple(delivery.FREE_TEXT_LIMITS)


def parse_lines(lines) -> tuple[list[int], list[tuple[str, int]]]:
    """[{"pack_id"} | {"group_id", "quantity"}] as pack ids and (group, quantity) pairs."""
    if not isinstance(lines, list) or not lines:
        raise Invalid(_l("Add at least one pack."), field="lines")
    ids: list[int] = []
    groups: dict[str, int] = {}
    for line in lines:
        if isinstance(line, dict) and line.get("pack_id") is not None:
            try:
                ids.append(int(line["pack_id"]))
            except (TypeError, ValueError):
                raise Invalid(_l("A pack id is a number."), field="lines") from None
        elif isinstance(line, dict) and line.get("group_id"):
            try:
                quantity = int(line.get("quantity", 1))
            except (TypeError, ValueError):
                quantity = 0
            if quantity < 1:
                raise Invalid(_l("A quantity is 1 or more."), field="lines")
            key = str(line["group_id"])
            groups[key] = groups.get(key, 0) + quantity
        else:
            raise Invalid(
                _l("Each line names a pack_id, or a group_id and a quantity."), field="lines"
            )
    if len(set(ids)) != len(ids):
        raise Invalid(_l("A pack is listed twice."), field="lines")
    if len(ids) + sum(groups.values()) > MAX_PACKS:
        raise Invalid(_l("At most %(n)s packs in one order.", n=MAX_PACKS), field="lines")
    return sorted(ids), list(groups.items())


def _place_of(address: str):
    """The region's place an address names; an address naming none is outside the region
    the park delivers to (Beijing's 朝阳区 is no typo of 阳明区): said so, with pickup."""
    try:
        return geocoding.locate(address)
    except Invalid as exc:
        examples = [p for p in delivery.cities() if p.name_zh.endswith("\u5e02")][:4]
        raise Invalid(
            _l(
                "The park delivers only to the cities and counties of its region (such as "
                "%(examples)s), and this address names none of them. Name the city or county "
                "in the address (or send it as city), or choose pickup at the park.",
                examples=listed([delivery.city_label(p, current_language()) for p in examples]),
            ),
            field="address",
        ) from exc


def parse_delivery(raw) -> dict:
    """{"kind": "pickup"} at the park, or {"kind": "address", city?, address, contact, phone}.

    A delivery goes to the city named (one of the region's places) or, without a "city"
    key (API clients before cities), to the place the address names; its road distance
    from the park is measured here, before any row is locked (the provider may be OSRM)."""
    raw = raw if isinstance(raw, dict) else {}
    kind = str(raw.get("kind") or delivery.PICKUP)
    if kind not in (delivery.PICKUP, delivery.ADDRESS):
        raise Invalid(_l("Choose pickup at the park or delivery to an address."), field="delivery")
    if kind == delivery.PICKUP:  # the delivery fields typed before choosing pickup: unused
        return {
            "delivery_kind": kind,
            "delivery_address": "",
            "delivery_contact": "",
            "delivery_phone": "",
        }
    checked = FieldChecks()  # every refused field named at once, not one a submit
    typed = {key: checked(delivery.free_text, raw.get(key), key) for key in FREE_TEXT}
    out: dict[str, object] = {
        "delivery_kind": kind,
        "delivery_address": typed["address"],  # as checked: refused when long, never cut
        "delivery_contact": typed["contact"],
    }
    place = checked(delivery.deliverable_city, raw.get("city")) if "city" in raw else None
    if typed["address"] == "":
        checked.refused["address"] = _l("For delivery, enter the street address.")
    required = _l("For delivery, enter a phone number.")
    phone = checked(lambda: phone_number(raw.get("phone"), "phone", required_message=required))
    checked.done()
    out["delivery_phone"] = phone
    if place is not None:  # the cart's form and newer API clients name the city
        lat, lon, city = place.lat, place.lon, place.name_zh
    if "city" not in raw:  # the dispatcher's runs route the delivery to these coordinates
        found = _place_of(str(out["delivery_address"]))
        lat, lon, city = found.lat, found.lon, found.label
        delivery.require_reach(lat, lon, clock.today(), city, field="address")
    out["delivery_lat"] = Decimal(str(round(lat, 6)))
    out["delivery_lon"] = Decimal(str(round(lon, 6)))
    out["delivery_city"] = city[:100]
    out["delivery_km"] = distances.distance_from_park_km(lat, lon)
    return out
