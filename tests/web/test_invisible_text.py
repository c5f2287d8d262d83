"""Text made only of invisible characters (a direction mark such as U+202E or U+200F, a
zero-width space) looks empty on the page and is not: every typed text field that goes
through strict_input refuses it beside the field, and nothing is stored."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lithloop.extensions import db
from lithloop.models import Site
from lithloop.services.accounts import registration
from lithloop.services.errors import Invalid
from lithloop.services.strict_input import limited_text, phone_number
from tests import worlds
from tests.conftest import submit
from tests.web.test_sites import GOOD

dealer = worlds.logged_in_dealer
INVISIBLE = ["\u202e", "\u200f", "\u200b\u2066", "\u202e \u200f"]
TOLD = "这里只有看不见的字符，请用文字或数字填写。"
# a direction control (U+202A-202E, U+2066-2069) in a form's name field is refused first,
# by the forms' own check, whatever else the text holds
DIRECTION_TOLD = "请删除其中不可见的文字方向控制字符"


@pytest.mark.parametrize("text", INVISIBLE)
def test_the_shared_checks_refuse_text_nobody_sees(app, text):
    for check in (lambda: limited_text(text, "note", 100), lambda: phone_number(text, "phone")):
        with pytest.raises(Invalid) as refused:
            check()
        assert "invisible" in str(refused.value.message) or TOLD in str(refused.value.message)
    assert limited_text("王伟\u200f", "note", 100) == "王伟\u200f"  # beside letters: kept


@pytest.mark.parametrize("field", ["contact_name", "contact_phone", "name", "city"])
@pytest.mark.parametrize("text", ["\u202e", "\u200f"])
def test_a_site_field_of_only_a_direction_mark_is_refused_beside_it(client, dealer, field, text):
    response = submit(client, "/sites/new", {**GOOD, field: text})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    named = field != "contact_phone" and text == "\u202e"  # a name field, a control
    assert f'id="{field}-err"' in body and (DIRECTION_TOLD if named else TOLD) in body
    assert db.session.scalar(sa.select(sa.func.count(Site.id))) == 0


SITE_TEXT = ["name", "city", "district", "address", "contact_name", "contact_phone"]


@pytest.mark.parametrize("text", ["\u200f", "\u200b"])
def test_every_invisible_site_field_is_named_beside_itself_at_once(client, dealer, text):
    response = submit(client, "/sites/new", {**GOOD, **dict.fromkeys(SITE_TEXT, text)})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert [f for f in SITE_TEXT if f'id="{f}-err"' not in body] == []
    assert body.count(TOLD) == len(SITE_TEXT)
    assert db.session.scalar(sa.select(sa.func.count(Site.id))) == 0


def test_registration_refuses_a_name_of_only_a_direction_mark(app):
    problems = registration.registration_problems(
        organisation="\u202e", name="\u200f", email="a@example.com", password="x", taken=False
    )
    fields = {p.field for p in problems if "invisible" in str(p.message) or TOLD in str(p.message)}
    assert {"organisation", "name"} <= fields


@pytest.mark.parametrize("text", ["\u200b", "\u200b\u200c"])
def test_a_registration_city_of_only_zero_width_spaces_is_refused_beside_it(client, text):
    """walk: a dealer's city of one zero-width space was stored; the admin's approval list
    then read "经销网点 ·  · 2026-12-06" (an empty city between the dots)."""
    from lithloop.models import Organisation
    from tests.web.test_auth import registration as registration_form

    data = registration_form(kind="dealer_branch", organisation="宁安服务站", city=text)
    response = submit(client, "/register", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="city-err"' in body and TOLD in body
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0


@pytest.mark.parametrize(
    ("field", "text"), [("organisation", "北疆\x07储能"), ("name", "李\x1b娜")]
)
def test_a_control_character_in_a_registrations_name_is_refused_beside_it(client, field, text):
    """walk: an organisation name with a BEL and a person's name with an ESC were kept for
    the organisation made at confirmation (invisible on its pages, carried into invoices and
    letters), though the company details page refuses the same characters."""
    from lithloop.models import PendingRegistration
    from tests.web.test_auth import registration as registration_form

    data = registration_form(**{field: text})
    response = submit(client, "/register", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-err"' in body and "含有看不见的控制字符" in body
    assert db.session.scalar(sa.select(sa.func.count(PendingRegistration.id))) == 0


def test_the_registration_service_refuses_a_control_character_in_a_name(app):
    problems = registration.registration_problems(
        organisation="北疆\x07储能", name="李娜", email="li@example.com", password="x", taken=False
    )
    assert "organisation" in {p.field for p in problems}
