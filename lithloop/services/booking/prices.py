"""The price index: stored versions, the one in force, comparisons, and quotes priced on it."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, pricing
from lithloop.cache import read_cache
from lithloop.extensions import db
from lithloop.models import PriceIndexVersion, User
from lithloop.services.booking.distances import distance_from_park_km  # quotes measure as plans
from lithloop.services.booking.pricing_refusals import refusal
from lithloop.services.booking.sites import site_location
from lithloop.services.errors import Invalid, NotFound
from lithloop.services.strict_input import quoted

EPOCH_DAY = date(1970, 1, 1)  # the price history's time axis counts days from it (as JS dates)


def ensure_default_index() -> int:
    """Store the seeded index versions that are not stored yet and commit (the commands
    `flask seed-prices` and `flask seed-demo`); returns how many were added."""
    added = add_default_versions()
    db.session.commit()
    return added


def add_default_versions() -> int:
    """Add the seeded versions not stored yet to the session (the caller commits)."""
    known = set(db.session.scalars(sa.select(PriceIndexVersion.version)))
    missing = [s for s in pricing.default_snapshots() if s.version not in known]
    db.session.add_all(version_row(snapshot, None) for snapshot in missing)
    return len(missing)


def any_stored() -> bool:
    """True once a version is stored (until then every read uses the embedded default)."""
    return db.session.scalar(sa.select(PriceIndexVersion.id).limit(1)) is not None


def embedded_in_force(on: date) -> pricing.IndexSnapshot:
    """The embedded default version in force on a date (the earliest, before them all)."""
    seeded = pricing.default_snapshots()
    in_force = [snapshot for snapshot in seeded if snapshot.effective_date <= on]
    return in_force[-1] if in_force else seeded[0]


def version_row(snapshot: pricing.IndexSnapshot, user: User | None) -> PriceIndexVersion:
    """The row that stores a snapshot (`user` the admin who added it, None when seeded)."""
    return PriceIndexVersion(
        version=snapshot.version,
        effective_date=snapshot.effective_date,
        note=snapshot.note[:500],
        snapshot=snapshot.to_dict(),
        created_by_id=user.id if user else None,
    )


def versions() -> list[PriceIndexVersion]:
    """All stored versions, oldest effective date first; none stored: the embedded default
    versions, as rows not added to the session (a read stores nothing)."""
    query = sa.select(PriceIndexVersion).order_by(
        PriceIndexVersion.effective_date, PriceIndexVersion.id
    )
    stored = list(db.session.scalars(query))
    return stored or [version_row(snapshot, None) for snapshot in pricing.default_snapshots()]


def get_version(version: str) -> PriceIndexVersion:
    """A stored version by its label, else the embedded default of that label (a quote made
    before any version was stored names one), as a row not added to the session."""
    row = db.session.scalar(
        sa.select(PriceIndexVersion).where(PriceIndexVersion.version == version)
    )
    if row is None:
        embedded = [s for s in pricing.default_snapshots() if s.version == version]
        if not embedded:  # a label is at most 40 characters: a longer one is quoted cut
            raise NotFound(_l("No price index version %(v)s.", v=quoted(version, 40)))
        row = version_row(embedded[0], None)
    return row


def current_index(on: date | None = None) -> pricing.IndexSnapshot:
    """The version in force on a date (default today in China): latest effective on or before;
    the embedded default when no version is stored. Writes nothing.

    Cached per worker while no worker has added a version (shared counters only: a quote
    must never use an index another worker has already replaced)."""
    on = on or clock.today()
    return read_cache.cached(
        "price_index", on, ("price_index_version",), lambda: _index_in_force(on), shared_only=True
    )


#: Days after which an index is said to be old where its prices are shown: metal prices move
#: (battery-grade lithium carbonate went from 119,500 to 181,500 CNY/t in three weeks of
#: January 2026, FACTS.md).
OLD_AFTER_DAYS = 45


def days_old(index: pricing.IndexSnapshot, today: date | None = None) -> int | None:
    """Days since the index took effect when that is more than OLD_AFTER_DAYS, else None."""
    days = ((today or clock.today()) - index.effective_date).days
    return days if days > OLD_AFTER_DAYS else None


def version_in_force(on: date | None = None) -> str | None:
    """The stored version in force on a date (default today in China), or None when none is
    stored (current_index then gives the embedded default)."""
    return db.session.scalar(
        sa.select(PriceIndexVersion.version)
        .where(PriceIndexVersion.effective_date <= (on or clock.today()))
        .order_by(PriceIndexVersion.effective_date.desc(), PriceIndexVersion.id.desc())
        .limit(1)
    )


def _index_in_force(on: date) -> pricing.IndexSnapshot:
    row = db.session.scalar(
        sa.select(PriceIndexVersion)
        .where(PriceIndexVersion.effective_date <= on)
        .options(sa.orm.defer(PriceIndexVersion.snapshot))  # loaded only when not cached
        .order_by(PriceIndexVersion.effective_date.desc(), PriceIndexVersion.id.desc())
        .limit(1)
    )
    if row is None:  # a day before every stored version: the earliest one is the best known
        row = db.session.scalar(
            sa.select(PriceIndexVersion)
            .order_by(PriceIndexVersion.effective_date, PriceIndexVersion.id)
            .limit(1)
        )
    if row is None:  # none stored: the embedded default, which a read never stores
        return embedded_in_force(on)
    return snapshot_of(row)


_SNAPSHOTS: dict[tuple[str, str], pricing.IndexSnapshot] = {}


def snapshot_of(row: PriceIndexVersion) -> pricing.IndexSnapshot:
    """Rebuild the pure snapshot of a stored version (cached: versions never change)."""
    key = (row.version, row.created_at.isoformat() if row.created_at else "")
    if key not in _SNAPSHOTS:
        if len(_SNAPSHOTS) > 64:
            _SNAPSHOTS.clear()
        _SNAPSHOTS[key] = pricing.IndexSnapshot.from_dict(row.snapshot)
    return _SNAPSHOTS[key]


def change_in_percent(old: Decimal | int | None, new: Decimal | int | None) -> Decimal | None:
    """The change from `old` to `new` in percent, to 0.1 (half up), measured against the size
    of `old` so that a rise is positive even from a negative base (-100 -> -50: +50.0); None
    without both or from 0. The one reckoning of every price page (exact, no float)."""
    if old is None or new is None or old == 0:
        return None
    change = (Decimal(new) - Decimal(old)) * 100 / abs(Decimal(old))
    return change.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def compare(a: str, b: str) -> list[dict]:
    """Price by price: the value in a, in b, and the change in percent."""
    first, second = snapshot_of(get_version(a)), snapshot_of(get_version(b))
    rows = []
    for key in sorted(set(first.prices) | set(second.prices)):
        old, new = first.prices.get(key), second.prices.get(key)
        change = change_in_percent(old.value, new.value) if old and new else None
        rows.append(
            {
                "key": key,
                "a": old.value if old else None,
                "b": new.value if new else None,
                "change_pct": change,
                "unit": (new or old).unit,
            }
        )
    return rows


def history(keys: tuple[str, ...] = ("li2co3", "ni", "co", "cu")) -> dict:
    """Each price over the stored versions, for a chart (values as strings, exact); `days`
    places each version on a time axis (days since 1970-01-01), so that a year between two
    versions is drawn wider than a week; `today` on the same axis, where the last price in
    force still holds."""
    rows = versions()
    return {
        "labels": [r.effective_date.isoformat() for r in rows],
        "days": [(r.effective_date - EPOCH_DAY).days for r in rows],
        "today": (clock.today() - EPOCH_DAY).days,
        "series": {
            key: [r.snapshot["prices"].get(key, {}).get("value") for r in rows] for key in keys
        },
    }


def quote_scrap(user: User | None, body: dict) -> pricing.ScrapQuote:
    """A scrap quote for an API or form body; `site_id` (the user's own) gives the distance."""
    body = dict(body)
    site_id = body.pop("site_id", None)
    if site_id is not None:
        if user is None:
            raise Invalid(_l("Log in to quote for a site."), field="site_id")
        lat, lon = site_location(user, int(site_id))
        body["distance_km"] = str(distance_from_park_km(lat, lon))
    try:
        lot = pricing.ScrapLot.from_dict(body)
        return pricing.quote_scrap(lot, current_index(), quoted_on=clock.today())
    except pricing.PricingError as exc:
        raise refusal(exc) from exc


def price_second_life(body: dict) -> pricing.SecondLifePrice:
    """A second-life price for an API or form body."""
    try:
        pack = pricing.SecondLifePack.from_dict(body)
        return pricing.price_second_life(pack, current_index())
    except pricing.PricingError as exc:
        raise refusal(exc) from exc


def indicative_table() -> pricing.IndicativeTable:
    """Today's indicative scrap value per tonne by chemistry and condition."""
    return pricing.indicative_scrap_table(current_index())
