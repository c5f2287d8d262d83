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
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, pricing
from lithloop.extensions import db
from lithloop.i18n import money
from lithloop.models import Pack, PriceIndexVersion
from lithloop.services.booking.prices import current_index, snapshot_of, version_in_force
from lithloop.services.errors import Conflict
from lithloop.services.market import catalog, catalog_groups
from lithloop.services.market.errors import Code
from lithloop.vocab import PackState

log = logging.getLogger(__name__)
#: Priced packs not yet reserved or sold: built and tested, resting, or on sale.
UNSOLD = (PackState.RECEIVED, PackState.AGING, PackState.FINISHED)
BATCH = 500  # per call; housekeeping calls again for the rest
#: How many earlier index versions a cart line's price is looked for in (newest first).
EARLIER_VERSIONS = 5


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
            .execution_options(populate_existing=True)
        )
    )


def reprice_listings() -> int:
    """Price again, under the index in force, the unsold packs listed under another version;
    commits and returns how many changed version."""
    if db.session.scalar(sa.select(sa.func.count(PriceIndexVersion.id))) == 0:
        return 0  # none stored: listings were priced on the embedded default, still in force
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


@dataclass(frozen=True)
class Repriced:
    """Packs of a cart line priced again since it was added: their group now, the price
    the buyer saw, the price now and how many are on sale at it."""

    key: str
    was_fen: int
    price_fen: int
    stock: int


def repriced(key: str) -> list[Repriced]:
    """The groups on sale now holding packs of the group `key` that the index in force
    priced again (the key's price was theirs under an earlier version), cheapest first;
    [] when none was (sold out, or out of the catalogue). Writes nothing."""
    parts = catalog_groups.parse_group(key)
    same_kind = (
        Pack.chemistry == parts.chemistry,
        Pack.grade == parts.grade,
        Pack.rated_wh == parts.rated_wh,
        Pack.refurbished.is_(parts.refurbished),
    )
    now = version_in_force()  # a stored version: none stored, no listing was priced again
    if now is None:  # no index stored yet: nothing was priced again
        return []
    packs = list(
        db.session.scalars(
            catalog.for_sale().where(
                *same_kind,
                Pack.price_fen != parts.price_fen,
                Pack.price_index_version == now,  # priced again under the index in force
            )
        )
    )
    if not packs:
        return []
    earlier = db.session.scalars(
        sa.select(PriceIndexVersion)
        .where(
            PriceIndexVersion.effective_date <= clock.today(),
            PriceIndexVersion.version != now,
        )
        .order_by(PriceIndexVersion.effective_date.desc(), PriceIndexVersion.id.desc())
        .limit(EARLIER_VERSIONS)
    )
    snapshots = [snapshot_of(row) for row in earlier]
    moved = Counter(
        catalog_groups.group_id(p) for p in packs if parts.price_fen in _prices_under(p, snapshots)
    )
    found = [
        Repriced(group, parts.price_fen, catalog_groups.parse_group(group).price_fen, count)
        for group, count in moved.items()
    ]
    return sorted(found, key=lambda r: (r.price_fen, r.key))


def _prices_under(pack: Pack, snapshots: list[pricing.IndexSnapshot]) -> set[int]:
    prices = set()
    for index in snapshots:
        try:
            prices.add(pricing.price_second_life(_item(pack), index).price_fen)
        except pricing.PricingError:
            continue
    return prices


def refuse_if_repriced(key: str) -> None:
    """At checkout, for a cart line none of whose packs is on sale at its price: Conflict
    saying they were repriced (the price seen, the price now) when they were; nothing is
    ever charged at a price the buyer did not see."""
    found = repriced(key)
    if not found:
        return
    prices = sorted({r.price_fen for r in found})
    now = money(prices[0]) if len(prices) == 1 else f"{money(prices[0])}–{money(prices[-1])}"
    raise Conflict(
        _l(
            "%(g)s: repriced from %(was)s to %(now)s each since you added them to the cart. "
            "Update the cart line to order them at the new price.",
            g=catalog_groups.group_words(key),
            was=money(found[0].was_fen),
            now=now,
        ),
        code=Code.REPRICED,
    )
