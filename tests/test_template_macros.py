"""Templates use the macro library (templates/_macros.html) for the pieces every page repeats:
the CSRF input, the scroll-table wrapper and the pager are written once, there."""

from __future__ import annotations

from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
HAND_WRITTEN = {
    "a CSRF input (use m.csrf() or form.csrf_token)": 'name="csrf_token"',
    "a scroll-table wrapper (use m.scroll_table())": 'class="scroll"',
    "a pager (use m.pager())": 'class="pager"',
}


@pytest.mark.parametrize("what", HAND_WRITTEN)
def test_no_template_repeats_what_a_macro_does(what):
    needle = HAND_WRITTEN[what]
    found = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if path.name != "_macros.html" and needle in path.read_text("utf-8")
    ]
    assert found == [], f"{what} written by hand in {found}"


def test_the_macros_render(app):
    from flask import render_template_string

    with app.test_request_context("/"):
        html = render_template_string(
            '{% import "_macros.html" as m %}{{ m.csrf() }}{{ m.money(-123456) }}'
            "{% call m.scroll_table() %}<table></table>{% endcall %}"
            "{{ m.pager(p, 'bookings.index', status='x') }}",
            p={"page": 2, "pages": 3, "has_next": True},
        )
    assert 'name="csrf_token"' in html and 'class="money negative">-¥1,234.56<' in html
    assert 'class="scroll" tabindex="0" data-cards' in html
    assert "page=1" in html and "page=3" in html and "status=x" in html and "2 / 3" in html
