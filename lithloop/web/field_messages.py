"""marshmallow's field errors (English, fixed wording) in the reader's language.

An API error's `message` and its `errors` per field are read by a person: both in the
reader's language, keyed by the fields' own names (readable_errors). Unknown wording passes
through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _

_KINDS: dict[str, Callable[[], str]] = {
    "integer": lambda: _("a whole number"),
    "number": lambda: _("a number"),
    "string": lambda: _("text"),
    "boolean": lambda: _("true or false"),
    "date": lambda: _("a date (YYYY-MM-DD)"),
    "time": lambda: _("a time (HH:MM)"),
    "datetime": lambda: _("a date and time"),
    "list": lambda: _("a list"),
    "mapping type": lambda: _("an object"),
    "email address": lambda: _("an e-mail address"),
    "URL": lambda: _("a web address"),
    "UUID": lambda: _("a UUID"),
}

_PATTERNS: list[tuple[re.Pattern, Callable[..., str]]] = [
    (re.compile(r"Missing data for required field\."), lambda: _("Required: it is missing.")),
    (re.compile(r"Unknown field\."), lambda: _("Not a field of this request.")),
    (re.compile(r"Field may not be null\."), lambda: _("May not be empty (null).")),
    (
        re.compile(r"Not a valid (.+)\."),
        lambda kind: _("Give %(kind)s.", kind=_KINDS[kind]()) if kind in _KINDS else None,
    ),
    (re.compile(r"Invalid input type\."), lambda: _("The value has the wrong type.")),
    (
        re.compile(r"Special numeric values \(nan or infinity\) are not permitted\."),
        lambda: _("Give a finite number (not NaN or infinity)."),
    ),
    (re.compile(r"Number too large\."), lambda: _("The number is too large.")),
    (
        re.compile(r"Enter at most 15 digits before the point and (\d+) after it\."),
        lambda n: _("Enter at most 15 digits before the point and %(n)s after it.", n=n),
    ),
    (
        re.compile(r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\."),
        lambda lo, hi: _("Must be between %(min)s and %(max)s.", min=lo, max=hi),
    ),
    (
        re.compile(r"Must be greater than or equal to (\S+)\."),
        lambda lo: _("Must be at least %(min)s.", min=lo),
    ),
    (
        re.compile(r"Must be less than or equal to (\S+)\."),
        lambda hi: _("Must be at most %(max)s.", max=hi),
    ),
    (
        re.compile(r"Must be greater than (\S+) and less than or equal to (\S+)\."),
        lambda lo, hi: _("Must be more than %(min)s and at most %(max)s.", min=lo, max=hi),
    ),
    (
        re.compile(r"Must be greater than (\S+)\."),
        lambda lo: _("Must be more than %(min)s.", min=lo),
    ),
    (
        re.compile(r"Length must be between (\d+) and (\d+)\."),
        lambda lo, hi: _("Length must be between %(min)s and %(max)s.", min=lo, max=hi),
    ),
    (
        re.compile(r"Length must be (\d+)\."),
        lambda n: _("Give exactly %(n)s items.", n=n),
    ),
    (
        re.compile(r"Shorter than minimum length (\d+)\."),
        lambda lo: _("Too short: at least %(min)s characters or items.", min=lo),
    ),
    (
        re.compile(r"Longer than maximum length (\d+)\."),
        lambda hi: _("Too long: at most %(max)s characters or items.", max=hi),
    ),
    (
        re.compile(r"Must be one of: (.+)\."),
        lambda choices: _("Choose one of: %(choices)s.", choices=choices),
    ),
    (
        re.compile(r"String does not match expected pattern\."),
        lambda: _("Not in the expected format."),
    ),
]


def translate(text: str) -> str:
    """`text` in the reader's language when it is one of marshmallow's own messages."""
    for pattern, render in _PATTERNS:
        match = pattern.fullmatch(text.strip())
        if match:
            out = render(*match.groups())
            if out:
                return out
    return text


def _internal(key) -> bool:
    """The key marshmallow files an object's own error under ("_schema"), or any other key
    of its kind: a name no field has, which no reader should meet."""
    return isinstance(key, str) and key.startswith("_")


#: Where an object's own error goes when its fields have errors of their own too.
WHOLE_OBJECT = "body"


def readable_errors(errors):
    """webargs' field errors ({location: {field: [messages] | {...}}}) with every message in
    the reader's language and no internal key: an object's own error (marshmallow's
    `_schema`, as a body or a lot that is not an object) becomes the messages of the object
    itself, {"lots": {0: {"_schema": [...]}}} reading {"lots": {0: [...]}} and
    {"json": {"_schema": [...]}} reading {"json": [...]}."""
    if isinstance(errors, dict):
        own: list = []
        fields = {}
        for key, value in errors.items():
            readable = readable_errors(value)
            if isinstance(readable, str):  # marshmallow lists a str message, not a lazy one:
                readable = [readable]  # each field's errors are a list all the same
            if _internal(key):
                own.extend(readable if isinstance(readable, list) else [readable])
            else:
                fields[key] = readable
        if own and not fields:
            return own
        if own:
            fields[WHOLE_OBJECT] = own
        return fields
    if isinstance(errors, list | tuple):
        return [
            readable_errors(e) if isinstance(e, dict | list) else translate(str(e)) for e in errors
        ]
    return translate(str(errors))
