"""Chinese first, English second; the switcher remembers; money and time formats."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from lithloop.i18n import money
from tests.conftest import submit
from tests.factories import make_org, make_user
from tests.source_messages import source_messages

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "lithloop" / "translations" / "zh" / "LC_MESSAGES"


def test_chinese_is_the_default(client):
    body = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in body and "登录" in body and "Log in" not in body


def switch(client, code: str, next_url: str = "/login", page: str = "/login"):
    """Press the switcher's button for `code` on `page`, as a browser does."""
    return submit(client, f"/lang/{code}", {"next": next_url}, page=page)


def test_the_switcher_is_a_form_with_a_button_and_a_token(client):
    body = client.get("/login?x=1").get_data(as_text=True)
    switcher = body[body.index('<nav class="lang"') : body.index("</nav>")]
    assert 'method="post" action="/lang/en"' in switcher
    assert 'name="csrf_token"' in switcher and 'name="next" value="/login?x=1"' in switcher
    assert '<button type="submit" class="link" lang="en">EN</button>' in switcher


def test_switching_to_english_is_remembered(client, auth):
    response = switch(client, "en", "/login?x=1")
    assert response.status_code == 303 and response.location.endswith("/login?x=1")
    body = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in body and "Log in" in body and "登录" not in body
    switch(client, "zh_CN")
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_the_switch_needs_its_csrf_token(client):
    assert client.post("/lang/en", data={"next": "/login"}).status_code == 400
    assert "登录" in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "", "x"],
)
def test_the_switch_goes_back_only_within_the_site(client, next_url):
    response = switch(client, "en", next_url)
    assert response.status_code == 303 and response.location == "/"


def test_the_choice_is_saved_on_the_user(app, auth):
    user = make_user(make_org())
    auth.login(user.email)
    switch(auth.client, "en", "/", page="/account")
    from lithloop.extensions import db

    db.session.refresh(user)
    assert user.locale == "en"
    fresh = app.test_client()  # a new browser without the cookie
    from tests.conftest import Auth

    Auth(fresh).login(user.email)
    assert "Log out" in fresh.get("/").get_data(as_text=True)


def test_a_language_link_sets_the_cookie_only(app, auth):
    user = make_user(make_org())
    auth.login(user.email)
    response = auth.client.get("/lang/en", headers={"Referer": "http://lithloop.test/account"})
    assert response.status_code == 302 and response.location.endswith("/account")
    assert "Log out" in auth.client.get("/").get_data(as_text=True)
    from lithloop.extensions import db

    db.session.refresh(user)
    assert user.locale != "en"  # a GET writes nothing; the switcher's POST saves the choice


def test_unknown_language_falls_back_to_chinese(client):
    switch(client, "xx")
    assert "登录" in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    ("fen", "shown"),
    [
        (0, "¥0.00"),
        (5, "¥0.05"),
        (123456, "¥1,234.56"),
        (-9900, "-¥99.00"),
        (None, "—"),
    ],
)
def test_money_is_yuan_with_two_decimals(fen, shown):
    assert money(fen) == shown


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        money(12.5)


def test_times_are_shown_in_beijing_time(app):
    from lithloop.i18n import local_time

    with app.test_request_context("/"):
        assert local_time(datetime(2026, 1, 1, 16, 30, tzinfo=UTC)) == "2026-01-02 00:30"


def test_every_message_has_a_chinese_translation():
    with open(CATALOG / "messages.mo", "rb") as handle:
        compiled = read_mo(handle)
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in compiled
        if m.id and m.string and (m.string if isinstance(m.string, str) else m.string[0])
    }
    missing = sorted(source_messages() - translated)
    assert not missing, (
        f"untranslated (run tools/translations.py, fill the .po, compile): {missing}"
    )


