"""Every value of every vocabulary has its words in Chinese and in English, from the one
label table (lithloop/labels/): no page, letter or message falls back to the raw code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from lithloop import labels, routing, vocab
from lithloop.batteries.codes import CodeProblem
from lithloop.batteries.problems import CodeReason

CJK = re.compile(r"[\u4e00-\u9fff]")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(labels.VOCABULARIES))
def test_every_value_has_a_label_in_chinese_and_english(app, name):
    members, table = labels.VOCABULARIES[name]
    assert set(table) == {m.value for m in members}, f"{name}: values without a label"
    for member in members:
        for lang in ("zh_CN", "en"):
            with app.test_request_context("/"), force_locale(lang):
                shown = labels.label(table, member)
                english = table[member.value]._args[0]
            assert shown and shown != member.value, f"{name} {member.value} ({lang}): raw code"
            if lang == "zh_CN":
                untranslated = f"{name} {member.value}: untranslated"
                assert CJK.search(shown) and shown != english, untranslated
            else:
                assert shown == english


def test_a_label_reads_a_member_or_its_value_and_shows_an_unknown_value_as_is(app):
    with app.test_request_context("/"), force_locale("en"):
        assert labels.label(labels.BOOKING_STATUS, vocab.BookingStatus.PICKED_UP) == "Picked up"
        assert labels.label(labels.BOOKING_STATUS, "picked_up") == "Picked up"
        assert labels.WAREHOUSE[vocab.Warehouse.AGING] == labels.WAREHOUSE["aging"]
        assert labels.label(labels.BOOKING_STATUS, "lost") == "lost"
        with pytest.raises(KeyError):
            labels.WAREHOUSE["cellar"]


def test_the_left_out_reasons_are_the_solvers_codes():
    solver = {
        v for k, v in vars(routing.model).items() if k.startswith("REASON_") and k != "REASON_TEXT"
    }
    assert solver == set(vocab.values(vocab.LeftOutReason))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_refused_code_reads_in_words_with_its_parameters(app, lang):
    problem = CodeProblem(CodeReason.BAD_CHARACTER, 7, None, {"char": "#", "position": 7}, "")
    with app.test_request_context("/"), force_locale(lang):
        shown = labels.problem_text(problem)
        fallback = labels.code_reason("not_a_reason", {})
    assert "7" in shown and "#" in shown and "%(" not in shown, shown
    assert fallback and "%(" not in fallback
    if lang == "zh_CN":
        assert CJK.search(shown) and CJK.search(fallback)


def test_no_other_module_keeps_a_label_table_of_a_vocabulary():
    """A dict literal mapping a vocabulary's values to lazy words belongs in lithloop/labels/."""
    values = {
        m.value
        for members, _table in labels.VOCABULARIES.values()
        for m in members
        if len(str(m.value)) > 2  # grades and letters are too short to tell apart
    }
    found = []
    for path in sorted((ROOT / "lithloop").rglob("*.py")):
        if path.name == "labels.py" or path.parent == ROOT / "lithloop" / "labels":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Dict) or len(node.keys) < 3:
                continue
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            lazy = all(
                isinstance(v, ast.Call) and getattr(v.func, "id", "") in ("_l", "lazy_gettext")
                for v in node.values
            )
            if lazy and len(keys & values) >= 3:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == [], "move these label tables to lithloop/labels/"


def test_a_refused_codes_length_is_grouped_in_both_languages(app):
    """Walk finding: a pasted page read "The code has 20000 characters"."""
    with force_locale("en"):
        text = labels.code_reason(CodeReason.WRONG_LENGTH, {"length": 20000})
    assert text == "The code has 20,000 characters; GB/T 34014 codes have 24."
    with force_locale("zh"):
        assert "20,000" in labels.code_reason(CodeReason.WRONG_LENGTH, {"length": 20000})
    with force_locale("en"):
        year = labels.code_reason(CodeReason.YEAR_UNSUPPORTED, {"year": 2009, "first": 2010})
    assert "2009" in year and "2,009" not in year  # a year is not a count
