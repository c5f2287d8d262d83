"""What a Chinese reader must never meet: internal codes (snake_case), raw enum values and
English fragments. Used by the browser audit on every page and by the e-mail tests."""

from __future__ import annotations

import enum
import re
from pathlib import Path

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


def _catalog_chinese() -> frozenset[str]:
    """The Chinese of every translated message, each run of it between placeholders and
    Latin text, four characters or more: the platform's own words."""
    from babel.messages.pofile import read_po

    path = Path(models.__file__).parent.parent / "translations/zh/LC_MESSAGES/messages.po"
    with path.open("rb") as po:
        catalog = read_po(po)
    found = set()
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            found.update(w for w in _CHINESE.findall(string or "") if len(w) >= 4)
    return frozenset(found)


#: A run of Chinese characters.
_CHINESE = re.compile(r"[\u3400-\u9fff]+")
_CATALOG: list[frozenset[str]] = []


def chinese_on_english(text: str) -> list[str]:
    """The platform's own Chinese (a run of a translated message, whole) in an English page's
    text: a message rendered in the wrong language. Names and addresses, which are people's
    own words in Chinese, never match a whole run of the catalog."""
    if not _CATALOG:
        _CATALOG.append(_catalog_chinese())
    return sorted({w for w in _CHINESE.findall(text) if w in _CATALOG[0]})
