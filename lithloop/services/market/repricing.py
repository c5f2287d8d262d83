"""Listings follow the price index: a pack not yet sold is priced again under the index in
force, with the same inputs it was listed with (chemistry, rated energy, SoH, cycle count,
grade, warranty, mass).

A list price is an offer made under one index version. When a new version takes effect,
the offers made under the old one are stale: a buyer would pay for yesterday's lithium.
So every priced pack not reserved or sold is repriced, those whose cycle count is unknown
included (the engine prices them as the most worn, under the new index as under the old).
An order placed keeps the price of its lines. A pack the new index cannot price (its
chemistry no longer in it, say) loses its price and leaves the catalogue until it can be
priced again: never sold at a price from an index no longer in force.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import sqlalchemy as sa

from lithloop import pricing
from lithloop.extensions import db
from lithloop.models import Pack, PriceIndexVersion
from lithloop.services.booking.prices import current_index
from lithloop.vocab import PackState

log = logging.getLogger(__name__)
#: Priced packs not yet reserved or sold: built and tested, resting, or on sale.
UNSOLD = (PackState.RECEIVED, PackState.AGING, PackState.FINISHED)
BATCH = 500  # per call; housekeeping calls again for the rest


def stale_listings(version: str, limit: int = BATCH) -> list[Pack]:
    """Unsold packs priced (or left unpriced) under another index version, locked."""
    return list(
        db.session.scalars(
            sa.select(Pack)
            .where(
                Pack.state.in_(UNSOLD),
                Pack.grade.is_not(None),
                Pack.rated_wh.is_not(None),
                Pack.soh_pct.is_not(None),
                Pack.price_index_version.is_not(None),
                Pack.price_index_version != version,
            )
            .order_by(Pack.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


def reprice_listings() -> int:
    """Price again, under the index in force, the unsold packs listed under another version;
    commits and returns how many changed version."""
    if db.session.scalar(sa.select(sa.func.count(PriceIndexVersion.id))) == 0:
        return 0  # no index stored yet: nothing was listed under one
    index = current_index()
    packs = stale_listings(index.version)
    for pack in packs:
        try:
            price = pricing.price_second_life(_item(pack), index)
        except pricing.PricingError as exc:  # needs a price: out of the catalogue until then
            log.warning("pack %s has no price under index %s: %s", pack.code, index.version, exc)
            pack.price_fen = None
        else:
            pack.price_fen = price.price_fen
        pack.price_index_version = index.version
    db.session.commit()
    return len(packs)


def _item(pack: Pack) -> pricing.SecondLifePack:
    return pricing.SecondLifePack(
        chemistry=pack.chemistry,
        rated_kwh=Decimal(pack.rated_wh) / 1000,
        soh_pct=pack.soh_pct,
        cycles=pack.cycle_count,
        grade=pack.grade.value,
        warranty_months=pack.warranty_months or 0,
        mass_kg=pack.mass_kg,
    )
