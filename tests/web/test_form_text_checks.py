"""Every free-text field of the page forms runs strict_input's text check (forms.visible_text):
text of only invisible characters, or carrying a direction control, is refused beside
the field, whether or not a service checks the field again."""

from __future__ import annotations

import inspect

import pytest
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField

from lithloop.models import Role
from lithloop.web import forms
from tests.conftest import submit

#: Typed through strict_input.phone_number by their services, which reads them as phones.
PHONES = {"phone", "contact_phone"}
ONLY_INVISIBLE = "这里只有看不见的字符，请用文字或数字填写。"
DIRECTION = "请删除其中不可见的文字方向控制字符"


def free_text_fields() -> list[tuple[type[FlaskForm], str]]:
    """(form, field name) of every free-text field of lithloop.web.forms."""
    found = []
    for _name, form in inspect.getmembers(forms, inspect.isclass):
        if not issubclass(form, FlaskForm) or form is FlaskForm:
            continue
        for name, unbound in vars(form).items():
            kind = getattr(unbound, "field_class", None)
            if kind is None or not issubclass(kind, StringField) or name in PHONES:
                continue
            if not issubclass(kind, EmailField | PasswordField):
                found.append((form, name))
    return found


FIELDS = free_text_fields()


def test_the_forms_free_text_fields_are_found():
    assert {(f.__name__, n) for f, n in FIELDS} >= {
        ("RegisterForm", "city"),
        ("ApiTokenForm", "name"),
        ("PriceVersionForm", "version"),
        ("PriceVersionForm", "note"),
        ("SiteForm", "address"),
    }


def errors_of(app, form_class, field: str, text: str) -> list[str]:
    """The refusals beside `field` of a form posted with `text` in it, in Chinese."""
    with app.test_request_context(method="POST", data={field: text}):  # zh_CN: default
        form = form_class(meta={"csrf": False})
        form.validate()
        return [str(message) for message in form[field].errors]


@pytest.mark.parametrize(
    ("form_class", "field"), FIELDS, ids=[f"{f.__name__}.{n}" for f, n in FIELDS]
)
def test_a_free_text_field_refuses_invisible_text_and_direction_controls(app, form_class, field):
    for text, told in (
        ("\u200b\u200b", ONLY_INVISIBLE),
        ("\u200f", ONLY_INVISIBLE),
        ("abc\u202edef", DIRECTION),
        ("\u2066", DIRECTION),
    ):
        errors = errors_of(app, form_class, field, text)
        assert any(told in e for e in errors), (text, errors)
    assert not any(
        ONLY_INVISIBLE in e or DIRECTION in e for e in errors_of(app, form_class, field, "王伟")
    )


def test_a_price_version_label_of_zero_width_spaces_is_refused_beside_it(client, login_as):
    login_as(Role.ADMIN)
    data = {"version": "\u200b\u200b", "effective_date": "2026-12-01", "price_li2co3": "80000"}
    response = submit(client, "/admin/prices/new", data)
    assert response.status_code == 422
    assert ONLY_INVISIBLE in response.get_data(as_text=True)