def _as_dict(catalog) -> dict:
    def key(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    # untranslated entries are not compiled; compare what has a translation
    return {
        key(m.id): key(m.string)
        for m in catalog
        if m.id and (m.string if isinstance(m.string, str) else any(m.string))
    }


def test_compiled_catalog_matches_the_po_file():
    with open(CATALOG / "messages.po", "rb") as handle:
        po = _as_dict(read_po(handle))
    with open(CATALOG / "messages.mo", "rb") as handle:
        mo = _as_dict(read_mo(handle))
    assert po == mo, "messages.mo is stale: run `python tools/translations.py compile`"


def test_translations_keep_the_placeholders_of_their_messages():
    import re

    named = re.compile(r"%\((\w+)\)[sd]")
    with open(CATALOG / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    problems = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not ids[0] or not any(strings) or "python-format" not in message.flags:
            continue
        names = set(named.findall(ids[0]))
        for text in strings:
            try:
                text % {name: 1 for name in names}
            except (ValueError, KeyError, TypeError) as exc:
                problems.append((ids[0], text, str(exc)))
            if set(named.findall(text)) != names:
                problems.append((ids[0], text, "placeholders differ"))
    assert problems == [], problems


def test_after_a_refused_form_the_switch_goes_back_to_the_forms_page(client, auth):
    """A refused form is answered at its POST address (/dispatch/runs), which answers no GET:
    switching the language there led to a 405. The switch goes back to the form's page."""
    from tests.factories import DispatcherFactory

    auth.login(DispatcherFactory().email)
    form = "/dispatch/?date=2026-12-08"
    refused = submit(
        client,
        "/dispatch/runs",
        {"date": "2026-12-08", "time_limit_s": "-5", "horizon_days": "1"},
        page=form,
        headers={"Referer": f"http://lithloop.test{form}"},
    )
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    switcher = body[body.index('<nav class="lang"') : body.index("</nav>")]
    assert 'name="next" value="/dispatch/?date=2026-12-08"' in switcher
    response = switch(client, "en", "/dispatch/?date=2026-12-08", page=form)
    assert client.get(response.location).status_code == 200
    body = submit(
        client,
        "/dispatch/runs",
        {"date": "2026-12-08", "time_limit_s": "-5", "horizon_days": "1"},
        page=form,
    ).get_data(as_text=True)  # no referrer: home
    switcher = body[body.index('<nav class="lang"') : body.index("</nav>")]
    assert 'name="next" value="/"' in switcher


def test_the_park_has_one_chinese_name():
    """到园区自提 on one page, 在产业园自提 on the next: one park, one name (产业园)."""
    with open(CATALOG / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    other = [m.id for m in catalog if m.id and "园区" in str(m.string)]
    assert other == [], other
    named = [m for m in catalog if m.id and "the park" in str(m.id)]
    assert sum("产业园" in str(m.string) for m in named) > 40


def test_each_message_is_translated_once():
    """Two engineers adding the same message leave two entries; the compiled catalogue keeps
    one of them, silently, so a later fix to the other changes nothing."""
    import collections
    import re

    text = (CATALOG / "messages.po").read_text("utf-8")
    keys = re.findall(r'^(?:msgctxt (".*")\n)?msgid ((?:".*"\n)+)', text, flags=re.M)
    twice = [k for k, n in collections.Counter(keys).items() if n > 1 and k[1] != '""\n']
    assert twice == [], twice


def test_a_window_no_truck_reaches_names_no_start(app):
    """A re-plan under way sends trucks on from where they are: the owner of a booking left
    out for its window was told it 'cannot be reached from the park'."""
    from flask_babel import force_locale

    from lithloop import labels
    from lithloop.vocab import LeftOutReason

    with app.test_request_context():
        for locale, park in (("en", "park"), ("zh_CN", "产业园")):
            with force_locale(locale):
                words = str(labels.LEFT_OUT_REASON[LeftOutReason.WINDOW_UNREACHABLE])
            assert park not in words and words, (locale, words)


def test_a_value_a_message_quotes_is_escaped_on_the_page(app):
    """Flask-Babel's lazy strings told Jinja their text was markup already, so a typed
    value quoted by a message (a date, a CSV header, a city) ran as HTML on the page."""
    from flask import render_template_string
    from flask_babel import lazy_gettext

    typed = '<img src=x onerror="alert(1)">'
    with app.test_request_context("/"):
        page = render_template_string(
            "<p>{{ said }}</p>", said=lazy_gettext("Unknown: %(v)s", v=typed)
        )
    assert "<img" not in page and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
