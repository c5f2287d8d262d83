"""The region's cities and counties in the page's language.

A city is stored by its Chinese name: typed by a dealer for a site (with or without its
city, county or district suffix), chosen from the list by a buyer for a delivery. The
gazetteer knows each one's English name; a name it does not know is shown as typed.
"""

from __future__ import annotations

from flask import Flask

from lithloop.geo import english_names
from lithloop.i18n import current_language


def city_name(name: str | None) -> str:
    """A city or county of the region in the page's language; anything else as typed."""
    text = name or ""
    if current_language().startswith("zh"):
        return text
    return english_names().get(text.strip(), text)


def init_templates(app: Flask) -> None:
    """`city_name` for every template."""
    app.jinja_env.globals["city_name"] = city_name
