"""The Chinese catalogue is well formed: every string line belongs to an entry, and every
translation uses only the placeholders of its message.

A merge of two branches' catalogues once dropped an entry's `msgid ""` line: its text was
read as more of the entry above it, so a refund letter's Chinese ended with a catalogue
filter's sentence and a `%(low)s` the letter's code never fills (a KeyError when sent).
"""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from tests.source_messages import CATALOG

_OPENS = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(\[\d+\])?) "')


def orphan_lines(text: str) -> list[int]:
    """The numbers of the string lines that follow no keyword line or other string line."""
    lines = text.split("\n")
    orphans = []
    for number, line in enumerate(lines[1:], start=2):
        before = lines[number - 2]
        if line.startswith('"') and not (before.startswith('"') or _OPENS.match(before)):
            orphans.append(number)
    return orphans


def placeholder_errors(catalog) -> list[str]:
    """Babel's checks (python-format placeholders and plural forms) of every entry."""
    return [f"{message.id!r}: {error}" for message, errors in catalog.check() for error in errors]


def test_every_string_line_belongs_to_an_entry():
    with open(CATALOG, encoding="utf-8") as handle:
        assert orphan_lines(handle.read()) == []


def test_the_check_finds_an_entry_that_lost_its_msgid_line():
    broken = 'msgid "a"\nmsgstr "甲"\n\n"b "\n"c"\nmsgstr "乙"\n'
    assert orphan_lines(broken) == [4]


def test_every_translation_uses_only_its_messages_placeholders():
    with open(CATALOG, "rb") as handle:
        assert placeholder_errors(read_po(handle)) == []


def test_the_check_finds_a_placeholder_the_message_does_not_have():
    import io

    broken = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, python-format\nmsgid "Order %(id)s"\nmsgstr "订单 %(id)s（%(low)s）"\n'
    )
    assert placeholder_errors(read_po(io.BytesIO(broken.encode()))) != []
