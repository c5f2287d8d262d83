"""The working-day calendar as data an admin keeps: stored years, uploads, provisional deadlines.

The calendar is the years stored in `holiday_year` (seeded by migration 0015 from
lithloop/data/cn_holidays.json, then uploaded by an admin each November when the State
Council publishes the next year), over the shipped file (and TRACE_HOLIDAYS_FILE) for years
not stored. A deadline counted across a year the calendar does not cover is provisional:
it counts Monday to Friday only, and every page, export and API answer showing it says so.
When the year is uploaded, the open deadlines are counted again.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app, g, has_request_context
from flask_babel import lazy_gettext as _l

from lithloop import clock
from lithloop.batteries.holiday_upload import YearUpload, check_upload
from lithloop.batteries.working_days import WorkCalendar, calendar_of_years, load_calendar
from lithloop.cache import read_cache
from lithloop.extensions import db
from lithloop.i18n import current_language, listed
from lithloop.models import HolidayYear, PackEvent, Role, User
from lithloop.services.accounts import audit
from lithloop.services.errors import Forbidden, Invalid
from lithloop.services.strict_input import limited_text

G_KEY = "lithloop_work_calendar"
WARN_FROM_MONTH = 11  # from 1 November, next year's schedule is due (published in November)
MAX_UPLOAD = 64 * 1024  # bytes; a year is a few hundred
SOURCE_MAX = 500  # holiday_year.source's length, and the field's maxlength

PROBLEMS = {
    "too_large": _l("The file is larger than %(limit)s bytes."),
    "not_utf8": _l("The file is not UTF-8 text."),
    "bad_json": _l(
        "The JSON cannot be read at line %(line)s, column %(column)s: check the brackets, "
        "commas and quotes there."
    ),
    "json_shape": _l(
        'The JSON must hold the year with its lists of dates, such as {"%(year)s": {"off": '
        '["%(year)s-01-01", "%(year)s-02-06/%(year)s-02-12"], "work": ["%(year)s-02-14"]}}.'
    ),
    "wrong_years": _l("The file must hold exactly the chosen year (it holds: %(found)s)."),
    "bad_csv_header": _l("The CSV needs the header line: date,kind"),
    "bad_kind": _l("Line %(line)s: kind must be off or work."),
    "bad_date": _l("%(value)s is not a date or a date range (YYYY-MM-DD[/YYYY-MM-DD])."),
    "outside_year": _l("%(value)s is not in the chosen year."),
    "off_and_work": _l("%(value)s is listed both as a day off and as a working day."),
    "no_spring_festival": _l(
        "No Spring Festival: the schedule needs at least three days off "
        "in a row between 21 January and 20 February."
    ),
}


@lru_cache(maxsize=4)
def _file_years(path: str | None) -> WorkCalendar:
    return load_calendar(path)


def _compute() -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    rows = db.session.execute(sa.select(HolidayYear.year, HolidayYear.off, HolidayYear.work))
    return {year: (tuple(off), tuple(work)) for year, off, work in rows}


def calendar() -> WorkCalendar:
    """The calendar in force: stored years over the shipped (or configured) file's years."""
    if has_request_context() and G_KEY in g:
        return g.get(G_KEY)
    stored = read_cache.cached("work_calendar", 0, ("holiday_year",), _compute)
    base = _file_years(current_app.config.get("TRACE_HOLIDAYS_FILE") or None)
    years = {
        y: (
            [d.isoformat() for d in base.off if d.year == y],
            [d.isoformat() for d in base.work if d.year == y],
        )
        for y in base.years
        if y not in stored
    }
    years.update({y: (list(off), list(work)) for y, (off, work) in stored.items()})
    result = calendar_of_years(years)
    if has_request_context():
        setattr(g, G_KEY, result)
    return result


def _forget() -> None:
    if has_request_context():
        g.pop(G_KEY, None)


