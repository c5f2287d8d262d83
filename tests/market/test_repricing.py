"""Listings follow the price index: once a new version is in force, every pack on sale is
priced again under it, those of unknown cycle count too (never sold at a stale price);
a pack reserved or sold keeps the price its order was placed at."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from lithloop import clock, pricing
from lithloop.extensions import db
from lithloop.jobs import housekeeping
from lithloop.models import Pack, PackState
from lithloop.pricing.model import MAX_CYCLES
from lithloop.services.booking import price_versions
from lithloop.services.booking import prices as price_service
from lithloop.services.market import catalog, repricing
from lithloop.services.packs.state import place
from tests.market.support import list_packs, make_admin


def _listed(cycles):
    """One pack on sale, priced under the index in force (as assembly prices it)."""
    (pack,) = list_packs(1, cycles=cycles)
    index = price_service.current_index()
    pack.price_fen = pricing.price_second_life(repricing._item(pack), index).price_fen
    pack.price_index_version = index.version
    db.session.commit()
    return pack


def _new_version(version: str, effective: datetime):
    index = price_service.current_index()
    price_versions.add_version(
        make_admin(),
        version=version,
        effective_date=effective.date(),
        note="",
        prices={"new_pack.LFP": index.prices["new_pack.LFP"].value * Decimal("0.9")},
    )


def _expected(pack: Pack) -> int:
    return pricing.price_second_life(repricing._item(pack), price_service.current_index()).price_fen


def test_a_new_index_reprices_the_listings_unknown_cycle_counts_included(app, frozen_clock):
    price_service.ensure_default_index()
    known, unknown, held = _listed(1100), _listed(None), _listed(None)
    place(held, PackState.RESERVED, None, "reserved")
    db.session.commit()
    before = {p.id: p.price_fen for p in (known, unknown, held)}
    _new_version("new-pack-less", clock.now())
    for pack in (known, unknown):
        db.session.refresh(pack)
        assert pack.price_index_version == "new-pack-less"
        assert pack.price_fen == _expected(pack) < before[pack.id]
    db.session.refresh(held)
    assert held.price_fen == before[held.id]  # its order keeps the price it was placed at
    # a version in force from tomorrow: nothing changes today, housekeeping reprices then
    tomorrow = datetime.combine(clock.today() + timedelta(days=1), time(2), tzinfo=UTC)
    _new_version("tomorrow", tomorrow)
    db.session.refresh(unknown)
    assert unknown.price_index_version == "new-pack-less"
    frozen_clock(tomorrow)
    ids = (known.id, unknown.id)
    assert housekeeping.run_all()["reprice_listings"] == 2
    for key in ids:
        pack = db.session.get(Pack, key)
        assert (pack.price_index_version, pack.price_fen) == ("tomorrow", _expected(pack))
    assert housekeeping.run_all()["reprice_listings"] == 0


def test_a_pack_the_index_cannot_price_leaves_the_catalogue(app):
    price_service.ensure_default_index()
    pack = _listed(None)
    pack.cycle_count = MAX_CYCLES + 1  # the engine refuses it: no price rather than a stale one
    pack.price_index_version = "older"
    db.session.commit()
    assert repricing.reprice_listings() == 1
    db.session.refresh(pack)
    assert pack.price_fen is None and pack.price_index_version != "older"
    assert pack.id not in {p.id for p in db.session.scalars(catalog.for_sale())}
