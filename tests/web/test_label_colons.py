"""A label's colon follows the page's language: full-width on Chinese pages ("合计：¥12"),
": " on English ones. Templates write it as {{ colon() }} after a label, never a bare ": "
(the bilingual transport documents keep theirs, being read in both languages at once)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import render_template_string

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
BILINGUAL = {"documents/dangerous_goods.html"}
BARE = re.compile(r"(\}\}|</strong>): |\}\}:<")  # also "total}}:</strong>"


def test_no_template_puts_a_half_width_colon_after_a_label():
    bare = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        if str(path.relative_to(TEMPLATES)) not in BILINGUAL
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if BARE.search(line)
    ]
    assert bare == []


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize(("lang", "expected"), [("zh_CN", "合计：¥12.00"), ("en", "Total: ¥12.00")])
def test_the_colon_is_the_pages_languages(app, lang, expected):
    with app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
        shown = render_template_string("{{ _('Total') }}{{ colon() }}{{ 1200|money }}")
    assert shown == expected
