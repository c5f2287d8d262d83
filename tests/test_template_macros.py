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


def test_a_list_of_one_page_has_no_pager(app):
    """Walk finding: the approvals page showed a lone "1" pager under its only page."""
    from flask import render_template_string

    pager = "{% import \"_macros.html\" as m %}{{ m.pager(p, 'admin.approvals') }}"
    with app.test_request_context("/"):
        one = render_template_string(pager, p={"page": 1, "pages": 1, "has_next": False})
        two = render_template_string(pager, p={"page": 1, "pages": 2, "has_next": True})
        last = render_template_string(pager, p={"page": 2, "pages": 2, "has_next": False})
    assert 'class="pager"' not in one
    assert 'rel="next"' in two and 'rel="prev"' in last


def test_a_maps_key_names_only_the_kinds_it_draws(app):
    """A dealer's map of its own branches listed the park and bus depots in its key too,
    with no red or orange dot to find."""
    from flask import render_template_string

    dots = [{"x": 1, "y": 2, "kind": "branch", "name": "东安区门店", "id": 1}]
    with app.test_request_context("/"):
        html = render_template_string(
            '{% import "_macros.html" as m %}{{ m.region_map(map, "Map") }}',
            map={"width": 10, "height": 10, "dots": dots},
        )
        mixed = render_template_string(
            '{% import "_macros.html" as m %}{{ m.region_map(map, "Map") }}',
            map={"width": 10, "height": 10, "dots": [*dots, {**dots[0], "kind": "park"}]},
        )
    key = html.split("<figcaption>", 1)[1].split("</figcaption>", 1)[0]
    assert 'class="key branch"' in key and "经销网点" in key
    assert "park" not in key and "bus_depot" not in key and "产业园" not in key, key
    key = mixed.split("<figcaption>", 1)[1].split("</figcaption>", 1)[0]
    assert key.index("key park") < key.index("key branch") and "bus_depot" not in key


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [("en", 12345, "12,345 stops"), ("zh_CN", 12345, "12,345 个站点"), ("en", 1, "1 stop")],
)
def test_a_count_in_a_template_is_grouped_by_thousands(app, lang, count, expected):
    """Walk finding: ngettext in templates wrote "12345 stops" beside pages' "12,345 kg"."""
    from flask import render_template_string

    with app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
        html = render_template_string(
            "{{ ngettext('%(num)d stop', '%(num)d stops', n) }}|"
            "{{ ngettext('%(num)d stop', '%(num)d stops', n, num='<b>') }}",
            n=count,
        )
    shown, escaped = html.split("|")
    assert shown == expected
    assert "&lt;b&gt;" in escaped  # a value passed in is still escaped
