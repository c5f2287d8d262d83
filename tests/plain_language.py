"""What a Chinese reader must never meet: internal codes (snake_case), raw enum values and
English fragments. Used by the browser audit on every page and by the e-mail tests."""

from __future__ import annotations

import enum
import re

import lithloop.models as models

#: Every value of the models' enums (statuses, states, roles, kinds) of four letters or more.
ENUM_VALUES = frozenset(
    str(member.value)
    for name in dir(models)
    if isinstance(klass := getattr(models, name), type) and issubclass(klass, enum.Enum)
    for member in klass
    if isinstance(member.value, str) and len(member.value) >= 4
)
_URLS = re.compile(r"\S+@\S+|https?://\S+|/[\w./?=&%-]+")
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", re.ASCII)
_WORD = re.compile(r"\b[a-z]{4,}\b", re.ASCII)
#: Three or more English words in a row (an untranslated sentence or fragment).
_ENGLISH = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,:'’]+[A-Za-z][a-z]+){2,}\b", re.ASCII)


def untranslated(text: str) -> list[str]:
    """Internal codes, raw enum values and English fragments in a Chinese page's or mail's text."""
    text = _URLS.sub(" ", text)
    found = _SNAKE.findall(text)
    found += [w for w in _WORD.findall(text) if w in ENUM_VALUES]
    found += [m.group() for m in _ENGLISH.finditer(text)]
    return sorted(set(found))
