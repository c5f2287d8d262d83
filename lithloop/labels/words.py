"""A label table and how one is shown: the table keyed by an enum's stored values (indexing
by the member works too) and `label()`, a value in the current language."""

from __future__ import annotations

import enum
from collections.abc import Mapping

from flask_babel.speaklater import LazyString

Table = Mapping[str, LazyString]


class Words(dict):
    """A label table keyed by stored values; indexing by the enum member works too."""

    def __missing__(self, key):
        if isinstance(key, enum.Enum) and key.value in self:
            return self[key.value]
        raise KeyError(key)


def table(pairs: dict) -> Words:
    """A table keyed by the members' stored values (what pages and rows carry)."""
    return Words({member.value: text for member, text in pairs.items()})


def label(table: Table, value: object) -> str:
    """A vocabulary value in the current language (a member or its stored value); an
    unknown value is shown as it is."""
    key = value.value if isinstance(value, enum.Enum) else value
    return str(table.get(key, key))  # type: ignore[arg-type]


def mid_sentence(text) -> LazyString:
    """A label put inside an English sentence: its first letter in lower case when shown
    ('as dispatcher', not 'as Dispatcher'); Chinese, without cases, is unchanged."""

    def shown() -> str:
        words = str(text)
        return words[:1].lower() + words[1:]

    return LazyString(shown)
