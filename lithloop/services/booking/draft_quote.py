"""The instant quote of a booking draft (one pricing quote per lot, with transport from the
site on today's index) and the warning for codes no fleet register knows."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lithloop import clock, pricing
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.models import BusPack, Site, User
from lithloop.services.booking.distances import distance_from_park_km
from lithloop.services.booking.draft import BookingDraft
from lithloop.services.booking.prices import current_index
from lithloop.services.booking.pricing_refusals import refusal
from lithloop.services.booking.sites import get_site
from lithloop.services.errors import NotFound


@dataclass(frozen=True)
class DraftQuote:
    """The quote of a draft: one pricing quote per lot, and the sum."""

    index_version: str
    distance_km: str
    lots: tuple[pricing.ScrapQuote, ...]

    @property
    def total_fen(self) -> int:
        """Sum of the lot totals (negative: the owner pays)."""
        return sum(q.total_fen for q in self.lots)

    def to_dict(self) -> dict:
        """The frozen form stored with the booking and returned by the API."""
        return {
            "index_version": self.index_version,
            "total_fen": self.total_fen,
            "currency": "CNY",
            "distance_km": self.distance_km,
            "lots": [q.to_dict() for q in self.lots],
        }


def own_site(user: User, site_id: int) -> Site:
    """A site of the user's own organisation (NotFound otherwise, naming the field)."""
    try:
        site = get_site(user, site_id)
    except NotFound:
        site = None
    if site is None or site.organisation_id != user.organisation_id:
        raise NotFound(_l("No such site."), field="site_id")
    return site


def quote_draft(user: User, draft: BookingDraft) -> DraftQuote:
    """Price each lot with transport from the site, on today's index."""
    site = own_site(user, draft.site_id)
    distance = distance_from_park_km(site.lat, site.lon)
    index = current_index()
    quotes = []
    for i, lot in enumerate(draft.lots):
        try:
            quotes.append(
                pricing.quote_scrap(
                    pricing.ScrapLot(
                        pricing.Chemistry(lot.chemistry),
                        pricing.Form(lot.form),
                        lot.mass_kg,
                        pricing.Condition(lot.condition),
                        distance_km=distance,
                    ),
                    index,
                    quoted_on=clock.today(),
                )
            )
        except pricing.PricingError as exc:
            raise refusal(exc, field=f"lots[{i}].{exc.field}") from exc
    return DraftQuote(index.version, str(distance), tuple(quotes))


def unknown_code_warnings(draft: BookingDraft) -> list[str]:
    """Valid codes that no fleet register on lithloop knows: allowed, with a warning."""
    codes = {c for lot in draft.lots for c in lot.codes}
    if not codes:
        return []
    known = set(
        db.session.scalars(sa.select(BusPack.pack_code).where(BusPack.pack_code.in_(codes)))
    )
    unknown = sorted(codes - known)
    if not unknown:
        return []
    return [
        ngettext(  # "1 codes are ...; they are" read the English page wrongly
            "%(num)s code is not in any fleet register on lithloop (%(codes)s); "
            "it is accepted and checked at intake.",
            "%(num)s codes are not in any fleet register on lithloop (%(codes)s); "
            "they are accepted and checked at intake.",
            len(unknown),
            codes=str(listed(unknown[:5])) + ("…" if len(unknown) > 5 else ""),
        )
    ]
