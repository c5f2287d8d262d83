"""Walk finding (English phone): a refused move read "…would carry 9,338" with "kg after…"
on the next line. A refusal's or a notice's figures keep their units, amounts and days on
one line, and the text around them stays escaped."""

from __future__ import annotations

from flask import render_template_string

from lithloop.i18n import figures_whole

WHOLE = '<span class="nowrap">{}</span>'


def test_figures_units_amounts_and_days_are_each_one_piece():
    text = "黑C·F0614 would carry 9,338 kg after 中通客车 on 2026-12-09, more than its 5,000 kg"
    shown = str(figures_whole(text))
    for piece in ("9,338 kg", "5,000 kg", "2026-12-09"):
        assert WHOLE.format(piece) in shown, shown
    chinese = str(figures_whole("装载 12 托盘，超过其 1,200 千克；85 % · ¥13,751.29，已 316 天"))
    for piece in ("12 托盘", "1,200 千克", "85 %", "¥13,751.29", "316 天"):
        assert WHOLE.format(piece) in chinese, chinese


def test_what_is_not_a_figure_is_left_alone_and_escaped():
    shown = str(figures_whole('<b onmouseover="x()">3 tests</b> & 12 kgs, 2026-12-091'))
    assert "<b" not in shown and "&lt;b onmouseover=" in shown and "&amp;" in shown
    assert "nowrap" not in shown  # a count without a unit, "kgs", a longer number


def test_pages_reach_it_as_a_filter(app):
    with app.test_request_context("/"):
        page = render_template_string("<p>{{ m|figures_whole }}</p>", m="carry 9,338 kg <i>")
    assert page == f"<p>carry {WHOLE.format('9,338 kg')} &lt;i&gt;</p>"
