"""`tools/translations.py extract` reads the code as the unused-message test does: run on a
copy of the catalogue, it marks no entry obsolete and its template holds exactly the
messages tests/source_messages.py calls used (the plurals behind `_nl` included)."""

from __future__ import annotations

import shutil

from babel.messages.pofile import read_po

from tests.source_messages import CATALOG, source_messages
from tools import translations

#: A plural asked for through the lazy_ngettext alias `_nl` (plant/intake_form.py).
PLURAL = "%(c)s codes for %(n)s pack: correct the count or the codes."


def _ids(messages) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in messages if m.id}


def _read(path):
    with open(path, "rb") as handle:
        return read_po(handle)


def test_extract_on_a_copy_marks_nothing_the_tests_call_used_obsolete(tmp_path):
    po = tmp_path / "zh" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    shutil.copyfile(CATALOG, po)
    pot = tmp_path / "messages.pot"
    translations.extract(tmp_path, pot)
    assert _ids(_read(pot)) == set(source_messages())
    before, after = _read(CATALOG), _read(po)
    newly_obsolete = _ids(after.obsolete.values()) - _ids(before.obsolete.values())
    assert sorted(newly_obsolete) == []
    assert _ids(after) == _ids(before)
    plural = after.get(PLURAL)
    assert isinstance(plural.id, tuple) and all(plural.string)
