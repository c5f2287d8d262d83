"""A run's log for the page: the lines lithloop writes told in the reader's language, the
routing engine's own notes kept apart (English, for support)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from lithloop import labels
from lithloop.services.dispatch.held_from_planning import day_held_words, entry_by_status
from lithloop.services.dispatch.run_control import (
    DAY_LINE,
    DROPPED_LINE,
    FINISHED_LINE,
    MODE_MARK,
    RESCHEDULED,
    RESULT_LINE,
    SKIPPED_LINE,
    STRANDED_LINE,
    URGENT_LINE,
)
from lithloop.services.dispatch.runs import QUEUED_ERROR, STALE_ERROR, UNREACHABLE_ERROR
from lithloop.vocab import ShippedLeftOut


def _pattern(line: str) -> re.Pattern:
    """A log line's template (planning's) as a pattern with one named group per field."""
    return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>\\S+?)", re.escape(line)))


_DAY = _pattern(DAY_LINE)
_RESULT = _pattern(RESULT_LINE)
_FINISHED = _pattern(FINISHED_LINE)
_SKIPPED = _pattern(SKIPPED_LINE)
_URGENT = _pattern(URGENT_LINE)
# the plate, last, as it is (a plate may hold a space)
_DROPPED = re.compile(_pattern(DROPPED_LINE).pattern.replace("(?P<plate>\\S+?)", "(?P<plate>.+)"))
_STRANDED = re.compile(_pattern(STRANDED_LINE).pattern.replace("(?P<plate>\\S+?)", "(?P<plate>.+)"))


@dataclass(frozen=True)
class RunLog:
    """What the page shows: `lines` in words, `engine` as the engine wrote them."""

    lines: list[str]
    engine: list[str]


def _status(value: str) -> str:
    return {
        "solved": _("every stop planned"),
        "partial": _("some stops left out"),
        "no_route": _("nothing could be planned"),
    }.get(value, value)


def _line(text: str) -> str | None:
    """One of lithloop's own lines in words, or None for an engine note."""
    if text.startswith(MODE_MARK):
        mode = text.removeprefix(MODE_MARK)
        return _("Search: quick") if mode == "quick" else _("Search: thorough")
    day = _DAY.fullmatch(text)
    if day:
        return _(
            "%(day)s: %(bookings)s bookings (%(carried)s carried over), %(orders)s deliveries, "
            "%(trucks)s trucks, %(kept)s routes kept as they are, %(going)s under way",
            **day.groupdict(),
        )
    result = _RESULT.fullmatch(text)
    if result:
        return _(
            "%(day)s: %(status)s; %(left)s left out",
            day=result["day"],
            status=_status(result["status"]),
            left=result["left"],
        )
    dropped = _DROPPED.fullmatch(text)
    if dropped:
        return _dropped(dropped)
    stranded = _STRANDED.fullmatch(text)
    if stranded:
        return _stranded(stranded)
    skipped = _SKIPPED.fullmatch(text)
    if skipped:
        return skipped_words(skipped["day"])
    finished = _FINISHED.fullmatch(text)
    if finished:
        return _(
            "%(day)s: finished on request after %(seconds)s s, keeping the best plan found",
            **finished.groupdict(),
        )
    urgent = _URGENT.fullmatch(text)
    if urgent:
        return _(
            "Booking #%(id)s inserted by hand into the published plan, at its cheapest place; "
            "no other stop moved",
            id=urgent["id"],
        )
    return None


def skipped_days(log: str | None) -> list[str]:
    """The days a run skipped, having nothing to plan on them (ISO dates, in order)."""
    return [m["day"] for t in (log or "").split("\n") if (m := _SKIPPED.fullmatch(t))]


def held_lines(held: list[dict] | None) -> list[str]:
    """The run's bookings held from planning (PlanRun.held: organisation not approved), a
    line in words a day, in order."""
    return [_held(entry) for entry in held or []]


def _held(entry: dict) -> str:
    """A day's bookings held from planning: how many, which, why, and where to release them."""
    return str(day_held_words(entry["date"], entry_by_status(entry)))


