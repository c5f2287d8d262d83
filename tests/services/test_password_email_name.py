"""The password rule against the e-mail's name refused any password holding its letters:
"li@example.cn" (a common surname) could not register with "lithloop-demo-1", told that the
password contained the e-mail name; "a@" refused every password with an "a"."""

from __future__ import annotations

import pytest

from lithloop.services.accounts.passwords import check_policy
from lithloop.services.errors import Invalid


@pytest.mark.parametrize(
    ("password", "email"),
    [
        ("lithloop-demo-1", "li@example.cn"),
        ("solar-panel-77", "a@example.cn"),
        ("x9-lumen-door", "@x"),
    ],
)
def test_a_short_email_name_inside_a_password_is_not_refused(app, password, email):
    check_policy(password, email)


@pytest.mark.parametrize(
    ("password", "email"),
    [("wangxiaoming-2026", "wangxiaoming@example.cn"), ("my-liu-pass-9", "liu@example.cn")],
)
def test_an_email_name_inside_a_password_is_still_refused(app, password, email):
    with pytest.raises(Invalid) as refused:
        check_policy(password, email)
    assert refused.value.field == "password"
