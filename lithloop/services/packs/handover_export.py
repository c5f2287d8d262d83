"""The national traceability platform's upload file: handovers as CSV, streamed.

The rows come from one joined query (pack, organisation, owner, buyer) read from a
server-side cursor, the holiday calendar read once per export (docs/performance.md).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from lithloop import clock
from lithloop.extensions import db
from lithloop.models import Organisation, Pack, PackEvent
from lithloop.services.errors import Invalid
from lithloop.services.packs import holiday_calendar, upload_batch
from lithloop.services.packs.traceability import party_to, unreported_where
from lithloop.services.reporting.csv_export import csv_stream


def unreported_query(organisation_id: int | None = None):
    """Every unreported handover, oldest deadline first: the export's rows as a query."""
    order = (PackEvent.report_due, PackEvent.at, PackEvent.id)
    return _export_rows(unreported_where(organisation_id)).order_by(*order)


def batch_query(organisation_id: int | None = None, through: int | None = None):
    """The next upload batch (upload_batch.py): at most TRACE_UPLOAD_BATCH unreported
    handovers, oldest deadline first, up to the handover `through` if given."""
    where = upload_batch.batch_where(organisation_id, through)
    return _export_rows(where).order_by(*upload_batch.ORDER).limit(upload_batch.batch_size())


def _export_rows(where):
    """The export's columns of the handovers matching `where`, joined in one query: plain
    rows, no ORM objects and no loading per batch (an export reads thousands)."""
    owner, buyer, party = (aliased(Organisation) for _ in range(3))
    return (
        sa.select(
            Pack.code,
            Pack.original_code,
            Pack.chemistry,
            PackEvent.kind,
            PackEvent.at,
            party.name.label("organisation"),
            PackEvent.data,
            owner.name.label("owner"),
            buyer.name.label("buyer"),
            Pack.mass_kg,
            PackEvent.report_due,
        )
        .join(Pack, Pack.id == PackEvent.pack_id)
        .outerjoin(party, party.id == PackEvent.organisation_id)
        .outerjoin(owner, owner.id == Pack.owner_id)
        .outerjoin(buyer, buyer.id == Pack.buyer_id)
        .where(*where)
    )


def archive_years() -> range:
    """The years the archive offers and serves, newest first: from the Beijing-time year of
    the first handover on record (this year when there is none) to this year."""
    first = db.session.scalar(
        sa.select(sa.func.min(PackEvent.at)).where(PackEvent.report_due.is_not(None))
    )
    this_year = clock.today().year
    start = min(clock.local_day(first).year, this_year) if first is not None else this_year
    return range(this_year, start - 1, -1)


def check_archive_year(year: int | None, years: range | None = None) -> int:
    """`year` if the archive serves it (`years`: archive_years(), if already read), else
    Invalid(field='year') naming the years it serves."""
    years = archive_years() if years is None else years
    if year in years:
        return year
    if len(years) == 1:  # not "from 2026 to 2026"
        message = _l(
            "There is no archive of that year: there is one for %(year)d only.", year=years[0]
        )
    else:
        message = _l(
            "There is no archive of that year: choose a year from %(first)d to %(last)d.",
            first=years[-1],
            last=years[0],
        )
    raise Invalid(message, field="year")


def archive_counts(organisation_id: int | None = None) -> list[tuple[int, int]]:
    """Each year the archive serves, newest first, with its handovers (those the organisation
    is a party to, if given), counted by Beijing-time year in one query; a year with none
    counts 0."""
    years = archive_years()
    first, last = years[-1], years[0]
    bucket = sa.case(*((PackEvent.at < clock.at(date(y + 1, 1, 1)), y) for y in years[::-1]))
    where = [
        PackEvent.report_due.is_not(None),
        PackEvent.at >= clock.at(date(first, 1, 1)),
        PackEvent.at < clock.at(date(last + 1, 1, 1)),
    ]
    if organisation_id is not None:
        where.append(party_to(organisation_id))
    rows = sa.select(bucket.label("year")).where(*where).subquery()  # grouped by its name
    counted = dict(
        db.session.execute(sa.select(rows.c.year, sa.func.count()).group_by(rows.c.year)).all()
    )
    return [(year, counted.get(year, 0)) for year in years]


def year_spans(years: list[int]) -> list[str]:
    """Newest-first years as spans: [2025, 2024, 2023, 2020] -> ["2023–2025", "2020"]."""
    spans: list[list[int]] = []
    for year in years:
        if spans and spans[-1][-1] == year + 1:
            spans[-1].append(year)
        else:
            spans.append([year])
    return [f"{s[-1]}–{s[0]}" if len(s) > 1 else str(s[0]) for s in spans]


def handovers_of_year(year: int, organisation_id: int | None = None):
    """Every handover of a Beijing-time year, reported or not (those the organisation is a
    party to, if given), oldest first: the export's rows as a query (`csv_chunks`)."""
    start, end = clock.at(date(year, 1, 1)), clock.at(date(year + 1, 1, 1))
    where = [PackEvent.report_due.is_not(None), PackEvent.at >= start, PackEvent.at < end]
    if organisation_id is not None:
        where.append(party_to(organisation_id))
    return _export_rows(where).order_by(PackEvent.at, PackEvent.id)


def event_counterparty(event: PackEvent) -> str:
    """`counterparty` of a loaded handover event (its pack's owner and buyer loaded)."""
    owner, buyer = event.pack.owner, event.pack.buyer
    return counterparty(
        event.kind, event.data or {}, owner.name if owner else None, buyer.name if buyer else None
    )


#: The columns of the CSV the national platform's upload needs.
CSV_COLUMNS = (
    "pack_code",
    "original_code",
    "chemistry",
    "event_kind",
    "event_time_local",
    "organisation",
    "counterparty",
    "mass_kg",
    "report_due",
    "report_due_status",
)
#: The last column when a deadline was counted without that year's official calendar.
PROVISIONAL = "暂定 provisional"


def counterparty(kind: str, data: dict, owner: str | None, buyer: str | None) -> str:
    """The other party to a handover, by name ("" when none is known): the one the event
    names, else the pack's owner for a receipt, or its buyer for a sale."""
    if data.get("counterparty"):
        return str(data["counterparty"])
    if kind == "received" and owner is not None:
        return owner
    if kind == "sold" and buyer is not None:
        return buyer
    return ""


def _cells(code, original, chemistry, kind, at, organisation, party, mass, due, provisional):
    return [
        code,
        original or "",
        chemistry,
        kind,
        clock.local(at).strftime("%Y-%m-%d %H:%M:%S"),
        organisation or "",
        party,
        mass,
        due.isoformat(),
        PROVISIONAL if provisional else "",
    ]


def csv_chunks(query, batch: int = 500):
    """The CSV of an export query's rows (`unreported_query`, `handovers_of_year`), streamed:
    read from a server-side cursor `batch` rows at a time, the calendar read once."""
    work = holiday_calendar.calendar()
    rows = db.session.execute(query.execution_options(yield_per=batch))

    def cells(row) -> list:
        provisional = holiday_calendar.is_provisional(clock.local_day(row.at), row.report_due, work)
        party = counterparty(row.kind, row.data, row.owner, row.buyer)
        return _cells(
            row.code,
            row.original_code,
            row.chemistry,
            row.kind,
            row.at,
            row.organisation,
            party,
            row.mass_kg,
            row.report_due,
            provisional,
        )

    yield from csv_stream(CSV_COLUMNS, (cells(row) for row in rows))