def skipped_words(day: str) -> str:
    """A skipped day in words."""
    return _(
        "%(day)s: nothing to plan (no bookings, no deliveries): the day was skipped and no "
        "plan stored for it",
        day=day,
    )


def _dropped(line: re.Match) -> str:
    """A stop taken off a route the run kept as it is (its booking or order ended since, or
    its owner changed the booking's day or window)."""
    if line["what"] == "booking" and line["status"] == RESCHEDULED:
        return _(
            "%(day)s: the owner changed the pickup day or window of booking #%(id)s, so its "
            "stop was taken off the route of %(plate)s kept as it is; the booking is planned "
            "as changed",
            day=line["day"],
            id=line["id"],
            plate=line["plate"],
        )
    if line["what"] == "booking":
        return _(
            "%(day)s: %(what)s, so its stop was taken off the route of %(plate)s kept as it "
            "is; the rest of that route is kept",
            day=line["day"],
            what=_clause(labels.BOOKING_IS, line),
            plate=line["plate"],
        )
    return _(
        "%(day)s: %(what)s, so its delivery was taken off the route of %(plate)s kept as it "
        "is; the rest of that route is kept",
        day=line["day"],
        what=_clause(labels.ORDER_IS, line),
        plate=line["plate"],
    )


def _clause(clauses: labels.Table, line: re.Match) -> str:
    """The stop's booking or order in a clause with its status (a code of no status: as it is)."""
    if line["status"] not in clauses or not line["id"].isdecimal():
        return f"#{line['id']} {line['status']}"
    return str(labels.clause(clauses, line["status"], int(line["id"])))


def _stranded(line: re.Match) -> str:
    """A shipped order the run could not keep on the truck its packs are on: left out."""
    if line["reason"] == ShippedLeftOut.TRUCK_INACTIVE:
        return _(
            "%(day)s: order #%(id)s, shipped on truck %(plate)s, was left out: that truck is "
            "not active, and no other truck has its packs",
            day=line["day"],
            id=line["id"],
            plate=line["plate"],
        )
    return _(
        "%(day)s: order #%(id)s, shipped on truck %(plate)s, was left out: the route of that "
        "truck is kept as it is and cannot take the delivery",
        day=line["day"],
        id=line["id"],
        plate=line["plate"],
    )


def run_log(log: str | None, held: list[dict] | None = None) -> RunLog:
    """Split a run's stored log into lines in words and the engine's notes; a day's held
    bookings (PlanRun.held) are told before the first of lithloop's lines for that day, as
    the run came to them first (at the end when the log has none for it)."""
    lines: list[str] = []
    engine: list[str] = []
    untold = list(held or [])
    for text in (log or "").splitlines():
        if not text.strip():
            continue
        told = _line(text.strip())
        if told is None:
            engine.append(text)
            continue
        due = [e for e in untold if text.strip().startswith(f"{e['date']}:")]
        lines += [_held(e) for e in due]
        untold = [e for e in untold if e not in due]
        lines.append(told)
    return RunLog(lines + [_held(e) for e in untold], engine)


@dataclass(frozen=True)
class RunFailure:
    """Why a run failed: `words` for the dispatcher, `detail` as stored (English, for support)."""

    words: str
    detail: str


def run_failure(error: str | None, run_id: int) -> RunFailure | None:
    """A failed run's stored error told in words; the stored text kept apart as detail."""
    if not error:
        return None
    if error == STALE_ERROR:
        words = _("The worker stopped during the run; nothing was stored. Start a new run.")
        return RunFailure(words, "")
    if error == QUEUED_ERROR:
        words = _(
            "No background worker took the run in time (are the workers running, or all "
            "busy?); nothing was stored. Start a new run."
        )
        return RunFailure(words, "")
    if error.startswith(UNREACHABLE_ERROR):
        words = _(
            "The background workers could not be reached, so the run did not start. "
            "Try again in a minute; if it keeps failing, tell the administrator."
        )
    else:
        words = _(
            "The run failed on an internal error; nothing was stored. Start a new run; if it "
            "fails again, tell the administrator (run #%(id)s).",
            id=run_id,
        )
    return RunFailure(words, error)
