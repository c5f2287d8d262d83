"""New price index versions: checked against the one in force, previewed, added, or read
from an uploaded CSV."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lithloop import clock, pricing
from lithloop.batteries.csv_text import csv_stream
from lithloop.batteries.forecast import add_months
from lithloop.extensions import db
from lithloop.i18n import listed
from lithloop.models import PriceIndexVersion, User
from lithloop.services.accounts import audit, policies
from lithloop.services.booking.prices import (
    add_default_versions,
    any_stored,
    current_index,
    version_row,
)
from lithloop.services.booking.pricing_refusals import refusal
from lithloop.services.errors import Conflict, Invalid
from lithloop.services.strict_input import FIRST_DATE, LAST_DATE, parse_amount, quoted

#: The highest price a version may hold, by unit: about ten times the highest in FACTS.md
#: (lithium carbonate's 2022 peak, ~604,000 CNY/t; the LFP lithium point, 3,300 CNY; a new
#: LFP storage cell, 298 CNY/kWh). A typo of extra digits is refused, not published.
PRICE_CEILING = {"t": 6_000_000, "point": 33_000, "kWh": 3_000}
CEILING_UNITS = {"t": _l("tonne"), "point": _l("lithium point"), "kWh": _l("kWh")}
#: How far ahead a version may take effect: prices are set from the metal markets of the
#: day (FACTS.md §2), so a year ahead is already generous; a date beyond is a typo.
MAX_MONTHS_AHEAD = 12


def latest_effective_date(today: date | None = None) -> date:
    """The furthest day a new version may take effect: MAX_MONTHS_AHEAD from today."""
    return add_months(today or clock.today(), MAX_MONTHS_AHEAD)


def _build_version(
    version: str, effective_date: date, note: str, prices: dict[str, Decimal | None]
) -> tuple[pricing.IndexSnapshot, pricing.IndexSnapshot, dict[str, pricing.PricePoint]]:
    """The index in force on the date, the new version built on it, and the changed prices."""
    version = (version or "").strip()
    if not version or len(version) > 40:
        raise Invalid(_l("Give the version a label of 1 to 40 characters."), field="version")
    if _label_taken(version):
        raise Conflict(
            _l("Version %(v)s exists already; versions never change.", v=version), field="version"
        )
    if not FIRST_DATE <= effective_date <= LAST_DATE:
        raise Invalid(
            _l(
                "Enter a date between %(a)s and %(b)s.",
                a=FIRST_DATE.isoformat(),
                b=LAST_DATE.isoformat(),
            ),
            field="effective_date",
        )
    latest = latest_effective_date()
    if effective_date > latest:  # a typo (2072) would be kept for ever, on the chart's axis
        raise Invalid(
            _l(
                "A version takes effect at most %(months)d months ahead, by %(last)s at the "
                "latest; check the date.",
                months=MAX_MONTHS_AHEAD,
                last=latest.isoformat(),
            ),
            field="effective_date",
        )
    in_force = current_index().effective_date
    if effective_date < in_force:  # never used: blanks filled, and compared, from an old one
        raise Invalid(
            _l(
                "The prices in force today took effect on %(d)s; a version dated earlier "
                "would never be used. Choose %(d)s or a later day.",
                d=in_force.isoformat(),
            ),
            field="effective_date",
        )
    base = current_index(effective_date)
    known = set(base.prices) | {pricing.new_pack_key(c) for c in pricing.Chemistry}
    changes = {}
    for key, value in prices.items():
        if value is None:
            continue
        if key not in known:  # versions never change: no price of no chemistry kept for ever
            shown = quoted(key, 40)
            names = listed(sorted(known))
            raise Invalid(
                _l("Unknown price %(k)s; the names are %(names)s.", k=shown, names=names),
                field=shown,
            )
        if not value.is_finite() or value <= 0:
            raise Invalid(_l("Prices must be positive numbers."), field=key)
        old = base.prices.get(key)
        unit = old.unit if old else "kWh"
        if unit in PRICE_CEILING and value > PRICE_CEILING[unit]:
            raise Invalid(
                _l(
                    "A price cannot be above %(max)s CNY per %(unit)s (about ten times the "
                    "highest on record); check the number.",
                    max=f"{PRICE_CEILING[unit]:,}",
                    unit=CEILING_UNITS[unit],
                ),
                field=key,
            )
        changes[key] = pricing.PricePoint(
            value=value,
            unit=unit,
            as_of=effective_date,
            source=note or "admin",
        )
    try:
        snapshot = base.with_prices(version, effective_date, changes, note=note)
        pricing.IndexSnapshot.from_dict(snapshot.to_dict())  # validates the whole index
    except pricing.PricingError as exc:
        raise refusal(exc) from exc
    return base, snapshot, changes


def _label_taken(version: str) -> bool:
    """A stored version has the label, or (none stored) an embedded default version has,
    which the first change stores with it."""
    if db.session.scalar(
        sa.select(PriceIndexVersion.id).where(PriceIndexVersion.version == version)
    ):
        return True
    return not any_stored() and version in {s.version for s in pricing.default_snapshots()}


def preview_version(
    *, version: str, effective_date: date, note: str, prices: dict[str, Decimal | None]
) -> tuple[pricing.IndicativeTable, pricing.IndicativeTable]:
    """The public price table now and as it would be with the new version; nothing stored."""
    base, snapshot, _changes = _build_version(version, effective_date, note, prices)
    return pricing.indicative_scrap_table(base), pricing.indicative_scrap_table(snapshot)


def add_version(
    user: User, *, version: str, effective_date: date, note: str, prices: dict[str, Decimal | None]
) -> PriceIndexVersion:
    """Add a version: the current index with the given prices changed (None keeps the old)."""
    policies.require(user, policies.ADMINS, _l("Only administrators do this."))
    version = (version or "").strip()
    base, snapshot, changes = _build_version(version, effective_date, note, prices)
    if not any_stored():  # the first change: the embedded versions it builds on are stored too
        add_default_versions()
    row = version_row(snapshot, user)
    db.session.add(row)
    audit.record(
        "price_index.add_version",
        actor=user,
        object_type="price_index_version",
        object_id=version,
        details={
            "effective_date": effective_date.isoformat(),
            "note": note,
            "changes": {key: str(point.value) for key, point in changes.items()},
            "previous": {key: str(base.prices[key].value) for key in changes if key in base.prices},
        },
    )
    try:
        db.session.commit()
    except sa.exc.IntegrityError as exc:  # another admin saved a version a moment ago
        db.session.rollback()
        if not _label_taken(version):  # the other's first change stored the embedded versions
            raise Conflict(
                _l("Another change to the price index was saved just now; send the form again."),
                field="version",
            ) from exc
        raise Conflict(
            _l("Version %(v)s exists already; versions never change.", v=version), field="version"
        ) from exc
    from lithloop.services.market import repricing  # listings follow the index in force

    repricing.reprice_listings()  # one in force later: housekeeping reprices on the day
    return row


PRICE_CSV_MAX_BYTES = 256 * 1024


def parse_price_csv(data: bytes) -> dict[str, Decimal]:
    """Prices from a CSV with header `key,value` (UTF-8 or GBK); Invalid names the bad row."""
    import csv

    if len(data) > PRICE_CSV_MAX_BYTES:
        raise Invalid(
            _l(
                "The price file is larger than %(kb)s KB; a price list is much "
                "smaller. Check that you chose the right file.",
                kb=PRICE_CSV_MAX_BYTES // 1024,
            ),
            field="csv",
        )
    if b"\x00" in data:  # binary, e.g. an .xlsx workbook: not CSV text
        raise Invalid(
            _l(
                "This is not a CSV text file (is it an Excel workbook?). Save it "
                "as CSV and upload it again."
            ),
            field="csv",
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise Invalid(_l("The file is neither UTF-8 nor GBK text."), field="csv")
    try:
        reader = csv.DictReader(csv_stream(text))
        fieldnames = reader.fieldnames
        records = list(reader)
    except csv.Error:  # never the parser's own English beside the field
        raise Invalid(
            _l("The file is not readable as CSV. Save it again as CSV and upload it."),
            field="csv",
        ) from None
    if not fieldnames or {"key", "value"} - {f.strip() for f in fieldnames}:
        raise Invalid(_l("The CSV needs the columns key and value."), field="csv")
    prices: dict[str, Decimal] = {}
    rows: dict[str, int] = {}
    for number, row in enumerate(records, start=2):
        key = (row.get("key") or "").strip()
        raw = (row.get("value") or "").strip()
        if key in rows:  # two values for one price: which one was meant is not ours to guess
            raise Invalid(
                _l(
                    "Row %(n)s: %(k)s is already priced in row %(first)s; keep one of them.",
                    n=number,
                    k=key,
                    first=rows[key],
                ),
                field="csv",
            )
        rows[key] = number
        try:
            prices[key] = parse_amount(raw, "csv")
        except Invalid as exc:
            raise Invalid(
                _l(
                    "Row %(n)s (%(v)s): %(why)s",
                    n=number,
                    v=raw[:40],
                    why=exc.message,
                ),
                field="csv",
            ) from exc
    return prices