def is_provisional(start: date, due: date | None, work: WorkCalendar | None = None) -> bool:
    """True when the count from `start` to `due` crosses a year the calendar lacks (`work`:
    the calendar already read, for a loop outside a request, where it is not kept)."""
    return due is not None and not (work or calendar()).covers_span(start, due)


def event_provisional(event: PackEvent, work: WorkCalendar | None = None) -> bool:
    """True when the handover's upload deadline was counted without a full calendar."""
    return is_provisional(clock.local_day(event.at), event.report_due, work)


def years() -> list[HolidayYear]:
    """The stored years, newest first."""
    return list(db.session.scalars(sa.select(HolidayYear).order_by(HolidayYear.year.desc())))


def missing_year(today: date | None = None) -> int | None:
    """The year whose schedule should be uploaded now: this year if absent, else next year
    from 1 November; None when nothing is missing."""
    today = today or clock.today()
    known = calendar().years
    if today.year not in known:
        return today.year
    if today.month >= WARN_FROM_MONTH and today.year + 1 not in known:
        return today.year + 1
    return None


def _grouped(params: dict) -> dict:
    """The byte limit with thousands separators ("65,536"), as the pages' other numbers; the
    years found (the reader's "2027, 2028") listed the reader's way ("2027、2028")."""
    shown = dict(params)
    if type(limit := params.get("limit")) is int:
        shown["limit"] = f"{limit:,}"
    if isinstance(found := params.get("found"), str) and ", " in found:
        shown["found"] = listed(found.split(", "))
    return shown


def _message(upload: YearUpload) -> str:
    sep = "" if current_language() == "zh_CN" else " "  # each problem is a sentence
    return sep.join(
        str(PROBLEMS[code] % _grouped(params)) if params else str(PROBLEMS[code])
        for code, params in upload.problems
    )


def upload(
    user: User, year: int | str, data: bytes, filename: str = "", source: str = ""
) -> HolidayYear:
    """Store one year's schedule after checking it (nothing is stored on any error); the
    open handover deadlines are counted again with it."""
    if user.role is not Role.ADMIN:
        raise Forbidden(_l("Only an admin may change the holiday calendar."))
    this_year = clock.today().year
    try:
        year = int(str(year).strip())
    except ValueError:
        raise Invalid(_l("Choose a year."), field="year") from None
    if not this_year - 1 <= year <= this_year + 2:
        raise Invalid(
            _l("The year must be between %(a)s and %(b)s.", a=this_year - 1, b=this_year + 2),
            field="year",
        )
    if not data:
        raise Invalid(_l("Choose the schedule file (JSON or CSV)."), field="file")
    checked = check_upload(year, data, filename)
    if not checked.ok:
        raise Invalid(_message(checked), field="file")
    source = limited_text(source, "source", SOURCE_MAX) or checked.source
    if not source:
        raise Invalid(
            _l("Name the source: the State Council notice (title, number or address)."),
            field="source",
        )
    row = db.session.get(HolidayYear, year)
    replaced = row is not None
    if row is None:
        row = HolidayYear(year=year)
        db.session.add(row)
    row.off, row.work, row.source = checked.off, checked.work, source
    row.uploaded_at, row.uploaded_by_id = clock.now(), user.id
    audit.record(
        "holiday_calendar.upload",
        actor=user,
        object_type="holiday_year",
        object_id=year,
        details={
            "source": source,
            "replaced": replaced,
            "off": len(checked.off),
            "work": len(checked.work),
        },
    )
    db.session.flush()
    _forget()
    recount_open_deadlines()
    db.session.commit()
    _forget()
    return row


def recount_open_deadlines() -> int:
    """Count the deadlines of handovers not yet reported again (the caller commits)."""
    from lithloop.services.packs import events as pack_events

    changed = 0
    query = sa.select(PackEvent).where(
        PackEvent.report_due.is_not(None), PackEvent.reported_at.is_(None)
    )
    for event in db.session.scalars(query):
        due = pack_events.report_due(event.at)
        if due != event.report_due:
            event.report_due = due
            changed += 1
    return changed
