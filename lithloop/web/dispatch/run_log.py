"""A run's log for the page: the lines lithloop writes told in the reader's language, the
routing engine's own notes kept apart (English, for support)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from lithloop.services.dispatch.planning import DAY_LINE, MODE_MARK, RESULT_LINE


def _pattern(line: str) -> re.Pattern:
    """A log line's template (planning's) as a pattern with one named group per field."""
    return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>\\S+?)", re.escape(line)))


_DAY = _pattern(DAY_LINE)
_RESULT = _pattern(RESULT_LINE)


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
    return None


def run_log(log: str | None) -> RunLog:
    """Split a run's stored log into lines in words and the engine's notes."""
    lines: list[str] = []
    engine: list[str] = []
    for text in (log or "").splitlines():
        if not text.strip():
            continue
        told = _line(text.strip())
        if told is None:
            engine.append(text)
        else:
            lines.append(told)
    return RunLog(lines, engine)
