"""URL converters: `<int:...>` bounded to the database's integer range."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL `integer`; a larger id can name no row


def at_most(limit: int) -> str:
    """A regular expression for the decimal numbers 0..limit (leading zeros allowed)."""
    digits = str(limit)
    longest = [digits]  # as many digits as the limit: the limit itself, or smaller at one place
    for place, digit in enumerate(digits):
        if digit != "0":
            rest = len(digits) - place - 1
            longest.append(f"{digits[:place]}[0-{int(digit) - 1}][0-9]{{{rest}}}")
    shorter = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    return f"0*(?:{'|'.join(shorter + longest)})"


class DatabaseIntConverter(IntegerConverter):
    """`<int:id>` that does not match numbers beyond MAX_ID (404, not an overflow).

    The bound is in the pattern, not only in `to_python`: werkzeug checks a rule's method
    before converting, so a number refused by `to_python` on a path with a GET rule and a
    POST rule answered 405 (the other rule's method) instead of 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
        if not self.signed and not self.fixed_digits and self.max is not None:
            self.regex = at_most(self.max)


def init_converters(app: Flask) -> None:
    """Install the bounded `int` converter before any route is added."""
    app.url_map.converters["int"] = DatabaseIntConverter
