"""The fleet import's refusal of a plate without letters or digits is said in the page's
words, beside its row and column, nothing imported."""

from __future__ import annotations

from html import unescape

from tests.web.test_fleet import HEADER, manager, pack_count, upload  # noqa: F401


def test_an_emoji_plate_is_refused_in_chinese_on_the_preview(client, manager):  # noqa: F811
    body = upload(client, (HEADER + "😀😀,,LFP,295,2200,2016-07-03,80\n").encode())
    page = unescape(body.get_data(as_text=True))
    assert body.status_code == 422
    assert "“😀😀”不是车牌号" in page, page
    assert pack_count() == 0
