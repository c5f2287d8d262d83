"""Hostile input values for the no-5xx test: how each is written into a form, a query
string, a path segment and a JSON body.

A value is a (name, form bytes, JSON literal) triple: the form/query text is already
percent-encoded (so that it can carry bytes that are not UTF-8, such as a lone surrogate
encoded as UTF-8), and the JSON literal is inserted verbatim into a body (so that it can
carry numbers Python cannot print, NaN, a lone surrogate escape and deep nesting).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Hostile:
    """One hostile value."""

    name: str
    form: str  # percent-encoded, for a form body, a query string or a path segment
    json: str  # a JSON literal


def _text(name: str, text: str) -> Hostile:
    return Hostile(name, quote(text, safe=""), json.dumps(text))


def _number(name: str, text: str, literal: str | None = None) -> Hostile:
    return Hostile(name, quote(text, safe=""), literal if literal is not None else text)


DEEP = 100_000
#: Every field gets these.
NASTIEST = [
    _text("nul", "1\x00"),
    Hostile("lone surrogate", "%ED%A0%80", '"\\ud800"'),
    _text("superscript two", "²"),
    _number("5000 digits", "9" * 5000),
    _number("1e999999", "1e999999"),
]
#: Every field gets a few of these, chosen by its name (the same each run).
OTHERS = [
    _text("arabic-indic three", "٣"),
    _text("fullwidth digits", "１２"),
    _number("NaN", "NaN"),
    _number("inf", "inf", "Infinity"),
    _number("-inf", "-inf", "-Infinity"),
    _number("20 digits", "9" * 20),
    _number("2**63", str(2**63)),
    _number("-2**63-1", str(-(2**63) - 1)),
    _number("negative", "-1"),
    _number("negative decimal", "-0.5"),
    _text("year 9999", "9999-12-31"),
    _text("year 9999 datetime", "9999-12-31T23:59:59"),
    _text("year 1", "0001-01-01"),
    _text("aware time", "09:00+08:00"),
    _text("aware window", "09:00+08:00-12:00+08:00"),
    _text("out of range time", "24:61"),
    _text("long", "长" * 20_000),
    _text("empty", ""),
    _text("comma decimal", "0,5"),
    _text("spaces", "   "),
    Hostile("json nested deep", quote("[" * 1000, safe=""), "[" * DEEP + "]" * DEEP),
    Hostile("json object", quote("{}", safe=""), '{"a": {"b": []}}'),
    Hostile("json list", quote("[]", safe=""), "[[], {}]"),
    Hostile("json true", "true", "true"),
    Hostile("json null", "", "null"),
]
OTHERS_PER_FIELD = 4


#: Fields named like a page number, a date or a time always get these too (OFFSET overflows
#: on 2**63; a day after 9999-12-31 does not exist; an aware time does not compare).
BY_NAME = [
    (("page",), ("2**63", "20 digits", "negative")),
    (
        ("date", "day", "until", "since", "wanted_by", "from", "to", "valid"),
        ("year 9999", "year 9999 datetime", "year 1"),
    ),
    (
        ("time", "window", "slot", "opens", "closes", "start", "end"),
        ("aware time", "aware window", "out of range time"),
    ),
]


def values_for_field(key: str, share: tuple[int, int] = (0, 1)) -> list[Hostile]:
    """The nastiest values, those its name calls for, and a stable sample of the others for
    one field. With `share` (this backend's index, the number of backends) the sample goes
    to one backend only, each field's to another: the nastiest and the named ones, which
    the databases treat differently (NUL, OFFSET 2**63), go to every backend."""
    start = zlib.crc32(key.encode())
    mine = start % share[1] == share[0]
    sample = (
        [OTHERS[(start + i * 7) % len(OTHERS)] for i in range(OTHERS_PER_FIELD)] if mine else []
    )
    name = key.rsplit(" ", 1)[-1].lstrip("?/").lower()
    for words, names in BY_NAME:
        if any(w in name for w in words):
            sample += [v for v in OTHERS if v.name in names and v not in sample]
    return NASTIEST + sample


def shared_out(values: list[Hostile], share: tuple[int, int]) -> list[Hostile]:
    """The values of a backend's share: every n-th (n backends), from its index."""
    return values[share[0] :: share[1]]


ALL = NASTIEST + OTHERS
