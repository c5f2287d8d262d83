"""An e-mail typed in a Chinese keyboard's full-width mode (ｌｉ．ｍｉｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ)
is read as ASCII: the registration mailed its confirmation to an address no mailbox has, and
the account once made could not log in with the same keystrokes."""

from __future__ import annotations

from tests.conftest import submit
from tests.factories import PASSWORD, make_org, make_user
from tests.web.test_auth import confirm, confirm_link, registration

FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}


def test_a_full_width_address_registers_the_ascii_one(client):
    typed = "li.ming@example.com".translate(FULL_WIDTH)
    response = submit(client, "/register", registration(email=typed))
    assert response.status_code == 302
    assert confirm_link("li.ming@example.com").startswith("/register/confirm/")
    assert confirm(client, "li.ming@example.com").status_code == 302


def test_a_full_width_address_logs_in(client):
    make_user(make_org(), email="wang.fang@example.com")
    typed = "wang.fang@example.com".translate(FULL_WIDTH)
    response = submit(client, "/login", {"email": typed, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def test_full_width_spellings_count_as_the_same_address_towards_a_lock(client):
    """Read as the same account, they must count as one: otherwise each spelling (any mix
    of full-width letters) had its own five tries at the password."""
    from tests.web.test_lockout import LOCKED_ZH, fail, login

    user = make_user(make_org(), email="zhao.lei@example.com")
    for i in range(5):  # each try spelt differently: one full-width letter more each time
        typed = "zhao.lei@example.com"
        fail(client, typed[:i].translate(FULL_WIDTH) + typed[i:])
    right = login(client, user.email)
    assert right.status_code == 401 and LOCKED_ZH in right.get_data(as_text=True)
