"""The Chinese catalogue holds only messages some code or template still asks for.

A message reworded in the code leaves its old entry behind (nobody runs `extract`, which
would mark it obsolete): a translator keeps fixing words nobody reads. An entry counts as
used when its id (a plural entry's singular) is the message of a gettext, lazy_gettext,
ngettext or lazy_ngettext call under any alias in lithloop/, or of `_()`, `gettext()`,
`ngettext()` or a `{% trans %}` block in templates/ (tests/source_messages.py).
"""

from __future__ import annotations

from babel.messages.pofile import read_po

from tests.source_messages import CATALOG, source_messages


def unused_messages(catalog, used: frozenset[str]) -> list[str]:
    """The ids of the catalogue's entries that no source asks for."""
    return sorted(
        key
        for key in (m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id)
        if key not in used
    )


def _catalog():
    with open(CATALOG, "rb") as handle:
        return read_po(handle)


def test_every_message_in_the_catalogue_is_used_by_the_code():
    unused = unused_messages(_catalog(), source_messages())
    assert unused == [], f"no code asks for these; remove them from messages.po: {unused}"


def test_the_check_catches_an_old_message_added_back():
    catalog = _catalog()
    old = "The note is at most %(n)s characters."  # removed: strict_input's words replaced it
    catalog.add(old, "备注最多 %(n)s 个字符。")
    assert unused_messages(catalog, source_messages()) == [old]


def test_messages_behind_an_alias_a_plural_and_a_template_count_as_used():
    used = source_messages()
    # lazy_ngettext imported as _nl (plant/intake_form.py): the singular is the entry's id
    assert "%(c)s codes for %(n)s pack: correct the count or the codes." in used
    # ngettext in a template (market/pack.html), and a plain _() in one
    assert "%(num)s identical pack in stock" in used
    assert "Download PDF" in used
    # the plural of an ngettext is no entry of its own
    assert "%(num)s identical packs in stock" not in used
