"""The forecast's settings refused (not a number, or a number out of range): the page answers
422 and works nothing out from the defaults unseen; a number in exponent form (1e9) is told
the range, not asked for a number."""

from __future__ import annotations

import pytest

from lithloop import clock
from tests.web.test_fleet import manager, small_register  # noqa: F401

NUMBER_WANTED = "\u8bf7\u586b\u5199\u6570\u5b57"  # 请填写数字


@pytest.mark.parametrize(
    ("query", "field", "said"),
    [
        ("threshold=abc", "threshold", NUMBER_WANTED),
        ("threshold=1e9", "threshold", "50 \u81f3 99.5"),  # 至: the range
        ("months=abc", "months", "\u6574\u6570"),  # 整数
        ("months=1e9", "months", "12"),
    ],
)
def test_a_refused_setting_answers_422_with_no_proposals(client, manager, query, field, said):  # noqa: F811
    small_register(manager.organisation_id, clock.today())
    good = client.get("/fleet/forecast")
    assert good.status_code == 200 and 'class="card proposal"' in good.get_data(as_text=True)
    sent = client.get(f"/fleet/forecast?{query}")
    body = sent.get_data(as_text=True)
    assert sent.status_code == 422
    box = body[body.index(f'id="{field}"') :].split("</div>")[0]
    assert said in box, box
    if "1e9" in query:
        assert NUMBER_WANTED not in box and "\u6574\u6570" not in box, box  # it is a number
    assert 'class="card proposal"' not in body and "data-chart=" not in body
    assert 'id="forecast-held"' in body
