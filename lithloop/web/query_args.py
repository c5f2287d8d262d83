"""Whole numbers from the query string or a form, read strictly (lithloop.services.strict_input)."""

from __future__ import annotations

import unicodedata

from flask import request

from lithloop.services.errors import Invalid
from lithloop.services.strict_input import INT32_MAX, int_or_default, known_chemistry, strict_int

#: Far beyond any list's last page, far below the database's integer (OFFSET overflow).
MAX_PAGE = 100_000


def page_arg(name: str = "page", args=None) -> int:
    """The page number asked for (in the query, or in `args`): 1 to MAX_PAGE; 1 for
    anything else."""
    args = request.args if args is None else args
    return int_or_default(args.get(name), 1, minimum=1, maximum=MAX_PAGE)


def int_value(name: str, default: int, *, minimum: int = 0, maximum: int = INT32_MAX) -> int:
    """A whole number from the query or form: `default` when absent or empty, Invalid (422
    naming the field) when garbled or out of range."""
    raw = (request.values.get(name) or "").strip()
    return default if not raw else strict_int(raw, name, minimum=minimum, maximum=maximum)


def chosen_value(name: str) -> int:
    """The id of a thing chosen from a list (a select's value) in the form or query; 0, an
    id no row has, for anything else (empty, garbled, 0 or below, beyond the database's
    integer: a changed form), so the use case refuses it as any id it does not know ("No
    such truck."), never with a number's limits the list hides."""
    return int_or_default(request.values.get(name), 0, minimum=1, maximum=INT32_MAX)


def required_int(name: str, *, minimum: int = 0, maximum: int = INT32_MAX) -> int:
    """A whole number from the form or query; Invalid (422) naming the field otherwise."""
    return strict_int(request.values.get(name), name, minimum=minimum, maximum=maximum)


def chemistry_arg(errors: dict, name: str = "chemistry") -> str | None:
    """The chemistry a list is filtered by (None: all); one that is none of the chemistries
    (a changed link) is not applied and is said in `errors` beside the filter."""
    try:
        return known_chemistry(request.args.get(name), name) or None
    except Invalid as exc:
        errors[name] = str(exc.message)
        return None


def search_arg(name: str = "q") -> str:
    """What a list is searched for, at most 100 characters: invisible characters pasted with
    it (zero-width spaces, direction marks, controls) taken out and full-width letters and
    digits read as their ASCII forms (NFKC), so that 'admin' followed by U+200B, or a
    full-width 'ａｄｍｉｎ', finds what 'admin' finds."""
    text = unicodedata.normalize("NFKC", request.args.get(name) or "")
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf")).strip()[:100]
