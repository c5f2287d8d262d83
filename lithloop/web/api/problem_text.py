"""Why the route solver refused a problem, in the reader's language: the checker's reason
code (routing.PROBLEM_REASONS) told in words, the field named as the request spells it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lithloop import routing
from lithloop.i18n import listed

#: Each reason of routing.PROBLEM_REASONS in words: the checker's own English sentence (a
#: date's a little plainer, as 2026-02-30 has the right shape), translated in the catalogue.
PROBLEM_REASON_WORDS = {
    "not_integer": _l("must be an integer"),
    "below_min": _l("must be >= %(lo)s"),
    "above_max": _l("must be <= %(hi)s"),
    "not_number": _l("must be a number >= %(lo)s"),
    "not_finite": _l("must be a finite number <= %(hi)s"),
    "not_list": _l("must be a list"),
    "not_object": _l("must be an object"),
    "amount_length": _l("has %(got)s entries but %(first)s has %(want)s"),
    "window_shape": _l("must be [start, end]"),
    "window_order": _l("end %(end)s precedes start %(start)s"),
    "skill_type": _l("a skill is an integer or a string"),
    "id_required": _l("required integer or string"),
    "vehicle_place": _l("needs a start or an end location"),
    "problem_not_object": _l("the problem must be a JSON object"),
    "no_vehicle": _l("at least one vehicle is required"),
    "duplicate_vehicle": _l("duplicate id"),
    "duplicate_stop": _l("duplicate id (unique across jobs and shipments)"),
    "unknown_vehicle": _l("unknown vehicle id"),
    "unknown_job": _l("unknown job id"),
    "json_too_deep": _l("JSON nested too deeply"),
    "json_malformed": _l("malformed JSON"),
    "coordinates_shape": _l("must be [lon, lat]"),
    "coordinates_range": _l("lon/lat out of range"),
    "place_missing": _l("needs %(index_key)s or %(coordinates_key)s"),
    "matrix_size": _l("is %(size)sx%(size)s but durations are %(n)sx%(n)s"),
    "matrix_row": _l("row must have %(size)s entries"),
    "matrix_numbers": _l("entries must be numbers"),
    "matrix_range": _l("entries must be numbers from 0 to %(hi)s"),
    "matrices_with_coordinates": _l("with matrices every location must be an index"),
    "matrices_shape": _l("must map a profile to durations/distances"),
    "one_profile": _l("one routing profile supported, got %(profiles)s"),
    "profile_missing": _l("missing for the vehicles' profile"),
    "durations_missing": _l("required"),
    "index_outside": _l("%(index)s outside the %(n)sx%(n)s matrix"),
    "indices_need_matrices": _l("location indices need `matrices`"),
    "date_format": _l("must be a real date, YYYY-MM-DD"),
    "no_distances": _l("required: locations are coordinates and no distance provider is set"),
}


def _shown(value: Any) -> str:
    """A reason's parameter as a person reads it: 1e9 as 1000000000, a set of names listed."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        return str(listed(sorted(map(str, value))))
    return str(value)


def problem_message(exc: routing.ProblemError) -> str:
    """The refusal in the request's language: the field (as the request names it), then why."""
    words = PROBLEM_REASON_WORDS.get(exc.reason)
    if words is None:  # a reason the checker added without words here: its own sentence
        reason = exc.message
    else:
        reason = str(words) % {k: _shown(v) for k, v in exc.params.items()}
    return _("%(field)s: %(reason)s", field=exc.path, reason=reason)
