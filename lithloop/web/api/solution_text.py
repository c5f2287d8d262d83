"""The route solver's answer in the reader's language: why each stop was left unassigned
(`reason_text`), told from its `reason` code and the stop as the request gave it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lithloop import routing
from lithloop.i18n import listed

#: Each reason code of routing.REASON_TEXT in words (the code itself is data, unchanged).
UNASSIGNED_WORDS = {
    routing.REASON_SKILL: _l("No truck has the skills this stop needs (%(skills)s)."),
    routing.REASON_CAPACITY: _l(
        "The stop's amount (pickup %(pickup)s, delivery %(delivery)s) is more than any "
        "suitable truck carries."
    ),
    routing.REASON_WINDOW: _l(
        "No suitable truck can reach the stop inside its time windows and return within its shift."
    ),
    routing.REASON_RANGE: _l(
        "The round trip to the stop is beyond every suitable truck's maximum distance or "
        "working time."
    ),
    routing.REASON_DAY_FULL: _l(
        "Left out because the trucks are full (load or time): add a truck or solve it another day."
    ),
}


def _amount(values: tuple[int, ...]) -> str:
    return str(list(values))  # the amounts per dimension, as the request wrote them


def unassigned_words(reason: str, stop: routing.Stop | None, fallback: str) -> str:
    """Why `stop` was left out, in the current language (`fallback`: the solver's own
    sentence, for a code without words here)."""
    words = UNASSIGNED_WORDS.get(reason)
    if words is None or stop is None:
        return fallback
    facts = {
        "skills": str(listed(sorted(map(str, stop.skills)))),
        "pickup": _amount(stop.pickup),
        "delivery": _amount(stop.delivery),
    }
    return str(words) % facts


def in_readers_words(answer: dict, problem: routing.Problem) -> dict:
    """The VROOM answer with each unassigned stop's `reason_text` in the reader's language."""
    stops = {stop.id: stop for stop in problem.stops}
    for left in answer.get("unassigned", []):
        stop = stops.get(left.get("id"))
        left["reason_text"] = unassigned_words(left["reason"], stop, left.get("reason_text", ""))
    return answer
