"""URL converters: `<int:...>` bounded to the database's integer range."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL `integer`; a larger id can name no row


class DatabaseIntConverter(IntegerConverter):
    """`<int:id>` that does not match numbers beyond MAX_ID (404, not an overflow)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_converters(app: Flask) -> None:
    """Install the bounded `int` converter before any route is added."""
    app.url_map.converters["int"] = DatabaseIntConverter
