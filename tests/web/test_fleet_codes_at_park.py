"""A fleet CSV row whose pack code the park has already received (any owner's pack) is an
error of the preview, beside its code: booking it is refused, so it would sit in the
register, proposed for a pickup that can never be made."""

from __future__ import annotations

from lithloop.extensions import db
from tests.factories import PackFactory
from tests.web.test_fleet import CODE_A, CODE_B, HEADER, manager, pack_count, stat, upload

__all__ = ["manager"]  # the fixture, used by name


def test_a_code_the_park_has_received_is_refused_beside_it_and_nothing_saved(client, manager):
    PackFactory(code=CODE_B)
    db.session.commit()
    data = (
        HEADER + f"黑C·D1,{CODE_A},LFP,295,2225,2019-03-01,\n"
        f"黑C·D2,{CODE_B},LFP,295,2225,2019-03-01,\n"
    ).encode()
    response = upload(client, data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"电池包编码 {CODE_B} 属于产业园已接收的电池包" in body
    assert stat(body, "错误") == "1"  # the other row, a code nobody has, is fine
    assert 'name="token"' not in body and pack_count() == 0
